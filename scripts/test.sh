#!/usr/bin/env bash
# Run Viva's whole test suite with every real part: installs what the tests need first
# (scripts/setup.sh --dev), then runs pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# Missing real parts (llama.cpp server, audio tools, Chromium) fail the run instead of skipping.
export VIVA_TEST_STRICT="${VIVA_TEST_STRICT:-1}"
exec .venv/bin/python -m pytest -q -ra "$@"
