package controllers

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
)

// broughtNetwork is a network a user brings, built in localaws piece by piece: a VPC, a public subnet with a
// NAT gateway, two private subnets that use the VPC's main route table (no route out until natRoute), and
// the cluster's security group (no 9098 rule until allowKafka; EC2's default of all traffic out).
type broughtNetwork struct {
	vpc, nat, group, mainTable string
	subnets                    []string
}

// newBroughtNetwork builds the network with its private subnets in the zones given.
func newBroughtNetwork(cidrPrefix string, zones ...string) *broughtNetwork {
	GinkgoHelper()
	c := ec2Client()
	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidrPrefix + ".0.0/16")})
	Expect(err).NotTo(HaveOccurred())
	n := &broughtNetwork{vpc: aws.ToString(vpc.Vpc.VpcId)}
	subnet := func(i int, zone string) string {
		sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId,
			CidrBlock: aws.String(fmt.Sprintf("%s.%d.0/24", cidrPrefix, i)), AvailabilityZone: aws.String(zone)})
		Expect(err).NotTo(HaveOccurred())
		return aws.ToString(sn.Subnet.SubnetId)
	}
	public := subnet(0, zones[0])
	eip, err := c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc})
	Expect(err).NotTo(HaveOccurred())
	nat, err := c.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(public),
		AllocationId: eip.AllocationId, ConnectivityType: types.ConnectivityTypePublic})
	Expect(err).NotTo(HaveOccurred())
	n.nat = aws.ToString(nat.NatGateway.NatGatewayId)
	for i, zone := range zones {
		n.subnets = append(n.subnets, subnet(i+1, zone))
	}
	tables, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{n.vpc}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})
	Expect(err).NotTo(HaveOccurred())
	n.mainTable = aws.ToString(tables.RouteTables[0].RouteTableId)
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpc.Vpc.VpcId,
		GroupName: aws.String("msk"), Description: aws.String("MSK Serverless clients")})
	Expect(err).NotTo(HaveOccurred())
	n.group = aws.ToString(sg.GroupId)
	return n
}

// natRoute gives the main route table a default route to the NAT gateway.
func (n *broughtNetwork) natRoute() {
	GinkgoHelper()
	_, err := ec2Client().CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.mainTable),
		DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(n.nat)})
	Expect(err).NotTo(HaveOccurred())
}

// allowKafka lets TCP 9098 into the group from itself.
func (n *broughtNetwork) allowKafka() {
	GinkgoHelper()
	_, err := ec2Client().AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
		GroupId: aws.String(n.group), IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(9098), ToPort: aws.Int32(9098), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String(n.group)}}}}})
	Expect(err).NotTo(HaveOccurred())
}

// cluster is a KafkaCluster on the network.
func (n *broughtNetwork) cluster(ns, name string) *v1alpha1.KafkaCluster {
	return &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.KafkaClusterSpec{Network: v1alpha1.Network{SubnetIDs: n.subnets, SecurityGroupIDs: []string{n.group}}}}
}

// networkMessage is the cluster's NetworkReady message.
func networkMessage(kc *v1alpha1.KafkaCluster) string {
	GinkgoHelper()
	return conditions.Get(conditionsOf(kc), v1alpha1.ConditionNetworkReady).Message
}

var _ = Describe("The network preflight of a brought network", func() {
	It("reports a missing route to Lambda and STS with the fix, creates no cluster, and heals once the route exists", func() {
		ns := createNamespace("preflight-route")
		n := newBroughtNetwork("10.31", "us-east-1a", "us-east-1c")
		n.allowKafka()
		kc := n.cluster(ns, "route")
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		DeferCleanup(deleteAll, kc)
		waitForCondition(kc, v1alpha1.ConditionNetworkReady, metav1.ConditionFalse, v1alpha1.ReasonNoRouteToLambdaAndSTS)
		Expect(networkMessage(kc)).To(And(ContainSubstring(n.mainTable),
			ContainSubstring("aws ec2 create-route --route-table-id "+n.mainTable)))
		Expect(kc.Status.VPCID).To(Equal(n.vpc))
		Expect(kc.Status.ARN).To(BeEmpty(), "no cluster is created on a network that cannot work")
		waitEvent(kc, "Warning "+v1alpha1.ReasonNoRouteToLambdaAndSTS, 1)

		n.natRoute()
		waitReady(kc)
	})

	It("reports subnets in one Availability Zone", func() {
		ns := createNamespace("preflight-az")
		n := newBroughtNetwork("10.32", "us-east-1a", "us-east-1a")
		n.allowKafka()
		n.natRoute()
		kc := n.cluster(ns, "one-az")
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		DeferCleanup(deleteAll, kc)
		waitForCondition(kc, v1alpha1.ConditionNetworkReady, metav1.ConditionFalse, v1alpha1.ReasonSubnetsInOneAZ)
		Expect(networkMessage(kc)).To(ContainSubstring("us-east-1a"))
	})

	It("reports a security group without the Kafka rule with the rule to add, and heals once it is added", func() {
		ns := createNamespace("preflight-sg")
		n := newBroughtNetwork("10.33", "us-east-1a", "us-east-1c")
		n.natRoute()
		kc := n.cluster(ns, "no-9098")
		Expect(k8s.Create(ctx, kc)).To(Succeed())
		DeferCleanup(deleteAll, kc)
		waitForCondition(kc, v1alpha1.ConditionNetworkReady, metav1.ConditionFalse, v1alpha1.ReasonSecurityGroupMissingKafkaRule)
		Expect(networkMessage(kc)).To(And(ContainSubstring(n.group), ContainSubstring("9098"),
			ContainSubstring("aws ec2 authorize-security-group-ingress")))

		n.allowKafka()
		waitReady(kc)
		Expect(kc.Status.VPCID).To(Equal(n.vpc))
		Expect(kc.Status.SubnetIDs).To(Equal(n.subnets))
	})
})
