/*
Copyright 2026 The kafka-pipeline-operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// KafkaClusterSpec is the desired state of a KafkaCluster: an MSK Serverless cluster with IAM authentication, in
// a network the operator creates or one you bring.
// +kubebuilder:validation:XValidation:rule="has(self.region) == has(oldSelf.region)",message="spec.region cannot be added or removed after creation; create a new KafkaCluster to move regions"
// +kubebuilder:validation:XValidation:rule="!has(self.region) || !has(self.network.create) || self.network.create.availabilityZones.all(z, z.startsWith(self.region))",message="spec.network.create.availabilityZones must be zones of spec.region (for example ap-northeast-1a for ap-northeast-1)"
type KafkaClusterSpec struct {
	// Region is the AWS region of the cluster, for example ap-northeast-1. When omitted the manager's default
	// region is used. Immutable.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.region is immutable; create a new KafkaCluster to move regions"
	Region string `json:"region,omitempty"`

	// Network says where the cluster runs: exactly one of subnetIDs (with securityGroupIDs) for a network you
	// manage, or create for a network the operator builds and deletes with the cluster. Immutable, because MSK
	// Serverless cannot move a cluster to other subnets.
	// +required
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.network is immutable (MSK Serverless cannot move a cluster); create a new KafkaCluster instead"
	Network Network `json:"network"`

	// TopicAdministration says how the operator creates, describes and grows the topics of the KafkaPipelines
	// that use this cluster. MSK Serverless has no topic API and its brokers (TCP 9098) are reachable only from
	// inside the cluster's VPC. Function (the default) deploys a small topic admin Lambda function into the
	// cluster's subnets and security groups, with an execution role limited to this cluster's topics, and
	// invokes it through the Lambda API: it works wherever the manager runs, since the manager then needs only
	// AWS's APIs. Direct makes the manager connect to the brokers itself (TLS with IAM authentication on 9098)
	// and deploys nothing: choose it only when the manager has a network path to the brokers on 9098 (it runs
	// in the cluster's VPC, or reaches it through peering or a transit gateway). Pipelines that name a cluster
	// by spec.cluster.arn always administer their topic directly. Immutable.
	// +optional
	// +kubebuilder:default=Function
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="spec.topicAdministration is immutable; create a new KafkaCluster to change how its topics are administered"
	TopicAdministration TopicAdministration `json:"topicAdministration,omitempty"`

	// DeletionPolicy says whether deleting the KafkaCluster deletes the MSK cluster and the network the operator
	// created (Delete) or leaves them in AWS (Retain). The annotation services.k8s.aws/deletion-policy: retain
	// also retains them.
	// +optional
	// +kubebuilder:default=Delete
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// Tags are added to every AWS resource created for this KafkaCluster.
	// +optional
	Tags Tags `json:"tags,omitempty"`

	// ResyncPeriod is how often a Ready KafkaCluster is re-read from AWS to detect drift (with jitter), for
	// example 10m or 1h. When omitted the manager's default applies. At least 1m, at most 168h.
	// +optional
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$`
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ns|us|ms|s|m|h))+$') || (duration(self) >= duration('1m') && duration(self) <= duration('168h'))",message="resyncPeriod must be between 1m and 168h, for example 10m"
	ResyncPeriod *metav1.Duration `json:"resyncPeriod,omitempty"`
}

// TopicAdministration is how the operator administers a cluster's topics: Function or Direct.
// +kubebuilder:validation:Enum=Function;Direct
type TopicAdministration string

const (
	// TopicAdministrationFunction administers topics through a topic admin Lambda function attached to the
	// cluster's subnets, which the operator invokes through the Lambda API.
	TopicAdministrationFunction TopicAdministration = "Function"
	// TopicAdministrationDirect administers topics from the manager over the Kafka protocol, which needs a
	// network path from the manager to the brokers on TCP 9098.
	TopicAdministrationDirect TopicAdministration = "Direct"
)

// Network is where an MSK Serverless cluster runs. Set exactly one of subnetIDs (with securityGroupIDs) or
// create.
// +kubebuilder:validation:XValidation:rule="has(self.subnetIDs) != has(self.create)",message="set exactly one of network.subnetIDs (with network.securityGroupIDs) to use your own network, or network.create to have one built"
// +kubebuilder:validation:XValidation:rule="has(self.subnetIDs) == has(self.securityGroupIDs)",message="network.securityGroupIDs is required with network.subnetIDs, and not allowed with network.create"
type Network struct {
	// SubnetIDs are the IDs of existing subnets, in at least two availability zones, that the cluster's endpoints
	// are placed in. The subnets need a route to a NAT gateway (or VPC endpoints) for pipes and Lambda to reach
	// the cluster.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=2
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:Pattern=`^subnet-[0-9a-f]+$`
	// +kubebuilder:validation:items:MaxLength=32
	SubnetIDs []string `json:"subnetIDs,omitempty"`

	// SecurityGroupIDs are the IDs of existing security groups attached to the cluster's endpoints. They must
	// allow TCP 9098 (Kafka over IAM authentication) from the clients. Required with subnetIDs.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:items:Pattern=`^sg-[0-9a-f]+$`
	// +kubebuilder:validation:items:MaxLength=32
	SecurityGroupIDs []string `json:"securityGroupIDs,omitempty"`

	// Create builds a dedicated network for the cluster: a VPC with DNS support, a public subnet with an
	// internet gateway, an Elastic IP and a NAT gateway, two private subnets in two availability zones routed
	// through the NAT gateway, and a security group allowing TCP 9098 (Kafka over IAM authentication) and 9092
	// (plaintext) inside the VPC. It is deleted with the cluster unless the deletion policy is Retain.
	// +optional
	Create *NetworkCreate `json:"create,omitempty"`
}

// NetworkCreate describes the network the operator builds for a cluster.
type NetworkCreate struct {
	// CIDR is the IPv4 block of the VPC, from /16 to /24, for example 10.10.0.0/16. The public and private
	// subnets are carved out of it.
	// +optional
	// +kubebuilder:default="10.10.0.0/16"
	// +kubebuilder:validation:MaxLength=18
	// +kubebuilder:validation:XValidation:rule="isCIDR(self) && cidr(self).ip().family() == 4",message="network.create.cidr must be an IPv4 CIDR block such as 10.10.0.0/16"
	// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || (cidr(self).prefixLength() >= 16 && cidr(self).prefixLength() <= 24)",message="network.create.cidr must have a prefix length from /16 to /24"
	// +kubebuilder:validation:XValidation:rule="!isCIDR(self) || cidr(self).masked() == cidr(self)",message="network.create.cidr must be a network address with no host bits set, such as 10.10.0.0/16"
	CIDR string `json:"cidr,omitempty"`

	// AvailabilityZones are the two distinct availability zones of the private subnets, for example
	// [ap-northeast-1a, ap-northeast-1c]. The public subnet and NAT gateway go in the first one.
	// +required
	// +listType=set
	// +kubebuilder:validation:MinItems=2
	// +kubebuilder:validation:MaxItems=2
	// +kubebuilder:validation:items:Pattern=`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9][a-z]$`
	// +kubebuilder:validation:items:MaxLength=32
	AvailabilityZones []string `json:"availabilityZones"`
}

// KafkaClusterStatus is the observed state of a KafkaCluster.
type KafkaClusterStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions are Ready, Reconciling and Stalled (summaries), and NetworkReady, ClusterReady and, with
	// topic administration Function, TopicAdminRoleReady and TopicAdminReady (one per reconcile step).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ARN is the MSK cluster's ARN.
	// +optional
	ARN string `json:"arn,omitempty"`

	// State is the MSK cluster's state: CREATING, ACTIVE, DELETING or FAILED.
	// +optional
	State string `json:"state,omitempty"`

	// BootstrapBrokers is the cluster's bootstrap broker string for SASL/IAM clients (port 9098).
	// +optional
	BootstrapBrokers string `json:"bootstrapBrokers,omitempty"`

	// VPCID is the ID of the VPC the cluster runs in.
	// +optional
	VPCID string `json:"vpcID,omitempty"`

	// SubnetIDs are the subnets the cluster's endpoints are placed in.
	// +optional
	// +listType=atomic
	SubnetIDs []string `json:"subnetIDs,omitempty"`

	// SecurityGroupIDs are the security groups attached to the cluster's endpoints.
	// +optional
	// +listType=atomic
	SecurityGroupIDs []string `json:"securityGroupIDs,omitempty"`

	// LastHandledReconcileAt is the value of the streaming.kafkapipeline.dev/requestedAt annotation the
	// controller handled last (a reconcile with a full read of every part from AWS).
	// +optional
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`

	// TopicAdmin is the topic admin function and its execution role (spec.topicAdministration Function);
	// empty with Direct.
	// +optional
	TopicAdmin TopicAdminStatus `json:"topicAdmin,omitzero"`

	// Network holds the IDs of every network part the operator created for spec.network.create, so they can
	// be found again and deleted. Empty for a network you bring.
	// +optional
	Network *NetworkStatus `json:"network,omitempty"`
}

// TopicAdminStatus is a cluster's topic admin function: the Lambda function, in the cluster's subnets and
// security groups, that the operator invokes to create, describe and grow the cluster's topics.
type TopicAdminStatus struct {
	// RoleARN is the ARN of the function's execution role.
	// +optional
	RoleARN string `json:"roleARN,omitempty"`

	// FunctionARN is the function's ARN.
	// +optional
	FunctionARN string `json:"functionARN,omitempty"`

	// FunctionName is the function's name, which the pipelines on this cluster invoke.
	// +optional
	FunctionName string `json:"functionName,omitempty"`

	// State is the function's state: Pending, Active, Inactive or Failed.
	// +optional
	State string `json:"state,omitempty"`
}

// NetworkStatus holds the IDs of the network parts built for spec.network.create, beyond the VPC, subnets and
// security group reported at the top of the status.
type NetworkStatus struct {
	// InternetGatewayID is the ID of the internet gateway attached to the VPC.
	// +optional
	InternetGatewayID string `json:"internetGatewayID,omitempty"`

	// ElasticIPAllocationID is the allocation ID of the NAT gateway's Elastic IP.
	// +optional
	ElasticIPAllocationID string `json:"elasticIPAllocationID,omitempty"`

	// NATGatewayID is the ID of the NAT gateway in the public subnet.
	// +optional
	NATGatewayID string `json:"natGatewayID,omitempty"`

	// NATGatewayState is the NAT gateway's state: pending, available, failed, deleting or deleted.
	// +optional
	NATGatewayState string `json:"natGatewayState,omitempty"`

	// PublicSubnetID is the ID of the public subnet holding the NAT gateway.
	// +optional
	PublicSubnetID string `json:"publicSubnetID,omitempty"`

	// PublicRouteTableID is the ID of the route table sending the public subnet's traffic to the internet
	// gateway.
	// +optional
	PublicRouteTableID string `json:"publicRouteTableID,omitempty"`

	// PrivateRouteTableID is the ID of the route table sending the private subnets' traffic to the NAT gateway.
	// +optional
	PrivateRouteTableID string `json:"privateRouteTableID,omitempty"`

	// SecurityGroupID is the ID of the security group the operator created for the cluster.
	// +optional
	SecurityGroupID string `json:"securityGroupID,omitempty"`
}

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=kc,categories=streaming
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.state`,description="MSK cluster state"
// +kubebuilder:printcolumn:name="Topics",type=string,JSONPath=`.spec.topicAdministration`,priority=1,description="how topics are administered"
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.spec.region`,priority=1
// +kubebuilder:printcolumn:name="ARN",type=string,JSONPath=`.status.arn`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// KafkaCluster is an MSK Serverless cluster with IAM authentication and, optionally, the VPC it runs in.
// KafkaPipelines in the same namespace use it through spec.cluster.name.
type KafkaCluster struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard object metadata.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// spec is the desired state of the cluster.
	// +required
	Spec KafkaClusterSpec `json:"spec"`

	// status is the observed state of the cluster, written by the controller.
	// +optional
	Status KafkaClusterStatus `json:"status,omitzero"`
}

// +kubebuilder:object:root=true

// KafkaClusterList is a list of KafkaClusters.
type KafkaClusterList struct {
	metav1.TypeMeta `json:",inline"`

	// metadata is the standard list metadata.
	// +optional
	metav1.ListMeta `json:"metadata,omitzero"`

	// Items are the KafkaClusters.
	Items []KafkaCluster `json:"items"`
}
