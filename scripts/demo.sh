#!/usr/bin/env bash
# The main job on the embedded defaults: no server needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export LUUTRU_DATA_DIR="${LUUTRU_DATA_DIR:-var/demo}"
echo "==> validating every sample dossier"
luutru validate samples/valid/* samples/invalid/* || true
