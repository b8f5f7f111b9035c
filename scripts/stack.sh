#!/usr/bin/env bash
# The services of docker-compose.yml, natively on loopback (see scripts/stack.py):
#   eval "$(bash scripts/stack.sh up DIR)"   # start, then point the CLI at the stack
#   bash scripts/stack.sh down DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/.venv/bin/python" "$root/scripts/stack.py" "$@"
