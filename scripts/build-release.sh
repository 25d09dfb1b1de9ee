#!/usr/bin/env bash
# Builds the release binary users install: Swift runtime linked in statically, symbols stripped,
# `git describe` stamped into --version. Writes into dist/:
#   persist-deploy-<version>-linux-<arch>   persist-deploy   and a .sha256 beside each.
# Fails when the binary still needs a Swift shared library, so it runs where no toolchain is.
#
# Usage: scripts/build-release.sh [--dist DIR]
set -euo pipefail

usage() { sed -n '2,7s/^# \{0,1\}//p' "$0"; }

cd "$(dirname "$0")/.."
root=$(pwd)
dist="$root/dist"
while [ $# -gt 0 ]; do
  case $1 in
    --dist) [ $# -ge 2 ] || { usage >&2; exit 64; }; dist=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build-release: unknown argument '$1'" >&2; usage >&2; exit 64 ;;
  esac
done

version=$(git describe --tags --always --dirty 2>/dev/null || echo "0.0.0-unknown")
# The version becomes a Swift string literal: allow only what git describe produces.
case $version in
  *[!A-Za-z0-9._+-]*) echo "build-release: refusing odd version text '$version'" >&2; exit 1 ;;
esac
arch=$(uname -m)

# Swift has no build-time environment variables, so the version goes into the source file for
# this build and the file is put back afterwards, with its old time so debug builds stay warm.
version_file="Sources/PersistDeployKit/Support/Version.swift"
saved_version_file=$(mktemp)
cp -p "$version_file" "$saved_version_file"
restore_version_file() {
  cp -p "$saved_version_file" "$version_file"
  rm -f "$saved_version_file"
}
trap restore_version_file EXIT
cat >"$version_file" <<EOF
/// The tool's version, stamped by \`scripts/build-release.sh\` for this release build.
package let toolVersion = "$version"
EOF

build_flags=(-c release --static-swift-stdlib -Xlinker -s)
echo "build-release: building $version for $arch (swift build ${build_flags[*]})"
swift build "${build_flags[@]}"
binary="$(swift build "${build_flags[@]}" --show-bin-path)/persist-deploy"
restore_version_file
trap - EXIT

# The binary must need nothing from the Swift toolchain at run time.
libraries=$(ldd "$binary" 2>&1 || true)
if printf '%s\n' "$libraries" | grep -Eiq 'swift|foundation|dispatch|not found'; then
  echo "build-release: $binary still needs these libraries:" >&2
  printf '%s\n' "$libraries" | grep -Ei 'swift|foundation|dispatch|not found' >&2
  echo "Build with --static-swift-stdlib (and no 'import Foundation' in the kit)." >&2
  exit 1
fi

reported=$("$binary" --version)
if [ "$reported" != "persist-deploy $version" ]; then
  echo "build-release: the binary reports '$reported', expected 'persist-deploy $version'" >&2
  exit 1
fi

mkdir -p "$dist"
name="persist-deploy-$version-linux-$arch"
cp "$binary" "$dist/$name"
cp "$binary" "$dist/persist-deploy"
chmod 0755 "$dist/$name" "$dist/persist-deploy"
# Checksum files name the file beside them, so `sha256sum -c X.sha256` works from inside dist/.
(cd "$dist" && sha256sum "$name" >"$name.sha256" && sha256sum persist-deploy >persist-deploy.sha256)

bytes=$(stat -c %s "$dist/$name")
echo "build-release: $reported"
echo "build-release: $dist/$name ($bytes bytes)"
echo "build-release: needs only system libraries:"
printf '%s\n' "$libraries" | sed 's/^/  /'
echo "build-release: glibc symbol versions required: $(objdump -T "$binary" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1 || echo unknown)"
