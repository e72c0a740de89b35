#!/usr/bin/env bash
# make mutation: mutation testing of plugins/module_utils with cosmic-ray, against the unit tests.
# Not part of `make test` or CI: each mutant costs one run of the unit tests, an hour or more in all on
# 2 cores. Interrupted, it resumes where it stopped; `rm -rf .build/mutation` starts afresh (do so after a
# change to plugins/module_utils). cosmic-ray edits the files it mutates, so it works on a copy of the
# staged collection in .build/mutation/, never on the tree or on .build/collections.
# Report: .build/mutation/report.txt, each surviving mutant with its diff, the score at the end.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv-mutation"
work="$root/.build/mutation"
requirements="$root/tools/requirements-mutation.txt"

if [ ! -x "$venv/bin/cosmic-ray" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    echo "mutation: building .venv-mutation/ for cosmic-ray"
    rm -rf "$venv"
    "$root/.venv/bin/python" -m venv "$venv"
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" >"$venv/pip-install.log" 2>&1 \
        || { tail -n 20 "$venv/pip-install.log" >&2; exit 1; }
    cp "$requirements" "$venv/requirements.txt"
fi

session="$work/session.sqlite"
if [ ! -f "$session" ]; then
    rm -rf "$work"
    mkdir -p "$work"
    cp -a "$root/.build/collections" "$work/collections"
    cat >"$work/cosmic-ray.toml" <<TOML
[cosmic-ray]
module-path = "$work/collections/ansible_collections/portsip/pbx/plugins/module_utils"
timeout = 120.0
excluded-modules = []
# -x: the first failing test kills the mutant; no xdist workers to start for each mutant.
test-command = "env PYTHONPATH=$work/collections $root/.venv/bin/python -m pytest -x -q -p no:cacheprovider -n 0 $root/tests/unit"

[cosmic-ray.distributor]
name = "local"

# "%" only formats strings here: swapping it for any operator breaks every run that reaches the line, so one
# replacement (by +) per use says whether a test reaches it; the other nine would cost a run each and say the same.
[cosmic-ray.filters.operators-filter]
exclude-operators = ["core/ReplaceBinaryOperator_Mod_(?!Add$)"]
TOML
    "$venv/bin/cosmic-ray" init "$work/cosmic-ray.toml" "$session"
    "$venv/bin/cr-filter-operators" "$session" "$work/cosmic-ray.toml"
    # The unmutated code must pass, or every mutant would look killed.
    "$venv/bin/cosmic-ray" baseline "$work/cosmic-ray.toml"
fi
"$venv/bin/cosmic-ray" exec "$work/cosmic-ray.toml" "$session"
"$venv/bin/cr-report" --surviving-only --show-diff "$session" >"$work/report.txt"
tail -n 3 "$work/report.txt"
