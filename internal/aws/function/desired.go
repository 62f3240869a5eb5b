package function

import (
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// architecture returns the architecture to deploy.
func (d Desired) architecture() string {
	if d.Architecture == "" {
		return string(lambdatypes.ArchitectureX8664)
	}
	return d.Architecture
}

// memory returns the memory size to apply.
func (d Desired) memory() int32 {
	if d.MemoryMB == 0 {
		return DefaultMemoryMB
	}
	return d.MemoryMB
}

// timeout returns the timeout to apply.
func (d Desired) timeout() int32 {
	if d.TimeoutSeconds == 0 {
		return DefaultTimeoutSeconds
	}
	return d.TimeoutSeconds
}

// tags returns every tag the function must carry: the user's, the ownership tags and, for S3 code, the
// code source fingerprint.
func (d Desired) tags() map[string]string {
	t := d.Owner.Tags(Component, d.Tags)
	if fp := d.Code.s3Fingerprint(); fp != "" {
		t[KeyCodeSource] = fp
	}
	return t
}

// environment returns the environment to send: always a (possibly empty) variable map, so an update
// clears variables removed from the spec.
func (d Desired) environment() *lambdatypes.Environment {
	vars := map[string]string{}
	maps.Copy(vars, d.Environment)
	return &lambdatypes.Environment{Variables: vars}
}

// vpcConfig returns the VpcConfig to send: d's subnets and groups, or empty lists, which detach a function
// from its VPC in an update.
func (d Desired) vpcConfig() *lambdatypes.VpcConfig {
	if d.VPC == nil {
		return &lambdatypes.VpcConfig{SubnetIds: []string{}, SecurityGroupIds: []string{}}
	}
	return &lambdatypes.VpcConfig{SubnetIds: slices.Clone(d.VPC.SubnetIDs), SecurityGroupIds: slices.Clone(d.VPC.SecurityGroupIDs)}
}

// sameVPC reports whether two VPC attachments are the same, whatever the order of their lists.
func sameVPC(a, b *VPC) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameSet(a.SubnetIDs, b.SubnetIDs) && sameSet(a.SecurityGroupIDs, b.SecurityGroupIDs)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// createInput is the CreateFunction request for d.
func (d Desired) createInput() *lambda.CreateFunctionInput {
	in := &lambda.CreateFunctionInput{FunctionName: aws.String(d.Name), Role: aws.String(d.RoleARN),
		Code: d.Code.functionCode(), PackageType: d.Code.packageType(),
		Architectures: []lambdatypes.Architecture{lambdatypes.Architecture(d.architecture())},
		MemorySize:    aws.Int32(d.memory()), Timeout: aws.Int32(d.timeout()), Environment: d.environment(),
		Tags: d.tags()}
	if d.Code.packageType() == lambdatypes.PackageTypeZip {
		in.Runtime, in.Handler = lambdatypes.Runtime(d.Runtime), aws.String(d.Handler)
	}
	if d.DLQARN != "" {
		in.DeadLetterConfig = &lambdatypes.DeadLetterConfig{TargetArn: aws.String(d.DLQARN)}
	}
	if d.VPC != nil {
		in.VpcConfig = d.vpcConfig()
	}
	return in
}

// configurationDrift returns the UpdateFunctionConfiguration request that repairs every configuration
// difference between o and d, and the names of the fields that differ; nil when nothing differs.
func (d Desired) configurationDrift(o *Observed) (*lambda.UpdateFunctionConfigurationInput, []string) {
	in := &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String(o.Name)}
	var fields []string
	if o.RoleARN != d.RoleARN {
		in.Role, fields = aws.String(d.RoleARN), append(fields, "role")
	}
	if d.Code.packageType() == lambdatypes.PackageTypeZip {
		if o.Runtime != d.Runtime {
			in.Runtime, fields = lambdatypes.Runtime(d.Runtime), append(fields, "runtime")
		}
		if o.Handler != d.Handler {
			in.Handler, fields = aws.String(d.Handler), append(fields, "handler")
		}
	}
	if o.MemoryMB != d.memory() {
		in.MemorySize, fields = aws.Int32(d.memory()), append(fields, "memory")
	}
	if o.TimeoutSeconds != d.timeout() {
		in.Timeout, fields = aws.Int32(d.timeout()), append(fields, "timeout")
	}
	if !maps.Equal(o.Environment, d.environment().Variables) {
		in.Environment, fields = d.environment(), append(fields, "environment")
	}
	if o.DLQARN != d.DLQARN {
		// An empty TargetArn removes the dead-letter queue.
		in.DeadLetterConfig = &lambdatypes.DeadLetterConfig{TargetArn: aws.String(d.DLQARN)}
		fields = append(fields, "dead-letter queue")
	}
	if !sameVPC(o.VPC, d.VPC) {
		in.VpcConfig, fields = d.vpcConfig(), append(fields, "VPC")
	}
	if len(fields) == 0 {
		return nil, nil
	}
	return in, fields
}
