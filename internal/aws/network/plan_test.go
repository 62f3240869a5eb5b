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

func TestPlanRules(t *testing.T) {
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
	allOut := types.IpPermission{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}
	wanted := []types.IpPermission{tcp(9098, []string{cidr}, []string{sg})}
	wantedOut := []types.IpPermission{tcp(443, []string{"0.0.0.0/0"}, nil), tcp(9098, nil, []string{sg})}
	cases := []struct {
		name    string
		in, out []types.IpPermission
		// want counts the permissions to authorize in and out, and to revoke in and out.
		want [4]int
	}{
		{name: "new group", out: []types.IpPermission{allOut}, want: [4]int{2, 2, 0, 1}},
		{name: "exactly the rules", in: wanted, out: wantedOut},
		{name: "split rules", in: []types.IpPermission{tcp(9098, []string{cidr}, nil), tcp(9098, nil, []string{sg})},
			out: []types.IpPermission{tcp(9098, nil, []string{sg}), tcp(443, []string{"0.0.0.0/0"}, nil)}},
		{name: "plaintext port of an earlier version", in: append([]types.IpPermission{tcp(9092, []string{cidr}, []string{sg})}, wanted...),
			out: wantedOut, want: [4]int{0, 0, 2, 0}},
		{name: "rules of others stay", in: append([]types.IpPermission{tcp(22, []string{"10.0.0.0/8"}, []string{"sg-2"}),
			tcp(9092, []string{"0.0.0.0/0"}, nil)}, wanted...), out: append([]types.IpPermission{tcp(5432, []string{cidr}, nil)}, wantedOut...)},
		{name: "other cidr and group", in: []types.IpPermission{tcp(9098, []string{"10.0.0.0/8"}, []string{"sg-2"})},
			out: wantedOut, want: [4]int{2, 0, 0, 0}},
		{name: "port range is not the port", in: []types.IpPermission{{IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(9000), ToPort: aws.Int32(9100), IpRanges: []types.IpRange{{CidrIp: aws.String(cidr)}}}},
			out: wantedOut, want: [4]int{2, 0, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := planRules(types.SecurityGroup{GroupId: aws.String(sg), IpPermissions: tc.in, IpPermissionsEgress: tc.out}, cidr)
			if got := [4]int{len(p.authorizeIn), len(p.authorizeOut), len(p.revokeIn), len(p.revokeOut)}; got != tc.want {
				t.Fatalf("planRules = %+v: counts %v, want %v", p, got, tc.want)
			}
		})
	}
}
