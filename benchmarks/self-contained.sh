#!/usr/bin/env bash
# The self-contained charm against another revision (by default one without a bundled runtime), in one
# run: each charm's size, and its first hook's (install's) wall time on a fresh machine, from the
# runner's debug log. This checkout's charm is deployed on machines that see no Java at all (model
# config host-java=hidden): it runs on its own jre/. The other revision's runs on the machine's Java
# (host-java=visible), as it must. One-unit applications, deployed alternately, each removed after its
# install; median of RUNS.
# Usage (root): benchmarks/self-contained.sh BASE_REVISION [RUNS]   (RUNS default 5; builds both charms)
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
base=${1:?usage: benchmarks/self-contained.sh BASE_REVISION [RUNS]}
runs=${2:-5}
work=$(mktemp -d /tmp/self-contained-XXXX)
export LOCAL_JUJU_HOME="$work/home" LOCAL_JUJU_MODEL=selfcontained
J=bin/local-juju
trap ab_cleanup EXIT

ab_charms "$base" "$work"
$J add-model >/dev/null
for i in $(seq "$runs"); do
  for c in base head; do
    if [ "$c" = head ]; then $J model-config host-java=hidden >/dev/null; else $J model-config host-java=visible >/dev/null; fi
    $J deploy "$work/$c.charm" "$c$i" >/dev/null
    $J wait --timeout 10m >/dev/null
    $J remove-unit "$c$i/0" >/dev/null
    $J wait --timeout 5m >/dev/null 2>&1 || true
  done
done
$J debug-log --replay --no-tail > "$work/debug.log" 2>/dev/null || true
for c in base head; do
  grep -E "^unit-$c[0-9]+-0: " "$work/debug.log" | grep -o '"install" hook (via [^)]*) in [0-9]* ms' \
    | awk '{print $(NF-1)}' > "$work/$c.ms"
  [ "$(wc -l < "$work/$c.ms")" -eq "$runs" ] || { echo "ERROR expected $runs install hooks of $c in the debug log" >&2; exit 1; }
done
echo "| charm | size | install hook, median of $runs | runs (ms) | Java |"
echo "|---|---|---|---|---|"
echo "| $base_id (base) | $(( $(stat -c %s "$work/base.charm") / 1048576 )) MiB | $(median "$work/base.ms") ms | $(paste -sd' ' "$work/base.ms") | the machine's |"
echo "| $head_id (this checkout) | $(( $(stat -c %s "$work/head.charm") / 1048576 )) MiB | $(median "$work/head.ms") ms | $(paste -sd' ' "$work/head.ms") | its own jre/, no Java on the machine |"
echo "($(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg))"
