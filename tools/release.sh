#!/usr/bin/env bash
# make release VERSION=x.y.z: release version x.y.z of the collection from a clean work tree
# (CONTRIBUTING.md, "Releasing"). In order, stopping at the first failure:
#   1. refuse a VERSION that is not x.y.z, a work tree with any change or untracked file, a
#      version not newer than the last one in changelogs/changelog.yaml, an existing tag vx.y.z,
#      a version_added that no changelog would list (tools/check-version-added.py);
#   2. set galaxy.yml's version;
#   3. antsibull-changelog release: the version's section of CHANGELOG.rst and
#      changelogs/changelog.yaml, from the fragments (which it deletes) and the plugins whose
#      version_added is this version;
#   4. make import-check: build the tarball (.build/dist/) and run galaxy-importer on it;
#   5. commit everything as "Release x.y.z" and tag the commit vx.y.z.
# Pushing the commit and the tag, and publishing the tarball, are left to the releaser.
# Tools come from PATH (make: .venv/).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=${1:-}
cd "$root"

fail() {
    echo "release: $*" >&2
    exit 1
}

[[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
    || fail "VERSION must be x.y.z (semantic versioning), got '${version}': make release VERSION=1.2.3"
if [ -n "$(git status --porcelain)" ]; then
    git status --short >&2
    fail "the work tree has changes or untracked files (above): commit or remove them first"
fi
last=$(python - <<'PYTHON'
import yaml
from packaging.version import Version
with open('changelogs/changelog.yaml') as handle:
    releases = yaml.safe_load(handle).get('releases') or {}
print(max(releases, key=Version, default='0.0.0'))
PYTHON
)
python -c 'import sys; from packaging.version import Version; sys.exit(Version(sys.argv[1]) <= Version(sys.argv[2]))' \
    "$version" "$last" || fail "$version is not newer than $last, the last release in changelogs/changelog.yaml"
if git rev-parse -q --verify "refs/tags/v$version" >/dev/null; then
    fail "tag v$version exists"
fi
python tools/check-version-added.py "$version"

echo "release: $version (last: $last)"
sed -i "s/^version: .*/version: $version/" galaxy.yml
antsibull-changelog release --version "$version" --reload-plugins
make --no-print-directory import-check
git add --all
git commit -q -m "Release $version"
git tag -a "v$version" -m "portsip.pbx $version"
echo "release: committed and tagged v$version; push both, then publish .build/dist/portsip-pbx-$version.tar.gz"
