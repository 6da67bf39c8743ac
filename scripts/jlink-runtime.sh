#!/bin/sh
# Builds the Java runtime the charm ships (jre/ in the charm): jlink of exactly the modules the charm jar
# needs (jdeps over the shaded jar, which holds the charm and all its dependencies), for the architecture
# of the build machine, and writes the charm's manifest.yaml naming that architecture.
# Usage: jlink-runtime.sh CHARM_JAR OUT_JRE SOURCE_MANIFEST OUT_MANIFEST [JDK]
# JDK: the JDK to take the runtime from; default the newest JDK >= 17 of the build machine (the build's
# own JAVA_HOME, `java` on PATH, /usr/lib/jvm/*) whose jlink can make a runtime (jmods/ or a JDK 24+
# built to link from its own runtime image). The newest wins for the same reason dispatch prefers it:
# JDK 25 starts the hooks faster and lets the charm ship its class archive (docs/architecture.md,
# "Packaging").
set -eu
jar=${1:?usage: jlink-runtime.sh CHARM_JAR OUT_JRE SOURCE_MANIFEST OUT_MANIFEST [JDK]}
out=${2:?missing OUT_JRE}
manifest_in=${3:?missing SOURCE_MANIFEST}
manifest_out=${4:?missing OUT_MANIFEST}
jdk=${5:-}

die() { echo "ERROR jlink-runtime: $*" >&2; exit 1; }

[ -r "$jar" ] || die "charm jar $jar is missing"
[ -r "$manifest_in" ] || die "manifest $manifest_in is missing"

major_of() {
  v=""
  if [ -r "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  fi
  echo "${v:-0}"
}

# A JDK whose jlink can link a runtime: it has jmods/, or (JDK 24+, JEP 493) links from its own image.
can_link() {
  [ -x "$1/bin/jlink" ] && [ -x "$1/bin/jdeps" ] || return 1
  [ -d "$1/jmods" ] && return 0
  [ "$(major_of "$1")" -ge 24 ] 2>/dev/null && [ -r "$1/lib/modules" ]
}

if [ -n "$jdk" ]; then
  can_link "$jdk" || die "$jdk is not a JDK whose jlink can make a runtime (needs bin/jlink, bin/jdeps and jmods/, or JDK 24+)"
else
  best_v=0
  path_java=$(command -v java 2>/dev/null || true)
  path_home=""
  [ -n "$path_java" ] && path_home=$(dirname "$(dirname "$(readlink -f "$path_java")")")
  for cand in ${JAVA_HOME:-} $path_home /usr/lib/jvm/*; do
    [ -d "$cand" ] || continue
    cand=$(readlink -f "$cand")
    v=$(major_of "$cand")
    if [ "$v" -ge 17 ] 2>/dev/null && [ "$v" -gt "$best_v" ] && can_link "$cand"; then jdk=$cand; best_v=$v; fi
  done
  [ -n "$jdk" ] || die "no JDK >= 17 with jlink found (JAVA_HOME, PATH, /usr/lib/jvm); install openjdk-17-jdk-headless or pass -Dcharm.jdk=PATH"
fi
major=$(major_of "$jdk")

case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  ppc64le) arch=ppc64el ;;
  s390x) arch=s390x ;;
  riscv64) arch=riscv64 ;;
  *) die "unsupported build architecture $(uname -m)" ;;
esac

# The modules the charm's classes reference (the class files target Java 17, so the jar's Java 17
# view is the one to analyse); jdk.crypto.ec carries the elliptic-curve TLS the cluster uses on JDK 17
# (a provider, so no class names it; from JDK 22 on it is an empty module kept for compatibility).
# EXTRA_JARS names a directory of jars the charm puts on some actions' class path (lib/s3/): their
# modules are linked too.
extra=""
[ -n "${EXTRA_JARS:-}" ] && extra=$(ls "$EXTRA_JARS"/*.jar 2>/dev/null || true)
# shellcheck disable=SC2086 # one word per jar
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$jar" $extra | tail -n 1)
case "$modules" in java.base*) ;; *) die "jdeps gave no module list for $jar: $modules" ;; esac
if [ -e "$jdk/jmods/jdk.crypto.ec.jmod" ] || grep -q 'jdk.crypto.ec' "$jdk/release"; then
  modules="$modules,jdk.crypto.ec"
fi

compress="--compress=zip-6"
[ "$major" -lt 21 ] && compress="--compress=2"
rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages "$compress" \
  --generate-cds-archive --output "$out" >/dev/null \
  || die "jlink of $modules from $jdk failed"
"$out/bin/java" -Xshare:on -version >/dev/null 2>&1 || die "the linked runtime $out does not start"

# The charm's manifest names the one architecture this runtime runs on.
sed "s/architectures: \[[^]]*\]/architectures: [$arch]/" "$manifest_in" > "$manifest_out"
grep -q "architectures: \[$arch\]" "$manifest_out" || die "$manifest_in has no architectures list to narrow to $arch"
echo "jlink-runtime: Java $major runtime for $arch from $jdk with $modules: $(du -sk "$out" | cut -f1) KiB" >&2
