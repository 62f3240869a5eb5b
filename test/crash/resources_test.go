package crash

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// The resources each object makes, by devstack.Resource kind. A VPC comes with its main route table and
// default security group, as on AWS. A cluster's topic admin function (with its role) is invoked for the
// pipelines' topics, so Lambda has made its log group.
var (
	clusterResources = map[string]int{"msk cluster": 1, "vpc": 1, "subnet": 3, "internet gateway": 1,
		"elastic ip": 1, "nat gateway": 1, "route table": 3, "security group": 2, "iam role": 1, "lambda function": 1,
		"log group": 1}
	pipeResources    = map[string]int{"sqs queue": 1, "iam role": 2, "lambda function": 1, "pipe": 1}
	mappingResources = map[string]int{"sqs queue": 1, "iam role": 1, "lambda function": 1, "event source mapping": 1}
)

// want adds up the resources of several objects.
func want(each ...map[string]int) map[string]int {
	sum := map[string]int{}
	for _, m := range each {
		for kind, n := range m {
			sum[kind] += n
		}
	}
	return sum
}

// inventory lists what exists in localaws through the AWS APIs, by kind, each resource by its identifier
// (without the state some kinds are listed with).
func inventory(t *testing.T, stack *devstack.Stack) map[string][]string {
	t.Helper()
	rs, err := stack.Leftovers(t.Context(), stack.Region)
	if err != nil {
		t.Fatalf("listing the AWS resources: %v", err)
	}
	out := map[string][]string{}
	for _, r := range rs {
		id, _, _ := strings.Cut(r.ID, " (")
		out[r.Kind] = append(out[r.Kind], id)
	}
	return out
}

// expectResources fails the test unless the resources in localaws are exactly counts, kind by kind (nil:
// nothing at all).
func expectResources(t *testing.T, stack *devstack.Stack, counts map[string]int) {
	t.Helper()
	found := inventory(t, stack)
	for _, kind := range slices.Sorted(maps.Keys(found)) {
		if len(found[kind]) != counts[kind] {
			t.Errorf("%d %s in AWS, want %d: %v", len(found[kind]), kind, counts[kind], found[kind])
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(counts)) {
		if _, ok := found[kind]; !ok && counts[kind] > 0 {
			t.Errorf("no %s in AWS, want %d", kind, counts[kind])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// expectStatusNamesResources fails the test unless every resource the objects' status names exists: after
// the crashes, the status points at the one resource of each kind, not at one made and lost before a kill.
func expectStatusNamesResources(t *testing.T, stack *devstack.Stack, objs ...client.Object) {
	t.Helper()
	found := inventory(t, stack)
	for _, obj := range objs {
		for _, ref := range statusReferences(obj) {
			if ref.id == "" {
				t.Errorf("%s names no %s in its status", obj.GetName(), ref.kind)
			} else if !slices.Contains(found[ref.kind], ref.id) {
				t.Errorf("%s's status names %s %s, which does not exist (there are %v)", obj.GetName(), ref.kind, ref.id, found[ref.kind])
			}
		}
	}
}

// reference is a resource an object's status names.
type reference struct{ kind, id string }

// statusReferences are the resources a KafkaCluster's or KafkaPipeline's status names.
func statusReferences(obj client.Object) []reference {
	switch o := obj.(type) {
	case *v1alpha1.KafkaCluster:
		s, n := o.Status, o.Status.Network
		refs := []reference{{"msk cluster", s.ARN}, {"vpc", s.VPCID}, {"internet gateway", n.InternetGatewayID},
			{"elastic ip", n.ElasticIPAllocationID}, {"nat gateway", n.NATGatewayID}, {"subnet", n.PublicSubnetID},
			{"route table", n.PublicRouteTableID}, {"route table", n.PrivateRouteTableID},
			{"security group", n.SecurityGroupID}}
		for _, id := range s.SubnetIDs {
			refs = append(refs, reference{"subnet", id})
		}
		return append(refs, reference{"lambda function", s.TopicAdmin.FunctionName}, reference{"iam role", s.TopicAdmin.RoleARN})
	case *v1alpha1.KafkaPipeline:
		s := o.Status
		refs := []reference{{"sqs queue", s.DeadLetterQueue.URL}, {"lambda function", s.Function.Name},
			{"iam role", s.Roles.Function}}
		if o.UsesPipe() {
			return append(refs, reference{"iam role", s.Roles.Pipe}, reference{"pipe", s.Pipe.Name})
		}
		return append(refs, reference{"event source mapping", s.EventSourceMapping.UUID})
	}
	return nil
}
