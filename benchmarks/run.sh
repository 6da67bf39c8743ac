#!/usr/bin/env bash
# Runs every benchmark and prints the tables BENCHMARKS.md holds (as root; builds the charm first).
# Usage: benchmarks/run.sh [RUNS]   (RUNS: hook start-up runs, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp package -Dmaven.test.skip=true
echo "## Hook start-up ($(date -u +%FT%TZ), $(nproc) cores)"
echo "| what | median | p90 | peak RSS |"
echo "|---|---|---|---|"
bash benchmarks/hook-startup.sh "${1:-30}"
echo
echo "## Runner overheads"
echo "| what | figure | reference |"
echo "|---|---|---|"
bash benchmarks/tools.sh
echo
echo "## Cluster"
echo "| what | median | notes |"
echo "|---|---|---|"
bash benchmarks/cluster.sh 5 20
echo
echo "## etcd under the charm"
bash benchmarks/etcd-perf.sh 5
