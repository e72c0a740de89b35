#!/usr/bin/env bash
# tools/venv.sh [DIR REQUIREMENTS]: make sure the virtualenv DIR (default .venv) exists and matches
# the requirements file REQUIREMENTS (default requirements-dev.txt), every file that names with -r
# or -c, and the chosen interpreter (tools/find-python.sh). DIR/.stamp holds a digest of those;
# when it differs, or the venv's python no longer runs, the venv is rebuilt from scratch.
# Packages come from the package index with pip (plus whatever the machine's pip config adds).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$root/${1:-.venv}
requirements=$root/${2:-requirements-dev.txt}
stamp="$venv/.stamp"
name=${venv#"$root"/}

# FILE, then each file it names with -r or -c (relative to FILE's folder), and theirs.
requirement_files() {
    local ref
    echo "$1"
    sed -n 's/^[[:space:]]*-[rc][[:space:]]\{1,\}\([^[:space:]#]\{1,\}\).*/\1/p' "$1" | while IFS= read -r ref; do
        requirement_files "$(dirname "$1")/$ref"
    done
}

py=$("$root/tools/find-python.sh")
version=$("$py" -c 'import sys; print(sys.version.split()[0])')
digest=$(
    {
        echo "$py $version"
        requirement_files "$requirements" | while IFS= read -r file; do cat "$file"; done
    } | sha256sum | cut -d' ' -f1
)

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ] && "$venv/bin/python" -c '' >/dev/null 2>&1; then
    exit 0
fi

echo "venv: building $name/ with Python $version ($py) from ${requirements#"$root"/}"
rm -rf "$venv"
"$py" -m venv "$venv"
# pip's output goes to a log (this machine's pip config adds noisy warnings), shown on failure;
# each package is named as pip starts on it, so a long install is never silent.
if ! "$venv/bin/python" -m pip install --disable-pip-version-check -r "$requirements" 2>&1 \
        | tee "$venv/pip-install.log" \
        | awk '/^Collecting / { sub(/[<>=!~;\[].*/, "", $2); print "venv:   " $2; fflush() }
               /^Installing collected packages/ { print "venv: installing them"; fflush() }'; then
    tail -n 40 "$venv/pip-install.log" >&2
    echo "venv: pip install failed (full log: $name/pip-install.log)" >&2
    exit 1
fi
echo "$digest" > "$stamp"
echo "venv: $name/ ready, $("$venv/bin/python" -m pip --disable-pip-version-check list --format=freeze 2>/dev/null | wc -l) packages"
