#!/usr/bin/env bash
# Cluster benchmarks, each side by side with its reference in the same run (the references are the floor:
# etcd members started by hand with static TLS, certificates made beforehand, one namespace host each):
#   1. deploy -n 3 (into an existing model) until every unit is active and idle, vs. three members started
#      by hand with a static initial-cluster until `etcdctl endpoint health` passes on all three;
#   2. deploy -n 5 the same way, vs. five members started by hand;
#   3. add-unit of a 4th unit until its member votes (member list: four started voters), and until the model
#      is idle again, vs. adding a 4th member by hand to the three: `etcdctl member add --learner`, start it,
#      `etcdctl member promote` until etcd accepts it;
#   4. the health action and the update-status hook (their own wall time, from the runner's log), vs.
#      `etcdctl endpoint health --cluster` against the same cluster.
# Each run does the floor's FLOOR_PER_RUN rounds (3 by hand, a 4th added by hand, 5 by hand) and then the
# charm's deploy -n 5, deploy -n 3 and add-unit, so charm and floor are measured on the machine alike.
# Usage (root): benchmarks/cluster.sh [RUNS] [HEALTH_RUNS] [FLOOR_PER_RUN]
#   defaults 5, 20, 3; HEALTH_RUNS=0 leaves part 4 out; needs target/etcd.charm. The floor gets more runs than
#   the charm: its time is bimodal (etcd's first election either happens at once or waits out an election
#   timeout), so it is reported with its median, mean and the share of slow runs.
# LOCK=FILE: each run (and part 4) holds flock(FILE) and lets go of it between runs, so that integration
#   tests run elsewhere on the machine never overlap a measurement (do not also run the script under it).
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
runs=${1:-5}
health_runs=${2:-20}
floor_per=${3:-3}
work=$(mktemp -d /tmp/etcd-bench-XXXX)
export LOCAL_JUJU_HOME="$work/home" LOCAL_JUJU_MODEL=bench
J=bin/local-juju
net=10.213.251
hosts="1 2 3 4 5"
lock() { if [ -n "${LOCK:-}" ]; then exec 9>"$LOCK"; flock 9; fi; }
unlock() { if [ -n "${LOCK:-}" ]; then flock -u 9; exec 9>&-; fi; }
kill_hosts() { for i in $hosts; do ip netns pids "bench$i" 2>/dev/null | xargs -r kill -9 2>/dev/null || true; done; }
cleanup() {
  $J destroy >/dev/null 2>&1 || true
  kill_hosts
  for i in $hosts; do ip netns del "bench$i" 2>/dev/null || true; done
  ip link del jlrbench0 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM
# within SECONDS CMD...: runs CMD every 50 ms until it succeeds; gives up (ends the script) after SECONDS
within() {
  local end=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || { echo "gave up waiting for: $*" >&2; exit 1; }
    sleep 0.05
  done
}
span() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f\n", b-a}'; }

# ---- the floor's hosts and certificates, made once, outside every timed span
ip link add jlrbench0 type bridge && ip addr add "$net.1/24" dev jlrbench0 && ip link set jlrbench0 up
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ca.key" 2>/dev/null
openssl req -x509 -new -key "$work/ca.key" -subj /CN=bench-ca -days 2 -out "$work/ca.crt" 2>/dev/null
for i in $hosts; do
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
done
peers() { local out="" i; for i in $(seq "$1"); do out="$out${out:+,}m$i=https://$net.1$i:2380"; done; echo "$out"; }
clients() { local out="" i; for i in $(seq "$1"); do out="$out${out:+,}https://$net.1$i:2379"; done; echo "$out"; }
ctl() { ETCDCTL_API=3 etcdctl --cacert "$work/ca.crt" --cert "$work/m1.crt" --key "$work/m1.key" --dial-timeout=2s "$@"; }
# member I INITIAL_CLUSTER STATE TOKEN: starts member mI in its host, in the background
member() {
  rm -rf "$work/data$1"
  ip netns exec "bench$1" etcd --name "m$1" --data-dir "$work/data$1" \
    --listen-client-urls "https://$net.1$1:2379" --advertise-client-urls "https://$net.1$1:2379" \
    --listen-peer-urls "https://$net.1$1:2380" --initial-advertise-peer-urls "https://$net.1$1:2380" \
    --initial-cluster "$2" --initial-cluster-state "$3" --initial-cluster-token "$4" \
    --cert-file "$work/m$1.crt" --key-file "$work/m$1.key" --trusted-ca-file "$work/ca.crt" --client-cert-auth \
    --peer-cert-file "$work/m$1.crt" --peer-key-file "$work/m$1.key" --peer-trusted-ca-file "$work/ca.crt" \
    --peer-client-cert-auth >"$work/m$1.log" 2>&1 &
}
# floor N TOKEN: N members by hand until every one is healthy; prints the time
floor() {
  local t0 i
  t0=$(ms_now)
  for i in $(seq "$1"); do member "$i" "$(peers "$1")" new "$2"; done
  within 60 ctl --endpoints "$(clients "$1")" endpoint health
  span "$t0" "$(ms_now)"
}
# add_by_hand TOKEN: a 4th member into the running three, as a learner, started, promoted; prints the time.
# etcd refuses a member add ("unhealthy cluster") until every member has been connected for 5 s; the charm's
# cluster is older than that when a unit is added, so the three run 6 s first, outside the timed span.
add_by_hand() {
  local t0 id="" tries=0
  sleep 6
  t0=$(ms_now)
  until [ -n "$id" ]; do
    id=$(ctl --endpoints "$(clients 3)" member add m4 --learner --peer-urls "https://$net.14:2380" 2>/dev/null \
      | sed -n 's/^Member \([0-9a-f]*\) added.*/\1/p') || true
    tries=$((tries + 1))
    [ -n "$id" ] || [ "$tries" -lt 100 ] || { echo "etcdctl member add failed" >&2; exit 1; }
    [ -n "$id" ] || sleep 0.05
  done
  member 4 "$(peers 4)" existing "$1"
  within 60 ctl --endpoints "$(clients 3)" member promote "$id"
  span "$t0" "$(ms_now)"
}
# voters N CREDS_DIR ENDPOINTS: true when the member list shows N started voting members
voters() {
  local list
  list=$(ETCDCTL_API=3 etcdctl --endpoints "$3" --cacert "$2/ca.pem" --cert "$2/clientcert.pem" --key "$2/clientkey.pem" \
    --dial-timeout=2s member list 2>/dev/null) || return 1
  [ "$(grep -c ', started, .*, false$' <<<"$list")" -eq "$1" ] && [ "$(wc -l <<<"$list")" -eq "$1" ]
}

: > "$work/floor3.ms"; : > "$work/floor5.ms"; : > "$work/hand-add.ms"
: > "$work/deploy3.ms"; : > "$work/deploy5.ms"; : > "$work/add-votes.ms"; : > "$work/add-idle.ms"
for run in $(seq "$runs"); do
  lock
  for f in $(seq "$floor_per"); do
    floor 3 "bench-$run-$f-3" >> "$work/floor3.ms"
    add_by_hand "bench-$run-$f-3" >> "$work/hand-add.ms"
    kill_hosts; sleep 1
    floor 5 "bench-$run-$f-5" >> "$work/floor5.ms"
    kill_hosts; sleep 1
  done
  # The model exists before each deploy, as in Juju (juju add-model): its controller is not timed.
  $J add-model >/dev/null 2>&1
  t0=$(ms_now)
  $J deploy ./target/etcd.charm etcd -n 5 >/dev/null
  $J wait --timeout 10m >/dev/null
  span "$t0" "$(ms_now)" >> "$work/deploy5.ms"
  $J destroy >/dev/null
  $J add-model >/dev/null 2>&1
  t0=$(ms_now)
  $J deploy ./target/etcd.charm etcd -n 3 >/dev/null
  $J wait --timeout 10m >/dev/null
  span "$t0" "$(ms_now)" >> "$work/deploy3.ms"
  # Client credentials for the member list, outside the timed span.
  $J run etcd/0 generate-client-certificates >/dev/null
  rm -rf "$work/creds" && mkdir -p "$work/creds"
  $J scp etcd/0:/home/ubuntu/etcd_client_credentials.tar.gz "$work/creds/"
  tar xzf "$work/creds/etcd_client_credentials.tar.gz" -C "$work/creds"
  eps=$(sed -n 's/^ *export ETCDCTL_ENDPOINTS=//p' "$work/creds/README.txt")
  t0=$(ms_now)
  $J add-unit etcd >/dev/null
  within 600 voters 4 "$work/creds" "$eps"
  span "$t0" "$(ms_now)" >> "$work/add-votes.ms"
  $J wait --timeout 10m >/dev/null
  span "$t0" "$(ms_now)" >> "$work/add-idle.ms"
  if [ "$run" -lt "$runs" ] || [ "$health_runs" -eq 0 ]; then $J destroy >/dev/null; fi
  unlock
done

slow() { awk -v s="$2" '$1 >= s {n++} END {print n+0}' "$1"; }
row() { echo "| $1 | $(median "$2") ms | $3runs: $(paste -sd' ' "$2") |"; }
floor_row() { row "$1" "$2" "mean $(mean "$2") ms, $(slow "$2" 800) of $(wc -l < "$2") runs >= 0.8 s; "; }
ratio() { awk -v a="$(median "$2")" -v b="$(median "$3")" -v m="$(mean "$3")" \
  'BEGIN {printf "| %s | %.2fx the median, %.2fx the mean | |\n", "'"$1"'", a/b, a/m}'; }
row "deploy -n 3 until every unit is active (charm)" "$work/deploy3.ms" ""
floor_row "3 etcd members by hand, static TLS (floor)" "$work/floor3.ms"
ratio "ratio deploy -n 3 / floor" "$work/deploy3.ms" "$work/floor3.ms"
row "deploy -n 5 until every unit is active (charm)" "$work/deploy5.ms" ""
floor_row "5 etcd members by hand, static TLS (floor)" "$work/floor5.ms"
ratio "ratio deploy -n 5 / floor" "$work/deploy5.ms" "$work/floor5.ms"
row "add-unit until the new member votes (4th unit)" "$work/add-votes.ms" ""
row "add-unit until the model is idle again" "$work/add-idle.ms" ""
row "member add --learner, start, promote by hand (floor)" "$work/hand-add.ms" "mean $(mean "$work/hand-add.ms") ms; "
ratio "ratio add-unit (votes) / by hand" "$work/add-votes.ms" "$work/hand-add.ms"
[ "$health_runs" -gt 0 ] || exit 0

# ---- health: the action and update-status vs etcdctl, on the (now 4-unit) cluster: remove the 4th first
lock
$J remove-unit "$( $J status --format json | grep -o '"etcd/[0-9]*"' | tr -d '"' | sort -t/ -k2 -n | tail -1)" >/dev/null
$J wait --timeout 5m >/dev/null
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
unlock
grep -o '"health" action (task [0-9]*, completed) in [0-9]* ms' "$work/debug.log" | awk '{print $(NF-1)}' | tail -n "$health_runs" > "$work/health.ms"
grep -o '"update-status" hook (via [^)]*) in [0-9]* ms' "$work/debug.log" | awk '{print $(NF-1)}' | tail -n "$health_runs" > "$work/us.ms"
echo "| health action (3 units), hook process wall time | $(median "$work/health.ms") ms | p90 $(p90 "$work/health.ms") ms, n=$(wc -l < "$work/health.ms") |"
echo "| update-status hook (3 units), hook process wall time | $(median "$work/us.ms") ms | p90 $(p90 "$work/us.ms") ms, n=$(wc -l < "$work/us.ms") |"
echo "| etcdctl endpoint health --cluster (reference) | $(median "$work/etcdctl.ms") ms | p90 $(p90 "$work/etcdctl.ms") ms, n=$(wc -l < "$work/etcdctl.ms") |"
awk -v a="$(median "$work/health.ms")" -v u="$(median "$work/us.ms")" -v b="$(median "$work/etcdctl.ms")" \
  'BEGIN {printf "| ratio health / etcdctl, update-status / etcdctl | %.1fx, %.1fx | |\n", a/b, u/b}'
