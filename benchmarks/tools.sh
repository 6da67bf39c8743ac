#!/usr/bin/env bash
# Hook-tool call overhead (median per call of config-get made inside a unit through the runner's agent
# socket, next to /bin/true timed the same way) and the runner's scheduling overhead per hook
# (HookOverheadBench: 50 hooks through the scheduler vs. the same process run directly in the unit).
# Usage (root): benchmarks/tools.sh   (needs a build: mvn -B package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/tools-bench-XXXX)
export LOCAL_JUJU_HOME="$work/home" LOCAL_JUJU_MODEL=toolbench
trap 'bin/local-juju destroy >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cp -r benchmarks/toolbench "$work/charm"
bin/local-juju deploy "$work/charm" toolbench >/dev/null
bin/local-juju wait --timeout 5m >/dev/null
out=$(bin/local-juju run toolbench/0 bench calls=200)
tool=$(echo "$out" | sed -n 's/^tool-median-us: .\{0,1\}\([0-9]*\).*/\1/p')
ref=$(echo "$out" | sed -n 's/^true-median-us: .\{0,1\}\([0-9]*\).*/\1/p')
awk -v t="$tool" -v r="$ref" 'BEGIN {printf "| hook tool call (config-get --format=json), median of 200 | %.2f ms | /bin/true the same way: %.2f ms |\n", t/1000, r/1000}'
mvn -o -q -B verify -pl runner -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=HookOverheadBench \
  -Dfailsafe.failIfNoSpecifiedTests=false >/dev/null 2>&1 || { echo "ERROR HookOverheadBench failed"; exit 1; }
echo "| runner scheduling overhead per hook (HookOverheadBench) | $(cat runner/target/hook-overhead.txt) |"
