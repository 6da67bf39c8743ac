#!/usr/bin/env bash
# The charm's per-hook cost against another revision of this repository, both measured in one run:
#   1. a hook with nothing to do (hooks/remove) through each unpacked charm's real `dispatch`, the two
#      charms alternating run by run, and a hello-world java on this checkout's runtime as the reference;
#   2. the update-status hook of a one-unit application of each charm, both deployed side by side in one
#      local-runner model (the hook process's wall time and its hook-tool calls, from the runner's debug log).
# Usage (root): benchmarks/hooks-ab.sh BASE_REVISION [RUNS] [--noop-only]   (RUNS default 20; builds both
#   charms; BASE_REVISION may be a built .charm file, see ab_charms in lib.sh). --noop-only measures part 1
#   alone: it starts no runner and no etcd, so it needs no test lock.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
base=${1:?usage: benchmarks/hooks-ab.sh BASE_REVISION [RUNS]}
runs=${2:-20}
work=$(mktemp -d /tmp/hooks-ab-XXXX)
export LOCAL_JUJU_HOME="$work/home" LOCAL_JUJU_MODEL=hooksab
J=bin/local-juju
trap ab_cleanup EXIT

ab_charms "$base" "$work"

# ---- 1. the no-op hook
noop() { noop_hook "$work/$1"; }
for c in base head; do
  unzip -q "$work/$c.charm" -d "$work/$c-charm"
  noop "$c-charm" >/dev/null 2>&1   # finds Java and records the class archive, as install does on a unit
done
for _ in $(seq 120); do   # the archives are assembled in the background
  ls -d "$work"/*-charm/.cds/*.lock >/dev/null 2>&1 || break
  sleep 0.5
done
# The reference: a hello-world java on the runtime this checkout's charm runs on (its own jre/ when it
# ships one), timed in the same loop.
mkdir -p "$work/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$work/hello/Hello.java"
javac --release 17 -d "$work/hello" "$work/hello/Hello.java"
hello() { "$(cat "$work/head-charm/.cds/java")" -cp "$work/hello" Hello; }
: > "$work/base.ms"; : > "$work/head.ms"; : > "$work/hello.ms"
for _ in $(seq "$runs"); do
  time_ms noop base-charm >> "$work/base.ms"
  time_ms noop head-charm >> "$work/head.ms"
  time_ms hello >> "$work/hello.ms"
done

noop_rows() {
  echo "| no-op hook via dispatch (hooks/remove), n=$runs | $(median "$work/base.ms") ms | $(p90 "$work/base.ms") ms | $(median "$work/head.ms") ms | $(p90 "$work/head.ms") ms |"
  echo "| hello-world java on this checkout's runtime (reference), n=$runs | | | $(median "$work/hello.ms") ms | $(p90 "$work/hello.ms") ms |"
  awk -v a="$(median "$work/head.ms")" -v b="$(median "$work/hello.ms")" 'BEGIN {printf "| ratio no-op hook / hello-world (this checkout) | | | %.2fx | |\n", a/b}'
}
if [ "${3:-}" = "--noop-only" ]; then
  echo "| what | $base_id (base) median | p90 | $head_id (this checkout) median | p90 |"
  echo "|---|---|---|---|---|"
  noop_rows
  echo "(Java: $(cat "$work/head-charm/.cds/java"); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  exit 0
fi

# ---- 2. update-status on a running unit of each charm
$J deploy "$work/base.charm" etcd-base >/dev/null
$J deploy "$work/head.charm" etcd-head >/dev/null
$J wait --timeout 10m >/dev/null
$J model-config update-status-hook-interval=4s >/dev/null
sleep $(( runs * 4 + 12 ))
$J model-config update-status-hook-interval=5m >/dev/null
$J debug-log --replay --no-tail > "$work/debug.log" 2>/dev/null || true
for c in base head; do
  grep "^unit-etcd-$c-0: " "$work/debug.log" | grep -o '"update-status" hook (via [^)]*) in [0-9]* ms' \
    | awk '{print $(NF-1)}' | tail -n "$runs" > "$work/us-$c.ms"
  [ -s "$work/us-$c.ms" ] || { echo "ERROR no update-status hook of etcd-$c in the debug log" >&2; exit 1; }
  grep "^unit-etcd-$c-0: " "$work/debug.log" | grep '"update-status" hook (via ' \
    | sed -n 's/.* ms, \([0-9]*\) hook-tool call.*/\1/p' | tail -n "$runs" > "$work/us-$c.calls"
done

echo "| what | $base_id (base) median | p90 | $head_id (this checkout) median | p90 |"
echo "|---|---|---|---|---|"
noop_rows
echo "| update-status hook (1 unit), n=$(wc -l < "$work/us-head.ms") | $(median "$work/us-base.ms") ms | $(p90 "$work/us-base.ms") ms | $(median "$work/us-head.ms") ms | $(p90 "$work/us-head.ms") ms |"
echo "(hook-tool calls per update-status, median, counted by the runner: base $(median "$work/us-base.calls"), this checkout $(median "$work/us-head.calls"))"
echo "(Java: $(cat "$work/head-charm/.cds/java"); charm sizes: base $(stat -c %s "$work/base.charm") bytes, this checkout $(stat -c %s "$work/head.charm") bytes)"
