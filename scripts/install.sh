#!/usr/bin/env bash
# Installs the persist-deploy binary for one user, without root.
#
# Usage: install.sh [OPTIONS] [BINARY]
#   BINARY           the binary to install (default: persist-deploy beside this script, else
#                    ../dist/persist-deploy, else the newest persist-deploy-*-linux-ARCH beside it)
#   --url URL        download the binary (and URL.sha256, which must match) instead
#   --prefix DIR     install into DIR/bin and DIR/share (default: ~/.local)
#   --no-completions do not install the bash, zsh and fish completions
#   --force          install even when this host's glibc looks too old
#   -h, --help       this text
#
# A checksum file BINARY.sha256 beside the binary is verified when present.
# The binary needs glibc 2.35 or newer (Ubuntu 22.04+, Debian 12+). On older hosts (shared
# hosting, RHEL 8/9, Ubuntu 20.04) run persist-deploy on a newer machine and use
# `persist-deploy bundle`: it writes a bundle with a plain bash deploy script for that host.
set -euo pipefail

readonly required_glibc="2.35"
script_dir=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,17s/^# \{0,1\}//p' "$0"; }
say() { printf 'install: %s\n' "$*"; }
fail() {
  printf 'install: %s\n' "$*" >&2
  exit 1
}

prefix="${HOME:?HOME is not set}/.local"
binary=""
url=""
completions=1
force=0
while [ $# -gt 0 ]; do
  case $1 in
    --prefix)
      [ $# -ge 2 ] || fail "--prefix needs a directory"
      prefix=$2
      shift 2
      ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --url)
      [ $# -ge 2 ] || fail "--url needs an address"
      url=$2
      shift 2
      ;;
    --url=*) url=${1#--url=}; shift ;;
    --no-completions) completions=0; shift ;;
    --force) force=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) printf "install: unknown option %s\n" "$1" >&2; usage >&2; exit 64 ;;
    *)
      [ -z "$binary" ] || fail "give one binary, not '$binary' and '$1'"
      binary=$1
      shift
      ;;
  esac
done

# The glibc this host has, e.g. "2.36"; empty when it is not glibc (musl) or cannot be told.
host_glibc() {
  local text
  if text=$(getconf GNU_LIBC_VERSION 2>/dev/null); then
    printf '%s\n' "${text##* }"
    return
  fi
  text=$(ldd --version 2>&1 | head -n 1 || true)
  case $text in
    *GLIBC* | *"GNU libc"*) printf '%s\n' "${text##* }" ;;
    *) printf '\n' ;;
  esac
}

# True when version $1 is at least $2 (both "MAJOR.MINOR").
version_at_least() {
  local have_major=${1%%.*} have_minor=${1#*.} need_major=${2%%.*} need_minor=${2#*.}
  have_minor=${have_minor%%.*}
  [ "$have_major" -gt "$need_major" ] || { [ "$have_major" -eq "$need_major" ] && [ "$have_minor" -ge "$need_minor" ]; }
}

check_glibc() {
  local have
  have=$(host_glibc)
  if [ -n "$have" ] && version_at_least "$have" "$required_glibc"; then
    return
  fi
  local found="this host's C library is not glibc (or its version cannot be read)"
  [ -z "$have" ] || found="this host has glibc $have"
  {
    printf 'install: persist-deploy needs glibc %s or newer, and %s.\n' "$required_glibc" "$found"
    printf '  The binary would not start here ("version `GLIBC_%s'"'"' not found").\n' "$required_glibc"
    printf '  For shared hosting or an older distribution: run persist-deploy on a machine that has\n'
    printf '  glibc %s+ (your laptop, the CI runner) and make a bundle for this host:\n' "$required_glibc"
    printf '      persist-deploy bundle --help\n'
    printf '  The bundle carries a plain bash deploy script, so this host needs only bash.\n'
    printf '  (--force installs anyway.)\n'
  } >&2
  [ "$force" = 1 ] || exit 1
}

# The binary to install when none was named: what build-release.sh or a download left nearby.
find_binary() {
  local candidate newest=""
  for candidate in "$script_dir/persist-deploy" "$script_dir/../dist/persist-deploy"; do
    if [ -f "$candidate" ]; then
      printf '%s\n' "$candidate"
      return
    fi
  done
  for candidate in "$script_dir"/persist-deploy-*-linux-"$(uname -m)"; do
    [ -f "$candidate" ] || continue
    if [ -z "$newest" ] || [ "$candidate" -nt "$newest" ]; then newest=$candidate; fi
  done
  [ -n "$newest" ] || fail "no binary found beside $script_dir; name one, pass --url, or run scripts/build-release.sh"
  printf '%s\n' "$newest"
}

download() {
  local target=$1 address=$2
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --proto '=https,http' -o "$target" "$address"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$target" "$address"
  else
    fail "neither curl nor wget is installed to download $address"
  fi
}

verify_checksum() {
  local file=$1 sums=$2 expected actual
  expected=$(awk 'NR == 1 { print $1 }' "$sums")
  actual=$(sha256sum "$file" | awk '{ print $1 }')
  [ -n "$expected" ] || fail "$sums holds no checksum"
  [ "$expected" = "$actual" ] || fail "checksum mismatch for $file: $sums says $expected, the file is $actual. Download it again."
  say "checksum verified ($sums)"
}

check_glibc

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$url" ]; then
  [ -z "$binary" ] || fail "give a binary or --url, not both"
  binary="$work/persist-deploy"
  say "downloading $url"
  download "$binary" "$url"
  download "$binary.sha256" "$url.sha256" || fail "no checksum at $url.sha256; refusing an unverified download"
fi
[ -n "$binary" ] || binary=$(find_binary)
[ -f "$binary" ] || fail "$binary is not a file"
if [ -f "$binary.sha256" ]; then
  verify_checksum "$binary" "$binary.sha256"
fi

bin_dir="$prefix/bin"
target="$bin_dir/persist-deploy"
mkdir -p "$bin_dir"
# Copy beside the target, then rename over it: a deploy running the old binary is not disturbed.
staged=$(mktemp "$bin_dir/.persist-deploy.XXXXXX")
cp "$binary" "$staged"
chmod 0755 "$staged"
if ! version=$("$staged" --version 2>&1); then
  rm -f "$staged"
  fail "the binary does not run on this host: $version"
fi
mv -f "$staged" "$target"
say "installed $version as $target"

if [ "$completions" = 1 ]; then
  if [ "$prefix" = "$HOME/.local" ]; then
    fish_dir="${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions"
  else
    fish_dir="$prefix/share/fish/vendor_completions.d"
  fi
  bash_dir="$prefix/share/bash-completion/completions"
  zsh_dir="$prefix/share/zsh/site-functions"
  mkdir -p "$bash_dir" "$zsh_dir" "$fish_dir"
  "$target" completions bash >"$bash_dir/persist-deploy"
  "$target" completions zsh >"$zsh_dir/_persist-deploy"
  "$target" completions fish >"$fish_dir/persist-deploy.fish"
  say "completions: $bash_dir/persist-deploy, $zsh_dir/_persist-deploy, $fish_dir/persist-deploy.fish"
  say "  (zsh: add 'fpath=($zsh_dir \$fpath)' before compinit in ~/.zshrc)"
fi

case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) say "$bin_dir is not on your PATH; add this to your shell's profile: export PATH=\"$bin_dir:\$PATH\"" ;;
esac
