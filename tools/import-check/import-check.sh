#!/usr/bin/env bash
# make import-check: run galaxy-importer, what Galaxy and Automation Hub run on an upload, on the
# tarball in .build/dist/ (make build), with the settings of galaxy-importer.cfg beside this file.
# The importer's exit status says little (it logs a failed import and can still exit 0), so this
# fails on any ERROR, WARNING or CRITICAL line it prints, or when it does not report success; then
# check-docs.py reads what it rendered. Its full output: .build/import-check/importer.log, its
# result (metadata, rendered docs): .build/import-check/importer_result.json.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/tools/import-check"
work="$root/.build/import-check"
venv="$root/.venv-import"

"$root/tools/venv.sh" .venv-import tools/import-check/requirements.txt
tarballs=("$root"/.build/dist/*.tar.gz)
if [ ${#tarballs[@]} -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
    echo "import-check: expected one tarball in .build/dist/ (make build)" >&2
    exit 1
fi
rm -rf "$work"
mkdir -p "$work"

# Only the settings of galaxy-importer.cfg: none from the caller's environment.
while IFS= read -r name; do
    unset "$name"
done < <(compgen -e | grep '^GALAXY_IMPORTER_' || true)
export GALAXY_IMPORTER_CONFIG="$here/galaxy-importer.cfg"
export GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP="$work/ansible-tmp"

echo "import-check: galaxy-importer on ${tarballs[0]#"$root"/}"
# The importer writes importer_result.json into its working directory; it finds ansible-lint and
# ansible-doc on PATH.
(cd "$work" && PATH="$venv/bin:$PATH" python -m galaxy_importer.main "${tarballs[0]}" 2>&1 || true) | tee "$work/importer.log"

if grep -E '^(ERROR|WARNING|CRITICAL)' "$work/importer.log" >/dev/null \
        || ! grep -qx 'Importer processing completed successfully' "$work/importer.log"; then
    echo "import-check: FAILED: the importer reported the problems above (.build/import-check/importer.log)" >&2
    exit 1
fi
"$venv/bin/python" "$here/check-docs.py" "$work/importer_result.json"
echo "import-check: passed (.build/import-check/importer.log)"
