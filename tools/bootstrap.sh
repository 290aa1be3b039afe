#!/usr/bin/env bash
# Finds a Python >= 3.12, creates .venv in the repository root and installs
# ovopsim with its test extras into it. Safe to run again: it only installs
# what is missing. Prints the path of the venv's python on its last line.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
    local c
    for c in "${OVOPSIM_PYTHON:-}" python3.13 python3.12 python3; do
        [ -n "$c" ] || continue
        if command -v "$c" >/dev/null 2>&1 && ok "$c"; then command -v "$c"; return 0; fi
    done
    # pyenv installs that are not on PATH (the shims answer only for the selected version)
    local pyroot="${PYENV_ROOT:-$HOME/.pyenv}"
    for c in $(ls -d "$pyroot"/versions/3.1[2-9]* 2>/dev/null | sort -V -r); do
        if [ -x "$c/bin/python3" ] && ok "$c/bin/python3"; then echo "$c/bin/python3"; return 0; fi
    done
    return 1
}

if [ ! -x .venv/bin/python ] || ! ok .venv/bin/python; then
    py=$(find_python) || {
        echo "ovopsim needs Python 3.12 or newer and none was found." >&2
        echo "Install one (e.g. 'pyenv install 3.12') or set OVOPSIM_PYTHON=/path/to/python3.12." >&2
        exit 1
    }
    echo "Creating .venv with $py" >&2
    rm -rf .venv
    "$py" -m venv .venv
fi
stamp=.venv/.ovopsim-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip >&2
    .venv/bin/python -m pip install -q -e ".[test]" >&2
    touch "$stamp"
fi
echo "$root/.venv/bin/python"
