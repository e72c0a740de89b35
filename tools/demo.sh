#!/usr/bin/env bash
# make demo: build the collection tarball from this tree, install it into .build/demo/collections,
# start the PortSIP simulator (--demo data, free port) in the background and run demo/demo.yml
# three times against it:
#   1. --check --diff   (predict, change nothing)
#   2. --diff           (apply)
#   3. --diff again     (must be idempotent: every host in the PLAY RECAP has changed=0)
# Every run ends with the round trip: export the main menu with ivr_action_urls (gathered) and
# apply the export with overridden, which the playbook asserts changes nothing.
# The simulator is stopped on every exit path. Exits non-zero if a step fails.
# Expects .venv-demo/ to exist (make demo builds it first). Logs: .build/demo/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv-demo"
work="$root/.build/demo"
dist="$work/dist"
collections="$work/collections"
sim_pid=

log() { printf '\n=== demo: %s\n' "$*"; }

stop_simulator() {
    if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$sim_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
        echo "demo: simulator (pid $sim_pid) stopped"
    fi
    sim_pid=
}
trap stop_simulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export PATH="$venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$collections"
# The play targets the implicit localhost, which runs modules with ansible-playbook's own
# Python (the venv, which has requests); no inventory is needed, so skip the warnings about it.
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
if [ -t 1 ]; then
    export ANSIBLE_FORCE_COLOR=true  # output goes through tee; keep colours on a terminal
fi

rm -rf "$work"
mkdir -p "$dist" "$collections"

log "build the collection tarball"
(cd "$root" && ansible-galaxy collection build --force --output-path "$dist" .)
tarballs=("$dist"/*.tar.gz)
if [ ${#tarballs[@]} -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then
    echo "demo: expected one tarball in $dist" >&2
    exit 1
fi

log "install ${tarballs[0]##*/} into ${collections#"$root"/}"
ansible-galaxy collection install --offline --force -p "$collections" "${tarballs[0]}"

log "start the PortSIP simulator"
PYTHONPATH="$root/tests/simulator" PYTHONUNBUFFERED=1 \
    python -m portsip_sim --demo --port 0 --port-file "$work/simulator.port" \
    >"$work/simulator.log" 2>&1 </dev/null &
sim_pid=$!
url=
for _ in $(seq 300); do  # up to 30 s
    url=$(sed -n 's/^PORTSIP_SIM_URL=\(http[^[:space:]]*\).*/\1/p' "$work/simulator.log" | head -n 1)
    [ -n "$url" ] && break
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        echo "demo: the simulator exited during start-up:" >&2
        cat "$work/simulator.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "demo: the simulator printed no PORTSIP_SIM_URL= line within 30 s:" >&2
    cat "$work/simulator.log" >&2
    exit 1
fi
echo "demo: simulator pid $sim_pid at $url (log: ${work#"$root"/}/simulator.log)"

# Only the demo's connection settings: none left over from the caller's shell (a token, a CA...).
while IFS= read -r name; do
    unset "$name"
done < <(compgen -e | grep '^PORTSIP_' || true)
export PORTSIP_URL="$url"
export PORTSIP_USERNAME=admin
export PORTSIP_PASSWORD=portsip123
export PORTSIP_DOMAIN=demo.portsip.local

# run_playbook NAME ARGS...: run demo/demo.yml, keep its output in .build/demo/NAME.log
run_playbook() {
    local name=$1
    shift
    log "ansible-playbook demo/demo.yml $* ($name)"
    (cd "$root" && ansible-playbook demo/demo.yml "$@") 2>&1 | tee "$work/$name.log"
}

# recap_changed LOG: print the host lines of the PLAY RECAP whose changed= count is not 0;
# fails if the log has no PLAY RECAP host line at all.
recap_changed() {
    sed 's/\x1b\[[0-9;]*m//g' "$1" | awk '
        /^PLAY RECAP/ { recap = 1; next }
        recap && /:[[:space:]]+ok=[0-9]+/ {
            hosts++
            if (!match($0, /changed=[0-9]+/)) { print; next }
            if (substr($0, RSTART + 8, RLENGTH - 8) + 0 != 0) print
        }
        END { if (!hosts) { print "(no PLAY RECAP host lines found)"; exit 1 } }'
}

run_playbook 1-check --check --diff
run_playbook 2-apply --diff
run_playbook 3-idempotence --diff

if ! changed=$(recap_changed "$work/3-idempotence.log") || [ -n "$changed" ]; then
    echo "demo: FAILED: the third run was expected to report changed=0:" >&2
    echo "$changed" >&2
    exit 1
fi

log "OK: check, apply and idempotent re-run all passed (third run: changed=0)"
