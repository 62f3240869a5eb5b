package network

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestCarve(t *testing.T) {
	cases := []struct {
		cidr    string
		want    layout
		wantErr string
	}{
		{cidr: "10.10.0.0/16", want: layout{public: "10.10.0.0/24", private: [2]string{"10.10.1.0/24", "10.10.2.0/24"}}},
		{cidr: "172.16.4.0/22", want: layout{public: "172.16.4.0/24", private: [2]string{"172.16.5.0/24", "172.16.6.0/24"}}},
		{cidr: "192.168.0.0/23", want: layout{public: "192.168.0.0/25", private: [2]string{"192.168.0.128/25", "192.168.1.0/25"}}},
		{cidr: "10.0.0.0/26", want: layout{public: "10.0.0.0/28", private: [2]string{"10.0.0.16/28", "10.0.0.32/28"}}},
		{cidr: "10.0.0.0/27", wantErr: "between /16 and /26"},
		{cidr: "10.0.0.0/8", wantErr: "between /16 and /26"},
		{cidr: "10.10.1.0/16", wantErr: "network address is 10.10.0.0/16"},
		{cidr: "fd00::/56", wantErr: "not an IPv4 CIDR"},
		{cidr: "banana", wantErr: "not an IPv4 CIDR"},
	}
	for _, tc := range cases {
		t.Run(tc.cidr, func(t *testing.T) {
			got, err := carve(tc.cidr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("carve(%q) error = %v, want it to contain %q", tc.cidr, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("carve(%q) = %+v, %v; want %+v", tc.cidr, got, err, tc.want)
			}
		})
	}
}

func TestCheckZones(t *testing.T) {
	offered := []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	cases := []struct {
		name    string
		want    []string
		wantErr string
	}{
		{name: "two valid", want: []string{"us-east-1a", "us-east-1c"}},
		{name: "one", want: []string{"us-east-1a"}, wantErr: "exactly two different"},
		{name: "three", want: []string{"us-east-1a", "us-east-1b", "us-east-1c"}, wantErr: "exactly two different"},
		{name: "same twice", want: []string{"us-east-1a", "us-east-1a"}, wantErr: "exactly two different"},
		{name: "unknown", want: []string{"us-east-1a", "us-east-1z"},
			wantErr: `"us-east-1z" is not available in this region; valid zones are [us-east-1a us-east-1b us-east-1c]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkZones(tc.want, offered)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("checkZones(%v) = %v, want error containing %q", tc.want, err, tc.wantErr)
			}
		})
	}
}

func TestPartNamesAreDistinct(t *testing.T) {
	n := partNames("kp-ns-x-12345678-net")
	all := append([]string{n.vpc, n.igw, n.eip, n.nat, n.publicRT, n.privateRT, n.sg}, n.subnets()...)
	seen := map[string]bool{}
	for _, name := range all {
		if seen[name] || !strings.HasPrefix(name, "kp-ns-x-12345678-net-") {
			t.Fatalf("name %q repeated or without the prefix in %v", name, all)
		}
		seen[name] = true
	}
}

func TestMissingRules(t *testing.T) {
	const sg, cidr = "sg-1", "10.10.0.0/16"
	tcp := func(port int32, cidrs []string, groups []string) types.IpPermission {
		p := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port)}
		for _, c := range cidrs {
			p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: aws.String(c)})
		}
		for _, g := range groups {
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, types.UserIdGroupPair{GroupId: aws.String(g)})
		}
		return p
	}
	cases := []struct {
		name string
		have []types.IpPermission
		want int
	}{
		{name: "none", want: 4},
		{name: "all", have: []types.IpPermission{tcp(9098, []string{cidr}, []string{sg}), tcp(9092, []string{cidr}, []string{sg})}},
		{name: "split rules", have: []types.IpPermission{tcp(9098, []string{cidr}, nil), tcp(9098, nil, []string{sg}),
			tcp(9092, []string{"0.0.0.0/0", cidr}, []string{"sg-other", sg})}},
		{name: "other cidr and group", have: []types.IpPermission{tcp(9098, []string{"10.0.0.0/8"}, []string{"sg-2"})}, want: 4},
		{name: "port range is not the port", have: []types.IpPermission{{IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(9000), ToPort: aws.Int32(9100), IpRanges: []types.IpRange{{CidrIp: aws.String(cidr)}}}}, want: 4},
		{name: "self only", have: []types.IpPermission{tcp(9098, nil, []string{sg}), tcp(9092, nil, []string{sg})}, want: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := missingRules(tc.have, sg, cidr); len(got) != tc.want {
				t.Fatalf("missingRules = %d rules, want %d", len(got), tc.want)
			}
		})
	}
}
