#!/usr/bin/env bash
# tools/stage.sh [--tracked DEST]: copy the collection's files, fresh each call.
#
# Without arguments (make stage): into .build/collections/ansible_collections/portsip/pbx, for the
# tests. ansible-test runs only from a real .../ansible_collections/<namespace>/<name> directory (a
# symlink is refused), and pytest/ansible-playbook import the collection from the same copy.
# Copied: tracked files plus untracked files git does not ignore (`git ls-files -co
# --exclude-standard`), so work in progress is tested and .venv/, .build/ and other ignored output
# stay out. Outside a git checkout, everything but those directories is copied.
#
# With --tracked DEST (tools/build.sh): only the files git tracks, as they are in the work tree, into
# DEST; what git does not track is never copied, so it can never ship. Needs a git checkout.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${1:-}" = --tracked ]; then
    dest=${2:?usage: tools/stage.sh [--tracked DEST]}
    list=(git ls-files -z)
else
    dest="$root/.build/collections/ansible_collections/portsip/pbx"
    list=(git ls-files -z -co --exclude-standard)
fi

rm -rf "$dest"
mkdir -p "$dest"
cd "$root"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked files deleted in the work tree are still listed: keep only what exists.
    "${list[@]}" \
        | while IFS= read -r -d '' f; do
              if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
          done \
        | tar --null --no-recursion -T - -cf - \
        | tar -xf - -C "$dest"
elif [ "${1:-}" = --tracked ]; then
    echo "stage: $root is not a git checkout: cannot tell which files git tracks" >&2
    exit 1
else
    tar --exclude=./.git --exclude='./.venv*' --exclude=./.build --exclude=./.ansible \
        --exclude=./tests/output --exclude='__pycache__' --exclude=./.pytest_cache \
        -cf - . | tar -xf - -C "$dest"
fi

# ansible-test lists a collection's files with git when it finds a .git directory in the
# collection or above it. Above the copy is this repository, whose .gitignore hides .build/:
# ansible-test would see no files at all ("All targets skipped"). An empty repository of its own
# in the copy stops that search; git then lists every file of the copy not in its .gitignore.
if command -v git >/dev/null 2>&1; then
    git init -q "$dest"
fi

echo "stage: $(find "$dest" -path "$dest/.git" -prune -o -type f -print | wc -l) files in ${dest#"$root"/}"
