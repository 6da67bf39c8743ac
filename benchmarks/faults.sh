#!/usr/bin/env bash
# The fault suite, every scenario: builds the charm, runs FaultSuiteIT with -Dfaults=all (and the other
# integration tests whose scenarios report through FaultSuite, when they exist) against real etcd through
# the local runner, and prints one markdown table row per scenario: writes acknowledged, lost and failed,
# seconds from the fault until every unit is active again, hook errors; then the machine and commit.
# Usage (root): benchmarks/faults.sh
#   FAULT_ITS: the test classes to run (default FaultSuiteIT,RebootIT,DiskFaultIT; a missing one is skipped).
#   On a machine where other integration tests run, start it under `flock /tmp/it.lock`.
set -euo pipefail
cd "$(dirname "$0")/.."
its=${FAULT_ITS:-FaultSuiteIT,RebootIT,DiskFaultIT}
# FaultSuite appends a line per scenario here (the tests run in the repository root).
results=target/faults/results.tsv
rm -f "$results"
log=$(mktemp /tmp/etcd-faults-XXXX.log)
started=$(date -u +%FT%TZ)
status=0
mvn -B -ntp -pl cluster-tests -am verify -Dfaults=all -Dit.test="$its" -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false >"$log" 2>&1 || status=$?
echo "## Fault suite ($started)"
echo
echo "| scenario | units after | writes acknowledged | writes lost | writes failed | s until all active | hook errors | notes |"
echo "|---|---|---|---|---|---|---|---|"
if [ -f "$results" ]; then
  awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}' "$results"
fi
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM," \
  "kernel $(uname -r), etcd $(etcd --version 2>/dev/null | awk '/etcd Version/ {print $3}');" \
  "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with local changes)')."
if [ "$status" -ne 0 ]; then
  echo
  echo "**The suite failed** (mvn exit $status): a scenario lost a write, saw a hook error or broke; log: $log"
  grep -E "FAIL|Tests run:.*Fail|AssertionFailedError|expected:" "$log" | head -20 || true
  exit "$status"
fi
rm -f "$log"
