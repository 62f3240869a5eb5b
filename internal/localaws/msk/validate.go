package msk

import (
	"regexp"
	"strings"
)

// clusterNamePattern is the charset the MSK console enforces (letters, digits, hyphens, starting with a
// letter or digit); the API model only bounds the length to 1–64, so the charset is UNCONFIRMED.
var clusterNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)

// Limits MSK applies to tags (the common AWS tagging limits).
const (
	maxTags        = 50
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

// Serverless limits. At least two subnets per VPC configuration (in different Availability Zones) is
// what the MSK Serverless guide asks for; whether the API itself rejects one subnet is UNCONFIRMED. The
// maxima are MSK Serverless quotas (up to 5 VPCs per cluster, 5 security groups per VPC).
const (
	minSubnets        = 2
	maxSubnets        = 16
	maxVpcConfigs     = 5
	maxSecurityGroups = 5
)

func validateClusterName(name *string) error {
	switch {
	case name == nil || *name == "":
		return badRequest("clusterName", "clusterName is a required parameter and must be 1 to 64 characters long.")
	case len(*name) > 64:
		return badRequest("clusterName", "clusterName must be 1 to 64 characters long, got %d.", len(*name))
	case !clusterNamePattern.MatchString(*name):
		return badRequest("clusterName", "clusterName %q is invalid: it may contain only letters, digits and hyphens and must start with a letter or digit.", *name)
	}
	return nil
}

// validateTags checks tags being added to a resource that already has existing ones.
func validateTags(tags, existing map[string]string) error {
	merged := len(existing)
	for k, v := range tags {
		if _, ok := existing[k]; !ok {
			merged++
		}
		switch {
		case k == "" || len(k) > maxTagKeyLen:
			return badRequest("tags", "Tag keys must be 1 to %d characters long: %q.", maxTagKeyLen, k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return badRequest("tags", "Tag keys starting with \"aws:\" are reserved for AWS use: %q.", k)
		case len(v) > maxTagValueLen:
			return badRequest("tags", "The value of tag %q must be at most %d characters long.", k, maxTagValueLen)
		}
	}
	if merged > maxTags {
		return badRequest("tags", "A resource can have at most %d tags; this request would give it %d.", maxTags, merged)
	}
	return nil
}

func validateServerless(s *serverless) error {
	if len(s.VpcConfigs) == 0 {
		return badRequest("vpcConfigs", "serverless.vpcConfigs is a required parameter and must contain at least one VPC configuration.")
	}
	if len(s.VpcConfigs) > maxVpcConfigs {
		return badRequest("vpcConfigs", "serverless.vpcConfigs can contain at most %d VPC configurations, got %d.", maxVpcConfigs, len(s.VpcConfigs))
	}
	for i, v := range s.VpcConfigs {
		if len(v.SubnetIds) < minSubnets || len(v.SubnetIds) > maxSubnets {
			return badRequest("subnetIds", "serverless.vpcConfigs[%d].subnetIds must contain %d to %d subnets in different Availability Zones, got %d.", i, minSubnets, maxSubnets, len(v.SubnetIds))
		}
		if err := validateIDs("subnetIds", "subnet-", v.SubnetIds); err != nil {
			return err
		}
		if len(v.SecurityGroupIds) > maxSecurityGroups {
			return badRequest("securityGroupIds", "serverless.vpcConfigs[%d].securityGroupIds can contain at most %d security groups, got %d.", i, maxSecurityGroups, len(v.SecurityGroupIds))
		}
		if err := validateIDs("securityGroupIds", "sg-", v.SecurityGroupIds); err != nil {
			return err
		}
	}
	// MSK Serverless supports only IAM client authentication; an absent clientAuthentication gets IAM.
	if enabled, set := s.ClientAuthentication.iamEnabled(); set && !enabled {
		return badRequest("clientAuthentication", "MSK Serverless clusters support only IAM access control: serverless.clientAuthentication.sasl.iam.enabled must be true.")
	}
	return nil
}

// validateIDs checks EC2 resource ids have the right prefix and are not repeated.
func validateIDs(param, prefix string, ids []string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if !strings.HasPrefix(id, prefix) || len(id) == len(prefix) {
			return badRequest(param, "%q is not a valid %s id: it must start with %q.", id, strings.TrimSuffix(prefix, "-"), prefix)
		}
		if seen[id] {
			return badRequest(param, "%s contains %q more than once.", param, id)
		}
		seen[id] = true
	}
	return nil
}

// checkNetwork refuses subnets and security groups that do not exist in the region. The message follows
// EC2's wording for unknown ids (MSK's own text is UNCONFIRMED).
func (s *Service) checkNetwork(region string, sl *serverless) error {
	if s.network == nil {
		return nil
	}
	for _, v := range sl.VpcConfigs {
		for _, id := range v.SubnetIds {
			if !s.network.SubnetExists(region, id) {
				return badRequest("subnetIds", "The subnet ID '%s' does not exist in %s.", id, region)
			}
		}
		for _, id := range v.SecurityGroupIds {
			if !s.network.SecurityGroupExists(region, id) {
				return badRequest("securityGroupIds", "The security group '%s' does not exist in %s.", id, region)
			}
		}
	}
	return nil
}
