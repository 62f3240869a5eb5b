#!/usr/bin/env bash
# The workload behind docs/dashboard.svg, run against `make dev` while hack/dashboard scrapes the manager:
# config/samples, then two more pipelines while localaws throttles half of Lambda's calls, then one whose
# CreateFunction localaws refuses for good (it stalls).
#   hack/dashboard/workload.sh <localaws endpoint>      (KUBECONFIG as `make dev` prints it)
set -euo pipefail
aws=${1:?usage: $0 <localaws endpoint, e.g. http://127.0.0.1:4566>}
root=$(cd "$(dirname "$0")/../.." && pwd)
kubectl="$root/bin/k8s/kubectl"
sample="$root/config/samples/streaming_v1alpha1_kafkapipeline.yaml"
pipeline() { # pipeline NAME: the sample pipeline, named NAME, on topic NAME
  sed -e "s/name: test-pipeline/name: $1/" -e "s/name: test-topic/name: $1/" "$sample" | "$kubectl" apply -n default -f -
}
fault() { curl -sS -XPOST "$aws/_localaws/faults" -d "$1"; echo; }
step() { echo "$(date -u +%T) $*"; }

step "config/samples"
"$kubectl" apply -n default -k "$root/config/samples"
"$kubectl" wait -n default --for=condition=Ready kafkapipelines/test-pipeline --timeout=5m
sleep 20
step "throttling half of Lambda's calls; two more pipelines"
fault '{"service":"lambda","probability":0.5,"throttle":true}'
pipeline orders
pipeline payments
"$kubectl" wait -n default --for=condition=Ready kafkapipelines/orders kafkapipelines/payments --timeout=5m
sleep 20
curl -sS -XDELETE "$aws/_localaws/faults"
step "CreateFunction refused with a terminal error; one more pipeline"
fault '{"service":"lambda","operation":"CreateFunction","errorCode":"InvalidParameterValueException","status":400,"message":"Unzipped size must be smaller than 262144000 bytes"}'
pipeline refunds
"$kubectl" wait -n default --for=condition=Stalled kafkapipelines/refunds --timeout=5m
"$kubectl" get -n default kafkaclusters,kafkapipelines
