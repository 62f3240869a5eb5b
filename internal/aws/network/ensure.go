package network

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

// createTerminal are the EC2 codes of create calls that retrying cannot fix.
var createTerminal = []string{"InvalidParameterValue", "InvalidParameter", "InvalidParameterCombination",
	"InvalidVpc.Range", "InvalidSubnet.Range", "InvalidSubnet.Conflict", "MissingParameter"}

// ensurer walks the parts of one network in order, creating what is missing and repairing drift.
type ensurer struct {
	s   *Service
	d   Desired
	n   names
	lay layout
	inv *inventory
	res Result
}

// Ensure makes every part of the network exist as desired, in order: VPC (with DNS support and
// hostnames), subnets, internet gateway, public route table, security group, Elastic IP, NAT gateway,
// private route table. A part found by its Name tag is adopted when owned; one that is not owned is a
// Terminal NotOwned outcome and nothing is changed. While the NAT gateway is pending it returns Waiting
// with what exists so far; the private route table follows once the gateway is available.
func (s *Service) Ensure(ctx context.Context, hint string, d Desired) (Result, error) {
	lay, err := carve(d.CIDR)
	if err != nil {
		return Result{}, outcome.Fail(awserr.ReasonInvalidSpec, err)
	}
	if err := s.checkZones(ctx, d); err != nil {
		return Result{}, err
	}
	return owned.Ensure(ctx, d.Owner, managed{Service: s, hint: hint, d: d, lay: lay})
}

// Find reads every part of the network; nil when no part carries one of its names.
func (m managed) Find(ctx context.Context) (*owned.Found[*inventory], error) {
	inv, err := m.scan(ctx, m.hint, m.d)
	if err != nil || len(inv.parts) == 0 {
		return nil, err
	}
	return &owned.Found[*inventory]{Resource: inv, ByHint: inv.byHint, Parts: inv.parts}, nil
}

// Create builds the whole network.
func (m managed) Create(ctx context.Context) (Result, error) {
	return m.build(ctx, newInventory(), Result{})
}

// Update builds what is missing of a network whose parts are the owner's and repairs the rest.
func (m managed) Update(ctx context.Context, inv *inventory, res Result) (Result, error) {
	return m.build(ctx, inv, res)
}

// build ensures every part in order, starting from what inv holds.
func (m managed) build(ctx context.Context, inv *inventory, res Result) (Result, error) {
	res.Observed = &Observed{}
	e := &ensurer{s: m.Service, d: m.d, n: partNames(m.d.NamePrefix), lay: m.lay, inv: inv, res: res}
	for _, step := range []func(context.Context) error{
		e.vpc, e.subnets, e.internetGateway, e.publicRoutes, e.securityGroup, e.address, e.natGateway, e.privateRoutes,
	} {
		if err := step(ctx); err != nil {
			return e.res, err
		}
	}
	return e.res, nil
}

// checkZones verifies the desired zones exist in the region.
func (s *Service) checkZones(ctx context.Context, d Desired) error {
	out, err := s.api.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		return awserr.Classify(err, "describing Availability Zones")
	}
	var offered []string
	for _, z := range out.AvailabilityZones {
		if z.State == types.AvailabilityZoneStateAvailable {
			offered = append(offered, aws.ToString(z.ZoneName))
		}
	}
	if err := checkZones(d.AvailabilityZones, offered); err != nil {
		return outcome.Fail(awserr.ReasonInvalidSpec, err)
	}
	return nil
}

// tagSpec is the TagSpecifications of a create call for the part called name.
func (e *ensurer) tagSpec(rt types.ResourceType, name string) []types.TagSpecification {
	want := e.d.tags(name)
	ts := make([]types.Tag, 0, len(want))
	for _, k := range slices.Sorted(maps.Keys(want)) {
		ts = append(ts, types.Tag{Key: aws.String(k), Value: aws.String(want[k])})
	}
	return []types.TagSpecification{{ResourceType: rt, Tags: ts}}
}

// retag makes the tags of an existing part equal what it should carry.
func (e *ensurer) retag(ctx context.Context, id string, current []types.Tag, name string) error {
	changed, err := tags.Sync(tagMap(current), e.d.tags(name),
		func(set map[string]string) error {
			ts := make([]types.Tag, 0, len(set))
			for k, v := range set {
				ts = append(ts, types.Tag{Key: aws.String(k), Value: aws.String(v)})
			}
			_, err := e.s.api.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: ts})
			return awserr.Classify(err, fmt.Sprintf("tagging %s", id), "InvalidParameterValue")
		},
		func(keys []string) error {
			ts := make([]types.Tag, 0, len(keys))
			for _, k := range keys {
				ts = append(ts, types.Tag{Key: aws.String(k)})
			}
			_, err := e.s.api.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: ts})
			return awserr.Classify(err, fmt.Sprintf("untagging %s", id), "InvalidParameterValue")
		})
	e.res.Updated = e.res.Updated || changed
	return err
}

// created records a new part.
func (e *ensurer) created() { e.res.Created = true }

// changed records a write to a part; a part created in this call counts as created, not updated.
func (e *ensurer) changed(fresh bool) {
	if !fresh {
		e.res.Updated = true
	}
}

// mismatch is the Terminal outcome for a part whose create-only settings differ from the spec.
func mismatch(format string, args ...any) error {
	return outcome.Failf(awserr.ReasonInvalidSpec, format+"; a network cannot change after creation", args...)
}
