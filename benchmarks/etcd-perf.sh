#!/usr/bin/env bash
# etcd's own throughput and write latency under the charm against the same three members started by
# hand, in one run, rounds alternating:
#   - the charm: a 3-unit cluster deployed through the local runner, as it runs (the charm's config
#     file, its systemd unit, its hooks around it);
#   - by hand: in the very same machines' network namespaces and on the same addresses and ports, with
#     the same etcd binary and the same TLS (each unit's own member certificates and the charm's CA),
#     etcd's default settings, its own data dirs kept from round to round. The charm's etcd is stopped
#     (systemctl stop in the unit) while the hand-started members run, and started again after.
# The load is benchmarks/EtcdLoad.java (jetcd from the charm jar): CLIENTS connections spread over the
# three members, each with one 256-byte put in flight, SECONDS per measurement after a 3 s warm-up,
# from the host over the model's bridge, with the client certificate of generate-client-certificates.
# Usage (root): benchmarks/etcd-perf.sh [ROUNDS] [SECONDS] [CLIENTS]   (defaults 5, 15, 8; needs a build)
# Run it under `flock /tmp/it.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
rounds=${1:-5}
seconds=${2:-15}
clients=${3:-8}
jar=charm/target/etcd-charm.jar
[ -r target/etcd.charm ] && [ -r "$jar" ] || { echo "ERROR build first: mvn -B package -Dmaven.test.skip=true" >&2; exit 1; }
work=$(mktemp -d /tmp/etcd-perf-XXXX)
model=etcdperf
export LOCAL_JUJU_HOME="$work/home" LOCAL_JUJU_MODEL=$model
J=bin/local-juju
tag=$(printf %s "$model" | sha256sum | cut -c1-6)   # the runner's namespace names: jlr-<tag>-<machine>
hand_pids=()
stop_hand() {
  for p in "${hand_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${hand_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  hand_pids=()
}
cleanup() {
  rc=$?
  stop_hand
  if [ "$rc" -ne 0 ]; then
    for f in "$work"/hand*.log; do [ -s "$f" ] && { echo "--- $f" >&2; tail -n 5 "$f" >&2; }; done
  fi
  $J destroy >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

$J add-model >/dev/null
$J model-config update-status-hook-interval=24h >/dev/null   # no hook may touch etcd while it is stopped
$J deploy ./target/etcd.charm etcd -n 3 >/dev/null
$J wait --timeout 10m >/dev/null

$J run etcd/0 generate-client-certificates >/dev/null
$J scp etcd/0:/home/ubuntu/etcd_client_credentials.tar.gz "$work/"
mkdir -p "$work/creds" && tar xzf "$work/etcd_client_credentials.tar.gz" -C "$work/creds"
eps=$(sed -n 's/^ *export ETCDCTL_ENDPOINTS=//p' "$work/creds/README.txt")
ctl() {
  ETCDCTL_API=3 etcdctl --endpoints "$eps" --cacert "$work/creds/ca.pem" --cert "$work/creds/clientcert.pem" \
    --key "$work/creds/clientkey.pem" --dial-timeout=2s --command-timeout=3s "$@"
}
healthy() {
  for _ in $(seq 600); do
    ctl endpoint health >/dev/null 2>&1 && return 0   # etcdctl prints health on stderr; 0: all healthy
    sleep 0.1
  done
  echo "ERROR the cluster did not become healthy" >&2; exit 1
}

# What each unit runs: its etcd binary, config file, name, peer URL and certificate files.
cluster=""
for n in 0 1 2; do
  exec_start=$($J exec "etcd/$n" -- grep '^ExecStart=' /etc/systemd/system/etcd.service)
  set -- ${exec_start#ExecStart=}
  binary=$1; conf=$3
  $J scp "etcd/$n:$binary" "$work/etcd$n"; chmod 755 "$work/etcd$n"
  $J scp "etcd/$n:$conf" "$work/conf$n.yml"
  val() { sed -n "s/^ *$1: *//p" "$work/conf$n.yml" | sed -n "${2:-1}p" | tr -d '"'; }   # the charm quotes every value
  name[$n]=$(val name)
  peer[$n]=$(val initial-advertise-peer-urls)
  client[$n]=$(val advertise-client-urls)
  for f in cert-file key-file trusted-ca-file; do
    $J scp "etcd/$n:$(val $f 1)" "$work/client-$f-$n"
    $J scp "etcd/$n:$(val $f 2)" "$work/peer-$f-$n"
  done
  chmod 600 "$work"/*-key-file-*
  cluster="$cluster${cluster:+,}${name[$n]}=${peer[$n]}"
  # The unit's machine: the model's network namespace holding the unit's address.
  addr=${peer[$n]#https://}; addr=${addr%:*}
  ns[$n]=""
  for cand in $(ip netns list | awk '{print $1}' | grep "^jlr-$tag-"); do
    if ip -n "$cand" -4 -o addr show | grep -q "inet $addr/"; then ns[$n]=$cand; fi
  done
  [ -n "${ns[$n]}" ] || { echo "ERROR no network namespace of model $model holds etcd/$n's address $addr" >&2; exit 1; }
done

start_hand() {
  for n in 0 1 2; do
    ip netns exec "${ns[$n]}" "$work/etcd$n" --name "${name[$n]}" --data-dir "$work/hand$n" \
      --listen-client-urls "${client[$n]}" --advertise-client-urls "${client[$n]}" \
      --listen-peer-urls "${peer[$n]}" --initial-advertise-peer-urls "${peer[$n]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token etcd-perf-by-hand \
      --cert-file "$work/client-cert-file-$n" --key-file "$work/client-key-file-$n" \
      --trusted-ca-file "$work/client-trusted-ca-file-$n" --client-cert-auth \
      --peer-cert-file "$work/peer-cert-file-$n" --peer-key-file "$work/peer-key-file-$n" \
      --peer-trusted-ca-file "$work/peer-trusted-ca-file-$n" --peer-client-cert-auth >"$work/hand$n.log" 2>&1 &
    hand_pids+=($!)
  done
}
charm_etcd() { for n in 0 1 2; do $J exec "etcd/$n" -- systemctl "$1" etcd >/dev/null; done; }

mkdir -p "$work/load"
javac -nowarn -cp "$jar" -d "$work/load" benchmarks/EtcdLoad.java 2>/dev/null
load() { java -cp "$jar:$work/load" EtcdLoad "$eps" "$work/creds/ca.pem" "$work/creds/clientcert.pem" "$work/creds/clientkey.pem" "$seconds" "$clients"; }

: > "$work/charm.txt"; : > "$work/hand.txt"
healthy
for _ in $(seq "$rounds"); do
  load >> "$work/charm.txt"
  charm_etcd stop
  start_hand
  healthy
  load >> "$work/hand.txt"
  stop_hand
  charm_etcd start
  healthy
done
[ "$($J status --format json | grep -o '"active"' | wc -l)" -ge 3 ] || { echo "ERROR a unit is not active after the run" >&2; exit 1; }

col() { awk -v c="$1" '{print $c}' "$2" > "$work/col"; median "$work/col"; }
echo "| etcd, 3 members, $clients clients x ${seconds}s of 256-byte puts, $rounds rounds alternating | writes/s (median) | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|"
for w in charm hand; do
  label="under the charm"; [ "$w" = hand ] && label="started by hand, same binary, TLS, namespaces"
  echo "| $label | $(col 1 "$work/$w.txt") | $(col 2 "$work/$w.txt") | $(col 3 "$work/$w.txt") | $(awk '{s+=$4} END {print s+0}' "$work/$w.txt") |"
done
awk -v a="$(col 1 "$work/charm.txt")" -v b="$(col 1 "$work/hand.txt")" -v c="$(col 3 "$work/charm.txt")" -v d="$(col 3 "$work/hand.txt")" \
  'BEGIN {printf "| ratio charm / by hand | %.3fx | | %.3fx | |\n", a/b, c/d}'
echo "(rounds, writes/s p50 p99 errors; charm: $(paste -sd';' "$work/charm.txt"); by hand: $(paste -sd';' "$work/hand.txt"))"
echo "(etcd $("$work/etcd0" --version | head -1 | awk '{print $NF}'); $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD))"
