#!/usr/bin/env bash
# Make sure .venv/ exists and matches requirements-dev.txt, constraints-dev.txt, requirements.txt
# and the chosen interpreter (tools/find-python.sh). .venv/.stamp holds a digest of those; when
# it differs, or the venv's python no longer runs, the venv is rebuilt from scratch.
# Packages come from the package index with pip (plus whatever the machine's pip config adds).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
stamp="$venv/.stamp"

py=$("$root/tools/find-python.sh")
version=$("$py" -c 'import sys; print(sys.version.split()[0])')
digest=$(
    {
        echo "$py $version"
        cat "$root/requirements-dev.txt" "$root/constraints-dev.txt" "$root/requirements.txt"
    } | sha256sum | cut -d' ' -f1
)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] \
        && "$venv/bin/python" -c 'import ansible, pytest' >/dev/null 2>&1; then
    exit 0
fi

echo "venv: building .venv/ with Python $version ($py)"
rm -rf "$venv"
"$py" -m venv "$venv"
# pip's output goes to a log (this machine's pip config adds noisy warnings); shown on failure.
if ! "$venv/bin/python" -m pip install --disable-pip-version-check -r "$root/requirements-dev.txt" \
        >"$venv/pip-install.log" 2>&1; then
    tail -n 40 "$venv/pip-install.log" >&2
    echo "venv: pip install failed (full log: .venv/pip-install.log)" >&2
    exit 1
fi
echo "$digest" > "$stamp"
"$venv/bin/python" -m pip --disable-pip-version-check list --format=freeze 2>/dev/null \
    | grep -iE '^(ansible-core|ansible-lint|antsibull-docs|antsibull-changelog|pytest)==' \
    | tr '\n' ' '
echo
