#!/usr/bin/env bash
# Installs what building, testing and running the local runner need on Debian/Ubuntu, and only what is
# missing: a JDK >= 17, Maven, etcd (server and etcdctl), a C compiler (the runner's hook-tool client),
# iproute2/util-linux (namespaces), openssl, unzip, curl, Prometheus (promtool and the server the
# observability tests run), jq (the test certificate provider); and the etcd 3.5 release tarballs the integration tests
# deploy (scripts/etcd-releases.sh). Stops the etcd that Debian's package auto-starts.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
javac_major() { javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p'; }

if ! have javac || [ "$(javac_major)" -lt 17 ] 2>/dev/null; then need+=(openjdk-17-jdk-headless); fi
have mvn || need+=(maven)
have etcd || need+=(etcd-server)
have etcdctl || need+=(etcd-client)
have cc || need+=(gcc libc6-dev)
have ip || need+=(iproute2)
have nsenter || need+=(util-linux)
have openssl || need+=(openssl)
have unzip || need+=(unzip)
have curl || need+=(curl)
have promtool || need+=(prometheus)
have jq || need+=(jq)
have tar || need+=(tar)

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ERROR missing packages: ${need[*]} (run as root, or install them: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "==> installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Debian's etcd-server starts its own etcd (systemd or /etc/init.d) on 127.0.0.1:2379 with a stale
# single-member data dir; nothing here uses it.
if [ -x /etc/init.d/etcd ] && pgrep -x etcd >/dev/null 2>&1; then
  /etc/init.d/etcd stop >/dev/null 2>&1 || pkill -x etcd || true
fi
if have systemctl && systemctl is-active --quiet etcd 2>/dev/null; then
  systemctl disable --now etcd >/dev/null 2>&1 || true
fi

# Debian's prometheus starts its own server on :9090 (and pulls in a node exporter); the tests run their
# own Prometheus, so the packaged services are stopped.
for svc in prometheus prometheus-node-exporter; do
  if have systemctl && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$svc" ]; then
    "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
  fi
done

# The integration tests run real etcd 3.5 releases: fetched once from Debian's newer suites and cached
# (~/.cache/etcd-releases) by etcd-releases.sh, which the tests run again to find them.
bash "$(dirname "$0")/etcd-releases.sh" >/dev/null
