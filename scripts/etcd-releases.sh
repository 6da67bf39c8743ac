#!/usr/bin/env bash
# Makes release-shaped etcd tarballs (etcd-vX.Y.Z-linux-amd64/{etcd,etcdctl,etcdutl} in a .tar.gz, the
# shape of an upstream release, which the charm's `etcd` resource takes) from Debian's etcd-server and
# etcd-client packages of newer suites, whose binaries run on Debian 12. The system's apt sources are not
# touched: the package lists and downloads live in the cache directory. Tarballs already made are kept.
# Usage: scripts/etcd-releases.sh [VERSION...]   (default: 3.5.16 3.5.30; prints each tarball's path)
# Cache: $ETCD_RELEASES_CACHE, default ~/.cache/etcd-releases.
set -euo pipefail
cache="${ETCD_RELEASES_CACHE:-$HOME/.cache/etcd-releases}"
versions=("$@")
[ "${#versions[@]}" -gt 0 ] || versions=(3.5.16 3.5.30)
mkdir -p "$cache"

# Debian's package version of each etcd release, and the suite that carries it.
package_of() {
  case "$1" in
    3.5.16) echo "trixie 3.5.16-4" ;;
    3.5.30) echo "sid 3.5.30-2" ;;
    *) echo "ERROR no Debian package known for etcd $1 (known: 3.5.16, 3.5.30)" >&2; return 1 ;;
  esac
}

# The Debian mirror apt already uses (deb822 or one-line sources).
mirror() {
  local m
  m=$(grep -hoE '^URIs: *[^ ]+/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//')
  [ -n "$m" ] || m=$(grep -hoE '^deb +(\[[^]]*\] +)?[^ ]+/debian/? ' /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $NF}')
  echo "${m:-http://deb.debian.org/debian}"
}

for v in "${versions[@]}"; do
  out="$cache/etcd-v$v-linux-amd64.tar.gz"
  if [ -s "$out" ]; then echo "$out"; continue; fi
  read -r suite pkg < <(package_of "$v")
  apt_dir="$cache/apt-$suite"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $suite main" > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=- \
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root -q)
  if ! ls "$apt_dir"/lists/*_Packages* >/dev/null 2>&1; then
    apt-get "${apt_opts[@]}" update >&2
  fi
  work=$(mktemp -d)
  chmod 0755 "$work"
  (cd "$work" && apt-get "${apt_opts[@]}" download "etcd-server=$pkg" "etcd-client=$pkg" >&2)
  top="$work/etcd-v$v-linux-amd64"
  mkdir -p "$top" "$work/x"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done
  for b in etcd etcdctl etcdutl; do
    src="$work/x/usr/bin/$b"
    [ -x "$src" ] || src=""
    [ -n "$src" ] || { echo "ERROR $b missing from Debian's etcd $pkg packages" >&2; rm -rf "$work"; exit 1; }
    install -m 0755 "$src" "$top/$b"
  done
  got=$("$top/etcd" --version | sed -n 's/^etcd Version: //p')
  [ "$got" = "$v" ] || { echo "ERROR Debian's etcd $pkg reports version '$got', not $v" >&2; rm -rf "$work"; exit 1; }
  tar -C "$work" -czf "$out.tmp" "etcd-v$v-linux-amd64" && mv "$out.tmp" "$out"
  rm -rf "$work"
  echo "$out"
done
