#!/usr/bin/env bash
# Run Viva's whole test suite with every real part: installs what the tests need first
# (scripts/setup.sh --dev), then runs pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# Missing real parts (llama.cpp server, audio tools, Chromium) fail the run instead of skipping.
export VIVA_TEST_STRICT="${VIVA_TEST_STRICT:-1}"
# llama.cpp's OpenMP threads spin while waiting; on 2 shared cores that slows replies 10-40x.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
.venv/bin/ruff check agent tests bench scripts
.venv/bin/mypy
exec .venv/bin/python -m pytest -q -ra "$@"
