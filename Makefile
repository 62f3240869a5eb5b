# kafka-pipeline-operator
#
# Everything this Makefile needs is built from Go modules into bin/: controller-gen, kustomize, and the
# kube-apiserver, etcd and kubectl that envtest and the local stack run. The only other downloads are the
# foreign clients the tests drive (test-deps): Debian packages, and npm packages into test/kafkaclients/node.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

LOCALBIN ?= $(CURDIR)/bin
K8S_BIN_DIR ?= $(LOCALBIN)/k8s
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
KUSTOMIZE ?= $(LOCALBIN)/kustomize
PROMTOOL ?= $(LOCALBIN)/promtool

CONTROLLER_TOOLS_VERSION ?= v0.23.0
KUSTOMIZE_VERSION ?= v5.8.2
# The same Prometheus version as go.mod's, whose rule manager the alert tests also run in-process.
PROMETHEUS_VERSION ?= $(shell go list -m -f '{{.Version}}' github.com/prometheus/prometheus)

# Test settings: envtest finds kube-apiserver and etcd here.
export KUBEBUILDER_ASSETS := $(K8S_BIN_DIR)
GO_TEST_FLAGS ?= -count=1 -timeout 40m

# The manager image that `make image` builds and `make test-image` runs.
IMG ?= localhost/kafka-pipeline-operator:latest

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show the targets.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-18s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate CRDs and RBAC from the markers.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./api/..." paths="./controllers/..." output:crd:artifacts:config=config/crd/bases
	hack/sync-chart.sh

.PHONY: chart
chart: ## Copy the CRDs, RBAC rules, alerts and dashboard from config/ into charts/kafka-pipeline-operator.
	hack/sync-chart.sh

.PHONY: generate
generate: controller-gen ## Generate DeepCopy methods from the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## Run gofmt.
	gofmt -l -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

##@ Test

.PHONY: test
test: k8s-bins lambda-zips kustomize promtool test-deps test-deps-js ## Run every test: unit, localaws, conformance (AWS CLI, boto3, JS SDK, Kafka clients), envtest, install and e2e.
	go test $(GO_TEST_FLAGS) ./...

.PHONY: test-image
test-image: image k8s-bins ## Run the image with podman against a local kube-apiserver and localaws: a pipeline to Ready and deleted.
	IMAGE=$(IMG) go test $(GO_TEST_FLAGS) ./test/image/

.PHONY: podman
podman: ## Install podman and runc from Debian's packages when podman is missing.
	command -v podman >/dev/null && command -v runc >/dev/null || { apt-get update && apt-get install -y --no-install-recommends podman runc ca-certificates; }

# Debian packages of the Kafka clients the tests drive: kcat, and confluent-kafka-python (librdkafka) with
# botocore for its IAM token; node and npm (Debian's when the machine has none) run kafkajs.
TEST_DEBS := kcat python3-confluent-kafka python3-botocore
KAFKAJS_DIR := test/kafkaclients/node

.PHONY: node
node: ## Install node and npm from Debian's packages when the machine has none (kafkajs, the JS SDK and the nodejs runtime use them).
	command -v node >/dev/null && command -v npm >/dev/null || { apt-get update && apt-get install -y --no-install-recommends nodejs npm; }

.PHONY: test-deps
test-deps: node ## Install the foreign Kafka clients the tests drive (Debian packages, kafkajs from npm) when missing.
	missing=$$(for p in $(TEST_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$(echo $$missing)" ]; then apt-get update && apt-get install -y --no-install-recommends $$missing; fi
	[ -d $(KAFKAJS_DIR)/node_modules/kafkajs ] || (cd $(KAFKAJS_DIR) && npm ci --no-audit --no-fund)

JS_CONFORMANCE_DIR := internal/localaws/testdata/conformance/js

.PHONY: test-deps-js
test-deps-js: node ## Install the AWS SDK for JavaScript v3 the conformance test drives.
	[ $(JS_CONFORMANCE_DIR)/node_modules/.package-lock.json -nt $(JS_CONFORMANCE_DIR)/package-lock.json ] || npm ci --prefix $(JS_CONFORMANCE_DIR) --no-audit --no-fund

##@ Run locally

.PHONY: demo
demo: k8s-bins lambda-zips ## Run the original stack end to end on this machine, narrated, and clean up.
	go run ./hack/demo

.PHONY: bench
bench: k8s-bins lambda-zips ## Run the scale benchmark: one cluster, N pipelines (BENCH_FLAGS="-n 1000 -save r.json"); see docs/benchmarks.md.
	go run ./hack/bench $(BENCH_FLAGS)

.PHONY: dev
dev: k8s-bins lambda-zips ## Run kube-apiserver, etcd, localaws (127.0.0.1:4566) and the manager (metrics on 127.0.0.1:8080) until Ctrl-C.
	go run ./hack/dev

##@ Build

.PHONY: docs-pictures
docs-pictures: ## Render docs/pipeline.dot to docs/pipeline.svg with graphviz (installed from Debian's packages when missing).
	command -v dot >/dev/null || { apt-get update && apt-get install -y --no-install-recommends graphviz; }
	dot -Tsvg docs/pipeline.dot -o docs/pipeline.svg

.PHONY: lambda-zips
lambda-zips: ## Build the built-in record processor's deployment zips (embedded into the manager).
	hack/build-processor.sh

.PHONY: build
build: manager ## Build the manager and localaws binaries into bin/.
	go build -o $(LOCALBIN)/localaws ./cmd/localaws

.PHONY: manager
manager: ## Build the manager into bin/manager: static, reproducible, the processor embedded (hack/build-manager.sh).
	hack/build-manager.sh $(LOCALBIN)/manager

.PHONY: image
image: manager podman ## Build the manager image (IMG=localhost/kafka-pipeline-operator:latest) with podman FROM scratch around bin/manager; check its digest.
	hack/image.sh $(IMG) $(LOCALBIN)/manager

.PHONY: localaws
localaws: ## Run localaws on 127.0.0.1:4566.
	go run ./cmd/localaws

##@ Tools (built from Go modules, skipped when present)

.PHONY: k8s-bins
k8s-bins: ## Build kube-apiserver, etcd and kubectl into bin/k8s.
	hack/build-k8s-bins.sh $(K8S_BIN_DIR)

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Install controller-gen.
$(CONTROLLER_GEN):
	GOBIN=$(LOCALBIN) GOTOOLCHAIN=local go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)

.PHONY: promtool
promtool: $(PROMTOOL) ## Install promtool (checks and unit-tests the alert rules in config/monitoring).
$(PROMTOOL):
	GOBIN=$(LOCALBIN) GOTOOLCHAIN=local go install github.com/prometheus/prometheus/cmd/promtool@$(PROMETHEUS_VERSION)

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Install kustomize.
$(KUSTOMIZE):
	GOBIN=$(LOCALBIN) GOTOOLCHAIN=local go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
