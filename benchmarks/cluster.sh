#!/usr/bin/env bash
# Cluster benchmarks, each side by side with its reference in the same run:
#   1. deploy -n 3 (into an existing model) until every unit is active and the cluster healthy, vs. the floor: the same three etcd
#      members started by hand with static TLS (certificates made beforehand) on three namespace hosts;
#   2. add-unit until the new member votes;
#   3. the health action and the update-status hook (their own wall time, from the runner's log), vs.
#      `etcdctl endpoint health --cluster` against the same cluster.
# Usage (root): benchmarks/cluster.sh [DEPLOY_RUNS] [HEALTH_RUNS] [FLOOR_RUNS]
#   (defaults 3, 20 and 20; needs target/etcd.charm). The floor gets more runs than the deploy: its time is
#   bimodal (etcd's first election either happens at once or waits out an election timeout), so a few runs
#   give a median that is a coin toss; it is reported with its median, mean and the share of slow runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
deploy_runs=${1:-3}
health_runs=${2:-20}
floor_runs=${3:-20}
work=$(mktemp -d /tmp/etcd-bench-XXXX)
export LOCAL_JUJU_HOME="$work/home" LOCAL_JUJU_MODEL=bench
J=bin/local-juju
net=10.213.251
cleanup() {
  $J destroy >/dev/null 2>&1 || true
  for i in 1 2 3; do
    ip netns pids "bench$i" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "bench$i" 2>/dev/null || true
  done
  ip link del jlrbench0 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the floor: three etcd members by hand, static TLS, one network namespace each
ip link add jlrbench0 type bridge && ip addr add "$net.1/24" dev jlrbench0 && ip link set jlrbench0 up
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ca.key" 2>/dev/null
openssl req -x509 -new -key "$work/ca.key" -subj /CN=bench-ca -days 2 -out "$work/ca.crt" 2>/dev/null
cluster=""
for i in 1 2 3; do
  ip netns add "bench$i"
  ip link add "vbench$i" type veth peer name eth0 netns "bench$i"
  ip link set "vbench$i" master jlrbench0 up
  ip -n "bench$i" addr add "$net.1$i/24" dev eth0
  ip -n "bench$i" link set eth0 up && ip -n "bench$i" link set lo up
  openssl ecparam -name prime256v1 -genkey -noout -out "$work/m$i.ec" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$work/m$i.ec" -out "$work/m$i.key"
  openssl req -new -key "$work/m$i.key" -subj "/CN=m$i" -out "$work/m$i.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' "$net.1$i" > "$work/m$i.ext"
  openssl x509 -req -in "$work/m$i.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
    -extfile "$work/m$i.ext" -out "$work/m$i.crt" 2>/dev/null
  cluster="$cluster${cluster:+,}m$i=https://$net.1$i:2380"
done
floor_eps="https://$net.11:2379,https://$net.12:2379,https://$net.13:2379"
ctl() { ETCDCTL_API=3 etcdctl --cacert "$work/ca.crt" --cert "$work/m1.crt" --key "$work/m1.key" --dial-timeout=2s "$@"; }
: > "$work/floor.ms"
for run in $(seq "$floor_runs"); do
  t0=$(ms_now)
  for i in 1 2 3; do
    rm -rf "$work/data$i"
    ip netns exec "bench$i" etcd --name "m$i" --data-dir "$work/data$i" \
      --listen-client-urls "https://$net.1$i:2379" --advertise-client-urls "https://$net.1$i:2379" \
      --listen-peer-urls "https://$net.1$i:2380" --initial-advertise-peer-urls "https://$net.1$i:2380" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "bench-$run" \
      --cert-file "$work/m$i.crt" --key-file "$work/m$i.key" --trusted-ca-file "$work/ca.crt" --client-cert-auth \
      --peer-cert-file "$work/m$i.crt" --peer-key-file "$work/m$i.key" --peer-trusted-ca-file "$work/ca.crt" \
      --peer-client-cert-auth >"$work/m$i.log" 2>&1 &
  done
  until ctl --endpoints "$floor_eps" endpoint health >/dev/null 2>&1; do sleep 0.05; done
  t1=$(ms_now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", b-a}' >> "$work/floor.ms"
  for i in 1 2 3; do ip netns pids "bench$i" | xargs -r kill -9; done
  sleep 1
done

# ---- the charm: deploy -n 3 until active and healthy; add-unit until the new member votes
: > "$work/deploy.ms"; : > "$work/add.ms"
for run in $(seq "$deploy_runs"); do
  # The model exists before the deploy, as in Juju (juju add-model): its controller is not timed.
  $J add-model >/dev/null 2>&1
  t0=$(ms_now)
  $J deploy ./target/etcd.charm etcd -n 3 >/dev/null
  $J wait --timeout 10m >/dev/null
  t1=$(ms_now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", b-a}' >> "$work/deploy.ms"
  t0=$(ms_now)
  $J add-unit etcd >/dev/null
  $J wait --timeout 10m >/dev/null
  t1=$(ms_now)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", b-a}' >> "$work/add.ms"
  if [ "$run" -lt "$deploy_runs" ]; then $J destroy >/dev/null; fi
done
echo "| deploy -n 3 until active and healthy (charm) | $(median "$work/deploy.ms") ms | runs: $(paste -sd' ' "$work/deploy.ms") |"
echo "| 3 etcd members by hand, static TLS (floor) | $(median "$work/floor.ms") ms | mean $(mean "$work/floor.ms") ms, $(awk '$1 >= 800 {n++} END {print n+0}' "$work/floor.ms") of $(wc -l < "$work/floor.ms") runs >= 0.8 s; runs: $(paste -sd' ' "$work/floor.ms") |"
awk -v a="$(median "$work/deploy.ms")" -v b="$(median "$work/floor.ms")" -v m="$(mean "$work/floor.ms")" \
  'BEGIN {printf "| ratio charm / floor | %.1fx the median, %.1fx the mean | |\n", a/b, a/m}'
echo "| add-unit until the new member votes (4th unit) | $(median "$work/add.ms") ms | runs: $(paste -sd' ' "$work/add.ms") |"

# ---- health: the action and update-status vs etcdctl, on the (now 4-unit) cluster: remove the 4th first
$J remove-unit "$( $J status --format json | grep -o '"etcd/[0-9]*"' | tr -d '"' | sort -t/ -k2 -n | tail -1)" >/dev/null
$J wait --timeout 5m >/dev/null
$J run etcd/0 generate-client-certificates >/dev/null
$J scp etcd/0:/home/ubuntu/etcd_client_credentials.tar.gz "$work/"
mkdir -p "$work/creds" && tar xzf "$work/etcd_client_credentials.tar.gz" -C "$work/creds"
eps=$(sed -n 's/^ *export ETCDCTL_ENDPOINTS=//p' "$work/creds/README.txt")
# The first health action records its class archive, assembled in the background: not measured.
$J run etcd/0 health >/dev/null
sleep 15
: > "$work/etcdctl.ms"
for _ in $(seq "$health_runs"); do
  time_ms env ETCDCTL_API=3 etcdctl --endpoints "$eps" --cacert "$work/creds/ca.pem" --cert "$work/creds/clientcert.pem" \
    --key "$work/creds/clientkey.pem" endpoint health --cluster >> "$work/etcdctl.ms"
  $J run etcd/0 health >/dev/null
done
$J model-config update-status-hook-interval=4s >/dev/null
sleep $(( health_runs * 4 / 3 + 10 ))
$J model-config update-status-hook-interval=5m >/dev/null
$J debug-log --replay --no-tail > "$work/debug.log" 2>/dev/null || true
grep -o '"health" action (task [0-9]*, completed) in [0-9]* ms' "$work/debug.log" | awk '{print $(NF-1)}' | tail -n "$health_runs" > "$work/health.ms"
grep -o '"update-status" hook (via [^)]*) in [0-9]* ms' "$work/debug.log" | awk '{print $(NF-1)}' | tail -n "$health_runs" > "$work/us.ms"
echo "| health action (3 units), hook process wall time | $(median "$work/health.ms") ms | p90 $(p90 "$work/health.ms") ms, n=$(wc -l < "$work/health.ms") |"
echo "| update-status hook (3 units), hook process wall time | $(median "$work/us.ms") ms | p90 $(p90 "$work/us.ms") ms, n=$(wc -l < "$work/us.ms") |"
echo "| etcdctl endpoint health --cluster (reference) | $(median "$work/etcdctl.ms") ms | p90 $(p90 "$work/etcdctl.ms") ms, n=$(wc -l < "$work/etcdctl.ms") |"
awk -v a="$(median "$work/health.ms")" -v u="$(median "$work/us.ms")" -v b="$(median "$work/etcdctl.ms")" \
  'BEGIN {printf "| ratio health / etcdctl, update-status / etcdctl | %.1fx, %.1fx | |\n", a/b, u/b}'
