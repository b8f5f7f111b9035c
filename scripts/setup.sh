#!/usr/bin/env bash
# One entry point for a fresh Debian machine (root, Python 3.11):
#   bash scripts/setup.sh demo   install everything, ingest the sample dossiers, search them
#   bash scripts/setup.sh test   install everything, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"

# Tools the archive runs (normalisation, OCR, page counts) and, for tests, the servers.
RUNTIME_PKGS="ghostscript tesseract-ocr tesseract-ocr-vie libreoffice-writer-nogui libreoffice-calc-nogui
  fonts-dejavu-core poppler-utils qpdf icc-profiles-free unpaper pngquant python3-venv"
TEST_PKGS="redis-server postgresql chromium"   # chromium: end-to-end browser tests (tests/api)

pkgs="$RUNTIME_PKGS"
[ "$mode" = test ] && pkgs="$pkgs $TEST_PKGS"
missing=$(for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
# Java and Maven, for veraPDF (scripts/verapdf) and Elasticsearch (scripts/elasticsearch, which
# compiles its few launcher classes: a JDK): any installed java/javac/mvn will do.
command -v javac >/dev/null 2>&1 || missing="$missing default-jdk-headless"
command -v mvn >/dev/null 2>&1 || missing="$missing maven"
if [ -n "$missing" ]; then
  echo "==> apt-get install $(echo $missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
echo "==> installing luutru into .venv"
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e '.[test]'
export PATH="$PWD/.venv/bin:$PATH"
# veraPDF from Maven Central into ~/.cache/luutru/verapdf (LUUTRU_VERAPDF_HOME); the settings
# find its launcher there by default.
echo "==> installing veraPDF: $(bash scripts/verapdf/install.sh)"
# Elasticsearch 8 from Maven Central for the tests' node (tests/services.py) and scripts/stack.sh.
[ "$mode" = test ] && echo "==> installing Elasticsearch: $(bash scripts/elasticsearch/install.sh)"

case "$mode" in
  demo)
    exec bash scripts/demo.sh ;;
  test)
    shift || true
    # Tests start and stop their own servers (PostgreSQL, Redis, SeaweedFS); see tests/services.py.
    # They must run here: a missing server fails the suite instead of skipping its tests.
    export LUUTRU_REQUIRE_SERVICES=1
    exec python -m pytest "$@" ;;
  *)
    echo "usage: $0 demo|test" >&2; exit 2 ;;
esac
