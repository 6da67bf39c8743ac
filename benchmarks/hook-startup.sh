#!/usr/bin/env bash
# Wall time and peak memory of dispatching a hook that has nothing to do (hooks/remove: no handler runs,
# no hook tool is called, no etcd call), through the unpacked charm's real `dispatch` (Java discovery,
# class-data-sharing archive), side by side with a hello-world `java` in the same run.
# Usage: benchmarks/hook-startup.sh [RUNS]   (default 30; needs target/etcd.charm)
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh
runs=${1:-30}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
unzip -q target/etcd.charm -d "$work/charm"
mkdir -p "$work/hello"
cat > "$work/hello/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$work/hello" "$work/hello/Hello.java"

hook() { noop_hook "$work/charm"; }
# The reference runs on the same Java that dispatch picked (recorded in .cds/java by the first run).
hello() { "$(cat "$work/charm/.cds/java")" -cp "$work/hello" Hello; }

hook >/dev/null 2>&1   # first run: finds Java and starts recording the class archive, as install does on a unit
# The archive is assembled in the background: wait for it (at most a minute).
for _ in $(seq 120); do
  ls "$work"/charm/.cds/hooks-*[ja][so][at] >/dev/null 2>&1 && ! ls -d "$work"/charm/.cds/*.lock >/dev/null 2>&1 && break
  sleep 0.5
done
[ "$(hook 2>&1; echo $?)" = "0" ] || { echo "ERROR the no-op hook failed:"; hook; exit 1; }
: > "$work/hook.ms"; : > "$work/hello.ms"
for _ in $(seq "$runs"); do
  time_ms hook >> "$work/hook.ms"
  time_ms hello >> "$work/hello.ms"
done
h=$(median "$work/hook.ms"); j=$(median "$work/hello.ms")
hr=$(max_rss_kb env -i PATH=/usr/bin:/bin JUJU_DISPATCH_PATH=hooks/remove JUJU_UNIT_NAME=etcd/0 JUJU_MODEL_NAME=b \
  JUJU_MODEL_UUID=u JUJU_VERSION=3.6.4 JUJU_CHARM_DIR="$work/charm" "$work/charm/dispatch")
jr=$(max_rss_kb "$(cat "$work/charm/.cds/java")" -cp "$work/hello" Hello)
echo "| no-op hook via dispatch (hooks/remove) | $h ms | $(p90 "$work/hook.ms") ms | $((hr / 1024)) MiB |"
echo "| hello-world java (reference) | $j ms | $(p90 "$work/hello.ms") ms | $((jr / 1024)) MiB |"
awk -v a="$h" -v b="$j" 'BEGIN {printf "| ratio hook / hello | %.2fx | | |\n", a/b}'
echo "(Java: $(cat "$work/charm/.cds/java"))"
