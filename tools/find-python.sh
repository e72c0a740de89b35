#!/usr/bin/env bash
# Print the path of the Python that .venv/ is built from: $PYTHON if set, otherwise the newest
# working Python >= 3.11 among the pyenv installs (machine-workarounds/pyenv-bins.sh) and the
# commands on PATH. Each candidate is run, not just found: a command can exist and fail (a
# pyenv shim for a version that is not installed).
set -euo pipefail

works() {
    "$1" -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1
}

resolve() {
    # Absolute path of the interpreter itself (shims and relative names resolved by Python).
    "$1" -c 'import sys; print(sys.executable)'
}

if [ -n "${PYTHON:-}" ]; then
    if works "$PYTHON"; then
        resolve "$PYTHON"
        exit 0
    fi
    echo "find-python: PYTHON=$PYTHON does not run, or is older than 3.11" >&2
    exit 1
fi

candidates=()
while IFS= read -r bin; do
    candidates+=("$bin/python3")
done < <("$(dirname "${BASH_SOURCE[0]}")/machine-workarounds/pyenv-bins.sh")
candidates+=(python3.13 python3.12 python3.11 python3)

for py in "${candidates[@]}"; do
    if works "$py"; then
        resolve "$py"
        exit 0
    fi
done

echo "find-python: no working Python >= 3.11 found (tried: ${candidates[*]}); set PYTHON=/path/to/python3" >&2
exit 1
