#!/usr/bin/env bash
# Builds the manager image $1 with podman from hack/image/Containerfile (FROM scratch: no registry is needed)
# around the binary $2 that hack/build-manager.sh built, then proves that the /manager inside the image has
# the same SHA-256 as that binary. The build is reproducible: --timestamp 0 fixes every time in the image.
set -euo pipefail
image=${1:?usage: hack/image.sh IMAGE BINARY}
binary=${2:?usage: hack/image.sh IMAGE BINARY}
root=$(cd "$(dirname "$0")/.." && pwd)
# runc and cgroupfs work on every host, including those with hybrid cgroups, where crun refuses to run.
podman=(podman --runtime runc --cgroup-manager=cgroupfs)
certs=/etc/ssl/certs/ca-certificates.crt
[[ -s $certs ]] || { echo "image: $certs is missing: install Debian's ca-certificates" >&2; exit 1; }
if [[ $(head -c4 "$binary" | od -An -tx1 | tr -d ' \n') != 7f454c46 ]]; then
  echo "image: $binary is not a Linux binary: build it with GOOS=linux hack/build-manager.sh" >&2
  exit 1
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs/etc/ssl/certs"
install -m 0644 "$root/hack/image/passwd" "$root/hack/image/group" "$ctx/rootfs/etc/"
install -m 0644 "$certs" "$ctx/rootfs/etc/ssl/certs/ca-certificates.crt"
install -m 0755 "$binary" "$ctx/manager"
"${podman[@]}" build --quiet --timestamp 0 --file "$root/hack/image/Containerfile" --tag "$image" "$ctx"

# The proof: copy /manager back out of the image and compare digests.
cid=$("${podman[@]}" create "$image")
"${podman[@]}" cp "$cid:/manager" "$ctx/from-image"
"${podman[@]}" rm "$cid" >/dev/null
want=$(sha256sum <"$binary" | cut -d' ' -f1)
got=$(sha256sum <"$ctx/from-image" | cut -d' ' -f1)
if [[ $got != "$want" ]]; then
  echo "image: /manager in $image has sha256 $got, $binary has $want" >&2
  exit 1
fi
echo "image $image ($("${podman[@]}" image inspect --format '{{.Id}}' "$image" | cut -c1-12)): /manager sha256 $got = $binary"
