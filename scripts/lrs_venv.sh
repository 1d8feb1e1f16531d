#!/usr/bin/env bash
# Makes .venv-lrs: the xAPI learning record store used by the tests (ralph-malph with its
# file-system backend). It lives in its own virtual environment because ralph-malph 5.x pins
# FastAPI/Starlette versions that Prefect 3.9 cannot share (DESIGN, "Lessons already paid for").
# Idempotent: does nothing when .venv-lrs already has a working `ralph`.
#
#   scripts/lrs_venv.sh            # creates ./.venv-lrs next to the repository root
#   LRS_VENV=/some/dir scripts/lrs_venv.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LRS_VENV:-$ROOT/.venv-lrs}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
STAMP="$VENV/.installed-ralph"

if [[ -f "$STAMP" && -x "$VENV/bin/ralph" ]] && "$VENV/bin/python" -c 'import ralph, requests' 2>/dev/null; then
    echo "lrs_venv: $VENV is ready"
    exit 0
fi

echo "lrs_venv: creating $VENV (ralph-malph with the file-system backend)"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# ralph's LRS imports requests at start-up without declaring it: install it beside.
"$VENV/bin/python" -m pip install --quiet 'ralph-malph[cli,lrs,backend-fs]' requests
"$VENV/bin/ralph" --help >/dev/null
touch "$STAMP"
echo "lrs_venv: $VENV is ready ($("$VENV/bin/python" -m pip show ralph-malph | sed -n 's/^Version: //p'))"
