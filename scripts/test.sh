#!/usr/bin/env bash
# Set up and run the whole test suite (CI runs exactly this). Extra arguments go to pytest,
# e.g. `bash scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
source scripts/services.sh
trap narrascope_services_stop EXIT
.venv/bin/python -m pytest "$@"
