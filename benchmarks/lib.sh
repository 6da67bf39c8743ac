# Shared helpers for the benchmark scripts (sourced).
# ms_now: wall clock in milliseconds (with fractions).
ms_now() { date +%s%N | awk '{printf "%.3f", $1/1000000}'; }

# median FILE: median of the numbers in FILE (one per line).
median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR%2) printf "%.1f", a[(NR+1)/2]; else printf "%.1f", (a[NR/2]+a[NR/2+1])/2}'; }

# mean FILE: arithmetic mean of the numbers in FILE.
mean() { awk '{s+=$1} END {printf "%.1f", s/NR}' "$1"; }

# p90 FILE
p90() { sort -n "$1" | awk '{a[NR]=$1} END {i=int(NR*0.9); if (i<1) i=1; printf "%.1f", a[i]}'; }

# time_ms CMD...: runs CMD, prints its wall time in ms (output discarded).
time_ms() {
  local t0 t1
  t0=$(ms_now); "$@" >/dev/null 2>&1; t1=$(ms_now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", b-a}'
}

# max_rss_kb CMD...: peak resident set size of CMD in KiB (GNU time).
max_rss_kb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

# noop_hook CHARM_DIR: dispatches hooks/remove (no handler runs, no hook tool is called) through the
# unpacked charm's real dispatch, in a clean environment.
noop_hook() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin JUJU_DISPATCH_PATH=hooks/remove JUJU_UNIT_NAME=etcd/0 \
    JUJU_MODEL_NAME=bench JUJU_MODEL_UUID=00000000-0000-4000-8000-000000000000 JUJU_VERSION=3.6.4 \
    JUJU_CHARM_DIR="$1" CHARM_DIR="$1" "$1/dispatch"
}

# ab_charms BASE_REVISION WORK: builds this checkout's charm into WORK/head.charm and BASE_REVISION's (in a
# detached worktree at WORK/base) into WORK/base.charm; sets base_id and head_id (short commit ids).
# BASE_REVISION may instead be a built .charm file: then it is the base and this checkout's
# target/etcd.charm is taken as built (both built beforehand, outside a shared lock).
# ab_cleanup (for an EXIT trap) destroys the local-runner model and removes the worktree and WORK.
ab_charms() {
  head_id=$(git rev-parse --short HEAD)
  if [ -f "$1" ]; then
    [ -r target/etcd.charm ] || { echo "ERROR no target/etcd.charm: build this checkout first" >&2; exit 1; }
    cp target/etcd.charm "$2/head.charm"
    cp "$1" "$2/base.charm"
    base_id=$(basename "$1")
    return 0
  fi
  mvn -B -q -ntp package -Dmaven.test.skip=true
  cp target/etcd.charm "$2/head.charm"
  git worktree add -q --detach "$2/base" "$1"
  (cd "$2/base" && mvn -B -q -ntp package -Dmaven.test.skip=true)
  cp "$2/base/target/etcd.charm" "$2/base.charm"
  base_id=$(git rev-parse --short "$1")
}
ab_cleanup() {
  bin/local-juju destroy >/dev/null 2>&1 || true
  git worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
