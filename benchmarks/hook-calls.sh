#!/usr/bin/env bash
# Hook-tool calls per hook kind of this checkout's charm and of another revision's, counted by the local
# runner (its debug log ends each hook's line with ", N hook-tool calls (tool n, ...)"): both deployed as
# 3-unit applications side by side in one model. Counted: update-status on every unit (leader and others),
# the config-changed of a heartbeat_interval change (each member then restarts in its rolling-restart
# turn), and the peer relation-changed hooks of that restart that changed nothing on their unit (idle: no
# relation-set, status-set, open-port, juju-log). A count, not a time: one run is enough.
# Usage (root): benchmarks/hook-calls.sh BASE_REVISION   (builds both charms)
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
base=${1:?usage: benchmarks/hook-calls.sh BASE_REVISION}
work=$(mktemp -d /tmp/hook-calls-XXXX)
export LOCAL_JUJU_HOME="$work/home" LOCAL_JUJU_MODEL=hookcalls
J=bin/local-juju
trap ab_cleanup EXIT

ab_charms "$base" "$work"

$J deploy "$work/base.charm" etcd-base -n 3 >/dev/null
$J deploy "$work/head.charm" etcd-head -n 3 >/dev/null
$J wait --timeout 15m >/dev/null
$J model-config update-status-hook-interval=5s >/dev/null
sleep 30
$J model-config update-status-hook-interval=5m >/dev/null
mark=$($J debug-log --replay --no-tail 2>/dev/null | wc -l)
$J config etcd-base heartbeat_interval=150 >/dev/null
$J config etcd-head heartbeat_interval=150 >/dev/null
sleep 5
$J wait --timeout 15m >/dev/null
$J debug-log --replay --no-tail > "$work/debug.log" 2>/dev/null || true

# calls APP HOOK [after-line] [idle]: the call counts of APP's HOOK lines (after line N; idle ones only).
calls() {
  tail -n +"$(( ${3:-0} + 1 ))" "$work/debug.log" | grep "^unit-$1-[0-9]*: .*ran \"$2\" hook (via " \
    | { if [ "${4:-}" = idle ]; then grep -v -e 'relation-set' -e 'status-set' -e 'open-port' -e 'juju-log'; else cat; fi; } \
    | sed -n 's/.* ms, \([0-9]*\) hook-tool call.*/\1/p'
}
row() {
  local what=$1; shift
  local cells=""
  for c in base head; do
    calls "etcd-$c" "$@" > "$work/$c.n"
    if [ -s "$work/$c.n" ]; then
      cells="$cells | $(median "$work/$c.n" | sed 's/\.0$//') ($(sort -n "$work/$c.n" | head -1)–$(sort -n "$work/$c.n" | tail -1), n=$(wc -l < "$work/$c.n"))"
    else
      cells="$cells | none"
    fi
  done
  echo "| $what$cells |"
}
echo "| hook (3-unit application) | $base_id (base) median (min–max, n) | $head_id (this checkout) median (min–max, n) |"
echo "|---|---|---|"
row "update-status, every unit" update-status
row "config-changed (heartbeat_interval)" config-changed "$mark"
row "peer relation-changed that changed nothing (idle)" cluster-relation-changed "$mark" idle
row "peer relation-changed, all" cluster-relation-changed "$mark"
