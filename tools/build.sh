#!/usr/bin/env bash
# tools/build.sh [DIST]: build the collection tarball into DIST (default .build/dist/, emptied
# first) from a copy of the files git tracks (tools/stage.sh --tracked); galaxy.yml's `manifest`
# picks from those what ships. Refused when the copy's docs/guide.md is not what its
# docs/docsite/rst/ gives (tools/guide-md.py). ansible-galaxy and python come from PATH (make: .venv/).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dist=$(realpath -m "${1:-$root/.build/dist}")
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT

"$root/tools/stage.sh" --tracked "$copy/pbx" >/dev/null
python "$copy/pbx/tools/guide-md.py" --check
rm -rf "$dist"
mkdir -p "$dist"
ansible-galaxy collection build --output-path "$dist" "$copy/pbx"
