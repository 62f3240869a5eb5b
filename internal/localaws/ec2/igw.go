package ec2

import (
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// internetGateway is one internet gateway, attached to at most one VPC.
type internetGateway struct {
	meta
	vpcID string
}

// xmlInternetGateway is an EC2 InternetGateway.
type xmlInternetGateway struct {
	InternetGatewayID string          `xml:"internetGatewayId"`
	OwnerID           string          `xml:"ownerId"`
	Attachments       []xmlAttachment `xml:"attachmentSet>item"`
	Tags              []xmlTag        `xml:"tagSet>item"`
}

// xmlAttachment is an EC2 InternetGatewayAttachment.
type xmlAttachment struct {
	VpcID string `xml:"vpcId"`
	State string `xml:"state"`
}

func (r *region) renderInternetGateway(g *internetGateway) xmlInternetGateway {
	out := xmlInternetGateway{InternetGatewayID: g.id, OwnerID: r.accountID, Tags: g.tags.render()}
	if g.vpcID != "" {
		out.Attachments = []xmlAttachment{{VpcID: g.vpcID, State: "available"}}
	}
	return out
}

func createInternetGateway(c *wire.Call, r *region) error {
	tags, err := tagSpecifications(c.Form, kindIgw.resourceType)
	if err != nil {
		return err
	}
	g := &internetGateway{meta: r.newMeta(kindIgw, tags)}
	r.igws[g.id] = g
	return c.XML(struct {
		InternetGateway xmlInternetGateway `xml:"internetGateway"`
	}{r.renderInternetGateway(g)})
}

// igwQuery selects internet gateways for DescribeInternetGateways.
func (r *region) igwQuery() query[*internetGateway] {
	return query[*internetGateway]{idParam: "InternetGatewayId", kind: kindIgw,
		idOf: func(g *internetGateway) string { return g.id }, tagsOf: func(g *internetGateway) tagMap { return g.tags },
		maxResults: 1000, fields: filterFields[*internetGateway]{
			"internet-gateway-id": func(g *internetGateway) []string { return one(g.id) },
			"owner-id":            func(*internetGateway) []string { return one(r.accountID) },
			"attachment.vpc-id": func(g *internetGateway) []string {
				if g.vpcID == "" {
					return nil
				}
				return one(g.vpcID)
			},
			"attachment.state": func(g *internetGateway) []string {
				if g.vpcID == "" {
					return nil
				}
				return one("available")
			},
		}}
}

func describeInternetGateways(c *wire.Call, r *region) error {
	page, next, err := r.igwQuery().run(c, sorted(r.igws))
	if err != nil {
		return err
	}
	out := renderList(page, r.renderInternetGateway)
	return c.XML(struct {
		InternetGateways []xmlInternetGateway `xml:"internetGatewaySet>item"`
		NextToken        string               `xml:"nextToken,omitempty"`
	}{out, next})
}

// igwParam resolves the call's required InternetGatewayId.
func (r *region) igwParam(c *wire.Call) (*internetGateway, error) {
	id, err := required(c.Form, "InternetGatewayId")
	if err != nil {
		return nil, err
	}
	return lookup(r.igws, kindIgw, id)
}

func attachInternetGateway(c *wire.Call, r *region) error {
	g, err := r.igwParam(c)
	if err != nil {
		return err
	}
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	if g.vpcID != "" {
		return errInvalid("Resource.AlreadyAssociated", "resource %s is already attached to network %s", g.id, g.vpcID)
	}
	// A VPC takes one internet gateway. UNCONFIRMED: the exact code AWS answers for a second one; the
	// same "already associated" code is the most plausible.
	if r.vpcGateway(v.id) != nil {
		return errInvalid("Resource.AlreadyAssociated", "network %s already has an internet gateway attached", v.id)
	}
	g.vpcID = v.id
	return acknowledge(c)
}

// vpcGateway returns the internet gateway attached to a VPC, or nil.
func (r *region) vpcGateway(vpcID string) *internetGateway {
	for _, g := range r.igws {
		if g.vpcID == vpcID {
			return g
		}
	}
	return nil
}

func detachInternetGateway(c *wire.Call, r *region) error {
	g, err := r.igwParam(c)
	if err != nil {
		return err
	}
	v, err := r.vpcParam(c)
	if err != nil {
		return err
	}
	if g.vpcID != v.id {
		return errInvalid("Gateway.NotAttached", "resource %s is not attached to network %s", g.id, v.id)
	}
	g.vpcID = ""
	return acknowledge(c)
}

func deleteInternetGateway(c *wire.Call, r *region) error {
	g, err := r.igwParam(c)
	if err != nil {
		return err
	}
	if g.vpcID != "" {
		return errDependency("internetGateway", g.id)
	}
	delete(r.igws, g.id)
	return acknowledge(c)
}
