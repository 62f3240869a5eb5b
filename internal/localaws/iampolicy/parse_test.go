package iampolicy

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		kind Kind
		want Policy
	}{
		{
			name: "statement object, string action and resource",
			doc:  `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}}`,
			kind: Identity,
			want: Policy{Version: Version2012, Statements: []Statement{{Effect: EffectAllow,
				Action: []string{"sqs:SendMessage"}, Resource: []string{"*"}}}},
		},
		{
			name: "statement array, lists, sid, id, NotAction, NotResource",
			doc: `{"Version":"2008-10-17","Id":"p1","Statement":[
				{"Sid":"A1","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":["arn:aws:s3:::b/*"]},
				{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:PutLogEvents"],"Resource":["arn:aws:logs:us-east-1:1:log-group:x:*"]}]}`,
			kind: Identity,
			want: Policy{Version: Version2008, ID: "p1", Statements: []Statement{
				{Sid: "A1", Effect: EffectDeny, NotAction: []string{"iam:*", "sts:*"}, NotResource: []string{"arn:aws:s3:::b/*"}},
				{Effect: EffectAllow, Action: []string{"logs:CreateLogGroup", "logs:PutLogEvents"},
					Resource: []string{"arn:aws:logs:us-east-1:1:log-group:x:*"}},
			}},
		},
		{
			name: "no version",
			doc:  `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			kind: Identity,
			want: Policy{Statements: []Statement{{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}},
		},
		{
			name: "condition with string, number, bool and list values",
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
				"Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"NumericLessThan":{"s3:max-keys":10},
				"Bool":{"aws:SecureTransport":true},"StringLike":{"aws:RequestTag/team":["a*","b?"]}}}]}`,
			kind: Identity,
			want: Policy{Version: Version2012, Statements: []Statement{{Effect: EffectAllow,
				Action: []string{"s3:GetObject"}, Resource: []string{"*"}, Condition: Conditions{
					"StringEquals":    {"aws:SourceAccount": {"123456789012"}},
					"NumericLessThan": {"s3:max-keys": {"10"}},
					"Bool":            {"aws:SecureTransport": {"true"}},
					"StringLike":      {"aws:RequestTag/team": {"a*", "b?"}},
				}}}},
		},
		{
			name: "lambda trust policy",
			doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},
				"Action":"sts:AssumeRole"}]}`,
			kind: Trust,
			want: Policy{Version: Version2012, Statements: []Statement{{Effect: EffectAllow,
				Principal: &Principal{IDs: map[string][]string{"Service": {"lambda.amazonaws.com"}}},
				Action:    []string{"sts:AssumeRole"}}}},
		},
		{
			name: "trust policy with star principal, AWS principals and condition",
			doc: `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Principal":"*","Action":["sts:AssumeRole","sts:TagSession"]},
				{"Effect":"Deny","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:root"]},"Action":"sts:*",
				 "Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`,
			kind: Trust,
			want: Policy{Version: Version2012, Statements: []Statement{
				{Effect: EffectAllow, Principal: &Principal{All: true}, Action: []string{"sts:AssumeRole", "sts:TagSession"}},
				{Effect: EffectDeny, Principal: &Principal{IDs: map[string][]string{
					"AWS": {"123456789012", "arn:aws:iam::123456789012:root"}}}, Action: []string{"sts:*"},
					Condition: Conditions{"StringEquals": {"aws:SourceAccount": {"123456789012"}}}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.doc, tt.kind)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	const allowAll = `"Effect":"Allow","Action":"*","Resource":"*"`
	tests := []struct {
		name string
		doc  string
		kind Kind
		want string
	}{
		{"identity not json", `{"Version":`, Identity, "Syntax errors in policy."},
		{"trust not json", `{"Version":`, Trust, "This policy contains invalid Json"},
		{"not an object", `[1,2]`, Identity, "Syntax errors in policy."},
		{"trailing data", `{"Statement":[]} x`, Identity, "Syntax errors in policy."},
		{"unknown top-level field", `{"Statement":[{` + allowAll + `}],"Extra":1}`, Identity, "Syntax errors in policy."},
		{"unknown statement field", `{"Statement":[{` + allowAll + `,"Effects":"x"}]}`, Identity, "Syntax errors in policy."},
		{"bad version", `{"Version":"2020-01-01","Statement":[{` + allowAll + `}]}`, Identity, "Syntax errors in policy."},
		{"version not a string", `{"Version":2012,"Statement":[{` + allowAll + `}]}`, Identity, "Syntax errors in policy."},
		{"missing statement", `{"Version":"2012-10-17"}`, Identity, "Missing required field Statement"},
		{"null statement", `{"Statement":null}`, Identity, "Syntax errors in policy."},
		{"statement not object", `{"Statement":["x"]}`, Identity, "Syntax errors in policy."},
		{"missing effect", `{"Statement":[{"Action":"*","Resource":"*"}]}`, Identity, "Missing required field Effect"},
		{"bad effect", `{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`, Identity, "Invalid effect: allow"},
		{"action not string", `{"Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]}`, Identity, "Syntax errors in policy."},
		{"action list with number", `{"Statement":[{"Effect":"Allow","Action":["a:b",5],"Resource":"*"}]}`, Identity, "Syntax errors in policy."},
		{"both Action and NotAction", `{"Statement":[{` + allowAll + `,"NotAction":"s3:*"}]}`, Identity, "Syntax errors in policy."},
		{"both Resource and NotResource", `{"Statement":[{` + allowAll + `,"NotResource":"*"}]}`, Identity, "Syntax errors in policy."},
		{"no actions", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, Identity, "Policy statement must contain actions."},
		{"empty action list", `{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, Identity, "Policy statement must contain actions."},
		{"action without vendor", `{"Statement":[{"Effect":"Allow","Action":"SendMessage","Resource":"*"}]}`, Identity,
			"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"no resources", `{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`, Identity, "Policy statement must contain resources."},
		{"resource not an arn", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}]}`, Identity,
			`Resource bucket must be in ARN format or "*".`},
		{"resource short arn", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}]}`, Identity,
			`Resource arn:aws:s3 must be in ARN format or "*".`},
		{"principal in identity policy", `{"Statement":[{` + allowAll + `,"Principal":"*"}]}`, Identity,
			"Policy document should not specify a principal."},
		{"sid with symbols", `{"Statement":[{"Sid":"a-b",` + allowAll + `}]}`, Identity,
			"Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"},
		{"duplicate sid", `{"Statement":[{"Sid":"a",` + allowAll + `},{"Sid":"a",` + allowAll + `}]}`, Identity,
			"Statement IDs (SID) in a single policy must be unique."},
		{"unknown condition operator", `{"Statement":[{` + allowAll + `,"Condition":{"StringSortOf":{"aws:x":"y"}}}]}`, Identity,
			"Syntax errors in policy."},
		{"condition key without vendor", `{"Statement":[{` + allowAll + `,"Condition":{"StringEquals":{"x":"y"}}}]}`, Identity,
			"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"condition value object", `{"Statement":[{` + allowAll + `,"Condition":{"StringEquals":{"aws:x":{"a":1}}}}]}`, Identity,
			"Syntax errors in policy."},
		{"null with IfExists", `{"Statement":[{` + allowAll + `,"Condition":{"NullIfExists":{"aws:x":"true"}}}]}`, Identity,
			"Syntax errors in policy."},
		{"trust without principal", `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, Trust,
			"Missing required field Principal"},
		{"trust with resource", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`, Trust,
			"Has prohibited field Resource"},
		{"trust with non-sts action", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}`, Trust,
			"AssumeRole policy may only specify STS AssumeRole actions."},
		{"trust with bad service", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda"},"Action":"sts:AssumeRole"}]}`, Trust,
			`Invalid principal in policy: "SERVICE":"lambda"`},
		{"trust with bad AWS principal", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}]}`, Trust,
			`Invalid principal in policy: "AWS":"bob"`},
		{"trust with principal string", `{"Statement":[{"Effect":"Allow","Principal":"bob","Action":"sts:AssumeRole"}]}`, Trust,
			`Invalid principal in policy: "bob"`},
		{"trust with unknown principal type", `{"Statement":[{"Effect":"Allow","Principal":{"User":"x"},"Action":"sts:AssumeRole"}]}`, Trust,
			"Syntax errors in policy."},
		{"trust principal not a string list", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":1},"Action":"sts:AssumeRole"}]}`, Trust,
			"This policy contains invalid Json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.doc, tt.kind)
			var me *MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("Parse error = %v, want *MalformedError", err)
			}
			if me.Message != tt.want {
				t.Fatalf("message = %q, want %q", me.Message, tt.want)
			}
		})
	}
}

func TestMustParsePanicsOnMalformed(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParse did not panic")
		}
	}()
	MustParse(`{`, Identity)
}
