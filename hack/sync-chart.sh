#!/usr/bin/env bash
# Copies what config/ generates or owns into the Helm chart, so both install the same thing: the CRDs
# (controller-gen's, from api/), the RBAC rules (controller-gen's role.yaml, the leader-election role and the
# aggregated user roles), the alert rules and the Grafana dashboard. test/install fails when they differ.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
chart="$root/charts/kafka-pipeline-operator"
sync() { # sync DEST_DIR FILE...: DEST_DIR holds exactly copies of FILE...
  local dest=$1; shift
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$@" "$dest/"
}
sync "$chart/crds" "$root"/config/crd/bases/*.yaml
sync "$chart/files/rbac" "$root"/config/rbac/{role,leader_election_role,user_roles}.yaml
sync "$chart/files/monitoring" "$root"/config/monitoring/{prometheus_rule.yaml,grafana_dashboard.json}
