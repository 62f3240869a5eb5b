#!/usr/bin/env bash
# Builds the built-in record processor as provided.al2023 deployment zips (amd64 and arm64) into
# lambda/builtin/dist, where the manager embeds them. Reproducible: same source, same zip, same CodeSha256.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/lambda/builtin/dist"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for arch in amd64 arm64; do
  CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -C "$root" -tags lambda.norpc -trimpath -ldflags "-s -w -buildid=" \
    -o "$tmp/$arch/bootstrap" ./lambda/bootstrap
  go run -C "$root" ./hack/mkzip "$out/processor-$arch.zip.tmp" "$tmp/$arch/bootstrap"
  if ! cmp -s "$out/processor-$arch.zip.tmp" "$out/processor-$arch.zip" 2>/dev/null; then
    mv "$out/processor-$arch.zip.tmp" "$out/processor-$arch.zip"
  else
    rm "$out/processor-$arch.zip.tmp"
  fi
done
