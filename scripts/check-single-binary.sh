#!/usr/bin/env bash
# Proves the release binary runs copied alone: it is copied into an empty folder, the build
# folder is moved aside (so no compiled-in build path can help it), and from there it prints its
# version, deploys a fixture twice into a fresh root, and passes the health check.
# Usage: scripts/check-single-binary.sh [BINARY]   (default: dist/persist-deploy from build-release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
binary=${1:-dist/persist-deploy}
[ -x "$binary" ] || { echo "check-single-binary: no $binary; run scripts/build-release.sh first" >&2; exit 1; }

work=$(mktemp -d /tmp/persist-deploy-alone.XXXXXX)
aside=""
restore() {
  if [ -n "$aside" ] && [ -d "$aside" ]; then mv -T "$aside" "$project/.build"; fi
  rm -rf -- "$work"
}
trap restore EXIT
mkdir "$work/bin"
cp "$binary" "$work/bin/persist-deploy"
cp -a Fixtures/laravel-codecanyon "$work/app"
if [ -d .build ]; then aside=$project/.build-aside-$$; mv -T .build "$aside"; fi

cd "$work/bin"
echo "files beside the binary: $(find . -mindepth 1 -printf '%f ')"
echo "size: $(stat -c %s persist-deploy) bytes"
env -i PATH=/usr/bin:/bin ./persist-deploy --version
env -i PATH=/usr/bin:/bin ./persist-deploy auto --root "$work/root" --from "$work/app" --quiet
echo "an upload" > "$work/root/current/public/user-uploads/upload.png"
sleep 1
env -i PATH=/usr/bin:/bin ./persist-deploy auto --root "$work/root" --from "$work/app" --quiet
env -i PATH=/usr/bin:/bin ./persist-deploy health-check --root "$work/root" --quiet || [ $? -eq 1 ]
grep -q "an upload" "$work/root/current/public/user-uploads/upload.png"
echo "check-single-binary: ok (two deploys, the upload kept, health check passed)"
