#!/usr/bin/env bash
# Builds the manager binary to $1 with the built-in record processor's zips embedded. This script is the one
# definition of the manager's build: `make build`, `make image` and the Dockerfile all run it, so every one
# of them produces the same bytes from the same source and Go version. The binary is static (no cgo) and
# reproducible: -trimpath drops the checkout's path, -buildvcs=false the Git state (a Docker build context
# has no .git), and an empty -buildid the per-build linker ID. GOOS and GOARCH default to Go's own.
set -euo pipefail
out=${1:?usage: hack/build-manager.sh OUTPUT}
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/hack/build-processor.sh"
CGO_ENABLED=0 go build -C "$root" -trimpath -buildvcs=false -ldflags "-s -w -buildid=" -o "$out" ./cmd/manager
