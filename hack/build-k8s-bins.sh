#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from Go modules into $1 (default bin/k8s), skipping any binary
# that already reports the wanted version. The pinned wrapper modules live in hack/envtest-bins/.
set -euo pipefail

K8S_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$here/../bin/k8s}" && cd "${1:-$here/../bin/k8s}" && pwd)
export GOWORK=off CGO_ENABLED=0

has_version() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q -- "$2"; }

if has_version "$out/kube-apiserver" "$K8S_VERSION" && [ -x "$out/kubectl" ]; then
  echo "kube-apiserver and kubectl $K8S_VERSION already in $out"
else
  echo "building kube-apiserver and kubectl $K8S_VERSION (several minutes on a cold cache)"
  minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  (cd "$here/envtest-bins/kube" && go build -trimpath -ldflags "$ldflags" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
fi

if has_version "$out/etcd" "${ETCD_VERSION#v}"; then
  echo "etcd $ETCD_VERSION already in $out"
else
  echo "building etcd $ETCD_VERSION"
  (cd "$here/envtest-bins/etcd" && go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3)
fi
