#!/usr/bin/env bash
# Set up, then run the linter and formatter check, the type checker and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy commissioning
.venv/bin/python -m pytest "$@"
