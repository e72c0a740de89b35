#!/usr/bin/env bash
# Build the HTML documentation site of portsip.pbx into the directory given (made afresh): the
# module reference and the user guide (docs/docsite/), as antsibull-docs lays them out for
# docs.ansible.com. The collection is the one ansible finds through ANSIBLE_COLLECTIONS_PATH (make
# docs: the staged copy). Offline: the generated build.sh passes -W to sphinx-build, which turns the
# unreachable intersphinx inventories of docs.ansible.com and docs.python.org into an error, so it
# is dropped; every other warning is printed, and tests/integration/test_docsite.py fails on them.
set -euo pipefail

dest=${1:?usage: tools/docs.sh DEST}
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mkdir -m 700 "$dest"
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$dest" portsip.pbx
sed -i 's/ -W / /' "$dest/build.sh"
cd "$dest" && ./build.sh
