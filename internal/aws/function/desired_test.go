package function

import (
	"slices"
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

func TestCodeValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		code Code
		ok   bool
	}{
		{"zip", Code{ZipFile: []byte("zip")}, true},
		{"s3", Code{S3: &S3Code{Bucket: "b", Key: "k"}}, true},
		{"image", Code{ImageURI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/fn:1"}, true},
		{"none", Code{}, false},
		{"two", Code{ZipFile: []byte("zip"), ImageURI: "i"}, false},
		{"s3 without key", Code{S3: &S3Code{Bucket: "b"}}, false},
		{"zip with its SHA-256", Code{ZipFile: []byte("zip"), Sha256: CodeSha256([]byte("zip"))}, true},
		{"SHA-256 without zip", Code{S3: &S3Code{Bucket: "b", Key: "k"}, Sha256: "x"}, false},
	} {
		if err := tc.code.validate(); (err == nil) != tc.ok {
			t.Errorf("%s: validate = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestCodeDiffers(t *testing.T) {
	zip := []byte("zip")
	s3 := Code{S3: &S3Code{Bucket: "b", Key: "k", ObjectVersion: "v1"}}
	s3v2 := Code{S3: &S3Code{Bucket: "b", Key: "k", ObjectVersion: "v2"}}
	for _, tc := range []struct {
		name string
		code Code
		obs  Observed
		want bool
	}{
		{"same zip", Code{ZipFile: zip}, Observed{CodeSha256: CodeSha256(zip)}, false},
		{"other zip", Code{ZipFile: []byte("other")}, Observed{CodeSha256: CodeSha256(zip)}, true},
		{"same zip, SHA-256 given", Code{ZipFile: zip, Sha256: CodeSha256(zip)}, Observed{CodeSha256: CodeSha256(zip)}, false},
		{"other zip, SHA-256 given", Code{ZipFile: []byte("other"), Sha256: CodeSha256([]byte("other"))},
			Observed{CodeSha256: CodeSha256(zip)}, true},
		// A given SHA-256 is trusted: the zip is not hashed again.
		{"given SHA-256 is used", Code{ZipFile: zip, Sha256: "given"}, Observed{CodeSha256: "given"}, false},
		{"same image", Code{ImageURI: "img:1"}, Observed{ImageURI: "img:1"}, false},
		{"other image", Code{ImageURI: "img:2"}, Observed{ImageURI: "img:1"}, true},
		{"same S3 object", s3, Observed{Tags: map[string]string{KeyCodeSource: s3.s3Fingerprint()}}, false},
		{"other S3 version", s3v2, Observed{Tags: map[string]string{KeyCodeSource: s3.s3Fingerprint()}}, true},
		{"S3 never recorded", s3, Observed{Tags: map[string]string{}}, true},
	} {
		if got := tc.code.differs(&tc.obs); got != tc.want {
			t.Errorf("%s: differs = %v, want %v", tc.name, got, tc.want)
		}
	}
	if CodeSha256([]byte("abc")) != "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=" {
		t.Errorf("CodeSha256 is not the base64 SHA-256")
	}
}

func TestConfigurationDrift(t *testing.T) {
	d := Desired{Name: "f", RoleARN: "r", Runtime: "provided.al2023", Handler: "bootstrap", Code: Code{ZipFile: []byte("z")},
		Environment: map[string]string{"A": "1"}, DLQARN: "q"}
	inSync := Observed{Name: "f", RoleARN: "r", Runtime: "provided.al2023", Handler: "bootstrap", MemoryMB: DefaultMemoryMB,
		TimeoutSeconds: DefaultTimeoutSeconds, Environment: map[string]string{"A": "1"}, DLQARN: "q"}
	if in, fields := d.configurationDrift(&inSync); in != nil || fields != nil {
		t.Errorf("drift of an in-sync function: %v", fields)
	}
	drifted := inSync
	drifted.RoleARN, drifted.Handler, drifted.MemoryMB, drifted.Environment, drifted.DLQARN = "x", "h", 256, nil, ""
	in, fields := d.configurationDrift(&drifted)
	if want := []string{"role", "handler", "memory", "environment", "dead-letter queue"}; !slices.Equal(fields, want) {
		t.Errorf("drifted fields %v, want %v", fields, want)
	}
	if in.Runtime != "" || in.Timeout != nil || *in.MemorySize != DefaultMemoryMB || in.Environment.Variables["A"] != "1" {
		t.Errorf("update input %+v sends more or less than the drift", in)
	}
	image := d
	image.Code = Code{ImageURI: "img"}
	imageObs := inSync
	imageObs.Runtime, imageObs.Handler = "", ""
	if in, fields := image.configurationDrift(&imageObs); in != nil {
		t.Errorf("image function: runtime and handler compared: %v", fields)
	}
}

// testWaits are the Service's waits in these tests: not the defaults, so the outcomes show they are the
// ones given.
func testWaits() Waits {
	return Waits{Pending: 3 * time.Second, Update: 4 * time.Second, Propagation: 6 * time.Second}
}

func TestBusy(t *testing.T) {
	for _, tc := range []struct {
		name   string
		obs    Observed
		reason string
		wait   time.Duration
	}{
		{"active", Observed{State: "Active", LastUpdateStatus: "Successful"}, "", 0},
		{"inactive", Observed{State: "Inactive"}, "", 0},
		{"pending", Observed{State: "Pending"}, awserr.ReasonCreating, testWaits().Pending},
		{"updating", Observed{State: "Active", LastUpdateStatus: "InProgress"}, awserr.ReasonUpdating, testWaits().Update},
		{"deleting", Observed{State: "Deleting"}, awserr.ReasonDeleting, testWaits().Pending},
		{"failed", Observed{State: "Failed", StateReason: "bad zip"}, awserr.ReasonProvisioningFailed, 0},
	} {
		err := testWaits().busy(&tc.obs)
		if tc.reason == "" {
			if err != nil {
				t.Errorf("%s: busy = %v, want nil", tc.name, err)
			}
			continue
		}
		if w, ok := outcome.AsWaiting(err); tc.wait > 0 && (!ok || w.Reason != tc.reason || w.After != tc.wait) {
			t.Errorf("%s: busy = %v, want Waiting %s for %v", tc.name, err, tc.reason, tc.wait)
		}
		if term, ok := outcome.AsTerminal(err); tc.wait == 0 && (!ok || term.Reason != tc.reason) {
			t.Errorf("%s: busy = %v, want Terminal %s", tc.name, err, tc.reason)
		}
	}
}

func TestVPCConfiguration(t *testing.T) {
	d := Desired{Name: "f", RoleARN: "r", Runtime: "provided.al2023", Handler: "bootstrap", Code: Code{ZipFile: []byte("z")},
		VPC: &VPC{SubnetIDs: []string{"subnet-a", "subnet-b"}, SecurityGroupIDs: []string{"sg-1"}}}
	in := d.createInput()
	if in.VpcConfig == nil || !slices.Equal(in.VpcConfig.SubnetIds, d.VPC.SubnetIDs) ||
		!slices.Equal(in.VpcConfig.SecurityGroupIds, d.VPC.SecurityGroupIDs) {
		t.Errorf("CreateFunction VpcConfig = %+v, want the desired subnets and groups", in.VpcConfig)
	}
	outside := d
	outside.VPC = nil
	if in := outside.createInput(); in.VpcConfig != nil {
		t.Errorf("a function outside any VPC is created with VpcConfig %+v", in.VpcConfig)
	}

	inSync := Observed{Name: "f", RoleARN: "r", Runtime: "provided.al2023", Handler: "bootstrap", MemoryMB: DefaultMemoryMB,
		TimeoutSeconds: DefaultTimeoutSeconds, Environment: map[string]string{},
		VPC: &VPC{SubnetIDs: []string{"subnet-b", "subnet-a"}, SecurityGroupIDs: []string{"sg-1"}}}
	if in, fields := d.configurationDrift(&inSync); in != nil {
		t.Errorf("the same subnets in another order drift: %v", fields)
	}
	for _, tc := range []struct {
		name     string
		observed *VPC
	}{
		{"detached", nil},
		{"another subnet", &VPC{SubnetIDs: []string{"subnet-a", "subnet-c"}, SecurityGroupIDs: []string{"sg-1"}}},
		{"another group", &VPC{SubnetIDs: []string{"subnet-a", "subnet-b"}, SecurityGroupIDs: []string{"sg-2"}}},
	} {
		o := inSync
		o.VPC = tc.observed
		in, fields := d.configurationDrift(&o)
		if !slices.Equal(fields, []string{"VPC"}) || in.VpcConfig == nil ||
			!slices.Equal(in.VpcConfig.SubnetIds, d.VPC.SubnetIDs) {
			t.Errorf("%s: drift %v with %+v, want the VPC repaired alone", tc.name, fields, in)
		}
	}
	attached := inSync
	detach, fields := outside.configurationDrift(&attached)
	if !slices.Equal(fields, []string{"VPC"}) || detach.VpcConfig == nil || detach.VpcConfig.SubnetIds == nil ||
		len(detach.VpcConfig.SubnetIds) != 0 || len(detach.VpcConfig.SecurityGroupIds) != 0 {
		t.Errorf("detaching: drift %v with %+v, want empty lists", fields, detach)
	}
}
