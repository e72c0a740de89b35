#!/usr/bin/env bash
# Run pytest on the given test directories; used by `make units` and `make integration`.
# A directory that does not exist yet is skipped with a warning; if none exists, or pytest
# collects no test at all (its exit status 5), this fails: a suite that runs nothing is broken.
# Extra pytest options: PYTEST_ARGS="-x -k name" (word-split), or PYTEST_ADDOPTS.
set -euo pipefail

dirs=()
for d in "$@"; do
    if [ -d "$d" ]; then
        dirs+=("$d")
    else
        echo "run-pytest: warning: $d does not exist, skipped" >&2
    fi
done
if [ ${#dirs[@]} -eq 0 ]; then
    echo "run-pytest: none of $* exists: no tests to run" >&2
    exit 1
fi

status=0
# shellcheck disable=SC2086  # PYTEST_ARGS is meant to be split into words
python -m pytest ${PYTEST_ARGS:-} "${dirs[@]}" || status=$?
if [ "$status" -eq 5 ]; then
    echo "run-pytest: pytest collected no tests in ${dirs[*]}" >&2
fi
exit "$status"
