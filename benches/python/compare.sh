#!/usr/bin/env bash
# Times cascade's calibration against scikit-learn on the same 1,000,000 pairs, in one run.
# scikit-learn lives in a throwaway virtualenv outside the repository (never a test dependency):
# $CASCADE_SKLEARN_PYTHON if set, else /tmp/skvenv (created on first use).
# Usage: benches/python/compare.sh [--pairs N] [--repeat R]
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${CASCADE_SKLEARN_PYTHON:-/tmp/skvenv/bin/python}"
if [ ! -x "$PY" ]; then
  python3 -m venv /tmp/skvenv
  /tmp/skvenv/bin/pip install -q scikit-learn numpy
  PY=/tmp/skvenv/bin/python
fi
# Some machines set these for their CPU; they slow numpy down, which would flatter cascade.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
cargo build -q --release -p cascade-cli
exec "$PY" benches/python/compare.py "$@"
