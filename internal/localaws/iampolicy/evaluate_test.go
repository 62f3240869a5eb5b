package iampolicy

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"", "", true},
		{"", "a", false},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ABC", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a*c", "ac", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"*c", "abc", true},
		{"a*", "a", true},
		{"a**b", "ab", true},
		{"*a*b*", "xxaxxbxx", true},
		{"*a*b", "xxbxxa", false},
		{"arn:aws:lambda:*:*:function:kp-*", "arn:aws:lambda:us-east-1:000000000000:function:kp-x", true},
		{"arn:aws:lambda:*:*:function:kp-*", "arn:aws:lambda:us-east-1:000000000000:function:other", false},
		{"arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*", "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:x", true},
		{"ü?", "üß", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	if !MatchFold("SQS:send*", "sqs:SendMessage") {
		t.Error("MatchFold must ignore case")
	}
}

func TestEvaluate(t *testing.T) {
	const queue = "arn:aws:sqs:us-east-1:000000000000:kp-dlq"
	allowSQS := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:Get*"],"Resource":"arn:aws:sqs:*:*:kp-*"}]}`, Identity)
	denyDLQ := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"`+queue+`"}]}`, Identity)
	notAction := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, Identity)
	notResource := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}]}`, Identity)
	conditional := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*",
		"Condition":{"StringEquals":{"aws:SourceAccount":"000000000000"}}}]}`, Identity)
	conditionalDeny := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, Identity)

	tests := []struct {
		name     string
		policies []Policy
		action   string
		resource string
		want     Decision
	}{
		{"no policies", nil, "sqs:SendMessage", queue, ImplicitDeny},
		{"allowed", []Policy{allowSQS}, "sqs:SendMessage", queue, Allow},
		{"action case-insensitive", []Policy{allowSQS}, "SQS:sendmessage", queue, Allow},
		{"action wildcard", []Policy{allowSQS}, "sqs:GetQueueAttributes", queue, Allow},
		{"action not listed", []Policy{allowSQS}, "sqs:DeleteQueue", queue, ImplicitDeny},
		{"resource case-sensitive", []Policy{allowSQS}, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:KP-dlq", ImplicitDeny},
		{"resource not matched", []Policy{allowSQS}, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:other", ImplicitDeny},
		{"explicit deny wins", []Policy{allowSQS, denyDLQ}, "sqs:SendMessage", queue, ExplicitDeny},
		{"deny order irrelevant", []Policy{denyDLQ, allowSQS}, "sqs:SendMessage", queue, ExplicitDeny},
		{"deny elsewhere", []Policy{allowSQS, denyDLQ}, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:kp-other", Allow},
		{"NotAction allows others", []Policy{notAction}, "s3:PutObject", "arn:aws:s3:::b/k", Allow},
		{"NotAction excludes", []Policy{notAction}, "IAM:CreateRole", "*", ImplicitDeny},
		{"NotResource allows others", []Policy{notResource}, "s3:GetObject", "arn:aws:s3:::public/k", Allow},
		{"NotResource excludes", []Policy{notResource}, "s3:GetObject", "arn:aws:s3:::secret/k", ImplicitDeny},
		{"condition without context does not allow", []Policy{conditional}, "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:0:function:f", ImplicitDeny},
		{"conditional deny without context does not deny", []Policy{allowSQS, conditionalDeny}, "sqs:SendMessage", queue, Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Evaluate(tt.policies, tt.action, tt.resource); got != tt.want {
				t.Fatalf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateRequestConditions(t *testing.T) {
	policy := func(cond string) []Policy {
		return []Policy{MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":`+cond+`}]}`, Identity)}
	}
	ctx := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	tests := []struct {
		name    string
		cond    string
		ctx     map[string][]string
		assumed []string
		want    bool
	}{
		{"StringEquals match", `{"StringEquals":{"aws:SourceAccount":"1"}}`, ctx("aws:SourceAccount", "1"), nil, true},
		{"StringEquals key case-insensitive", `{"StringEquals":{"AWS:sourceaccount":"1"}}`, ctx("aws:SourceAccount", "1"), nil, true},
		{"StringEquals value case-sensitive", `{"StringEquals":{"aws:x":"A"}}`, ctx("aws:x", "a"), nil, false},
		{"StringEquals any of values", `{"StringEquals":{"aws:x":["a","b"]}}`, ctx("aws:x", "b"), nil, true},
		{"StringEquals missing key", `{"StringEquals":{"aws:x":"a"}}`, nil, nil, false},
		{"StringEquals assumed key", `{"StringEquals":{"aws:x":"a"}}`, nil, []string{"AWS:X"}, true},
		{"StringNotEquals different", `{"StringNotEquals":{"aws:x":["a","b"]}}`, ctx("aws:x", "c"), nil, true},
		{"StringNotEquals equal", `{"StringNotEquals":{"aws:x":["a","b"]}}`, ctx("aws:x", "b"), nil, false},
		{"StringNotEquals missing key", `{"StringNotEquals":{"aws:x":"a"}}`, nil, nil, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:x":"ABC"}}`, ctx("aws:x", "abc"), nil, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:x":"ABC"}}`, ctx("aws:x", "abc"), nil, false},
		{"StringLike", `{"StringLike":{"aws:RequestTag/owner":"team-*"}}`, ctx("aws:RequestTag/owner", "team-a"), nil, true},
		{"StringLike no match", `{"StringLike":{"aws:x":"team-?"}}`, ctx("aws:x", "team-ab"), nil, false},
		{"StringNotLike", `{"StringNotLike":{"aws:x":"team-*"}}`, ctx("aws:x", "other"), nil, true},
		{"StringEqualsIfExists missing", `{"StringEqualsIfExists":{"aws:x":"a"}}`, nil, nil, true},
		{"StringEqualsIfExists present mismatch", `{"StringEqualsIfExists":{"aws:x":"a"}}`, ctx("aws:x", "b"), nil, false},
		{"ArnLike", `{"ArnLike":{"aws:SourceArn":"arn:aws:pipes:*:000000000000:pipe/kp-*"}}`,
			ctx("aws:SourceArn", "arn:aws:pipes:us-east-1:000000000000:pipe/kp-1"), nil, true},
		{"ArnLike wrong account", `{"ArnLike":{"aws:SourceArn":"arn:aws:pipes:*:000000000000:pipe/kp-*"}}`,
			ctx("aws:SourceArn", "arn:aws:pipes:us-east-1:111111111111:pipe/kp-1"), nil, false},
		{"ArnLike star does not span parts", `{"ArnLike":{"aws:SourceArn":"arn:aws:pipes:*"}}`,
			ctx("aws:SourceArn", "arn:aws:pipes:us-east-1:1:pipe/p"), nil, false},
		{"ArnEquals", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sqs:us-east-1:1:q"}}`, ctx("aws:SourceArn", "arn:aws:sqs:us-east-1:1:q"), nil, true},
		{"ArnEquals not an arn", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sqs:us-east-1:1:q"}}`, ctx("aws:SourceArn", "q"), nil, false},
		{"ArnNotLike", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sqs:*:*:kp-*"}}`, ctx("aws:SourceArn", "arn:aws:sqs:us-east-1:1:q"), nil, true},
		{"ArnNotEquals", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sqs:us-east-1:1:q"}}`, ctx("aws:SourceArn", "arn:aws:sqs:us-east-1:1:q"), nil, false},
		{"Bool", `{"Bool":{"aws:SecureTransport":true}}`, ctx("aws:SecureTransport", "TRUE"), nil, true},
		{"Bool false", `{"Bool":{"aws:SecureTransport":"false"}}`, ctx("aws:SecureTransport", "true"), nil, false},
		{"Null true missing", `{"Null":{"aws:x":"true"}}`, nil, nil, true},
		{"Null true present", `{"Null":{"aws:x":"true"}}`, ctx("aws:x", "1"), nil, false},
		{"Null false present", `{"Null":{"aws:x":false}}`, ctx("aws:x", "1"), nil, true},
		{"Null false missing", `{"Null":{"aws:x":false}}`, nil, nil, false},
		{"NumericLessThan", `{"NumericLessThan":{"s3:max-keys":10}}`, ctx("s3:max-keys", "9"), nil, true},
		{"NumericLessThan equal", `{"NumericLessThan":{"s3:max-keys":10}}`, ctx("s3:max-keys", "10"), nil, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"s3:max-keys":10}}`, ctx("s3:max-keys", "10"), nil, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "10.5"), nil, true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "9"), nil, false},
		{"NumericEquals", `{"NumericEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "10.0"), nil, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "11"), nil, true},
		{"Numeric not a number", `{"NumericEquals":{"s3:max-keys":"10"}}`, ctx("s3:max-keys", "ten"), nil, false},
		{"DateLessThan", `{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}`, ctx("aws:CurrentTime", "2025-06-01T12:00:00Z"), nil, true},
		{"DateGreaterThan epoch", `{"DateGreaterThan":{"aws:EpochTime":"1700000000"}}`, ctx("aws:EpochTime", "1800000000"), nil, true},
		{"DateEquals plain date", `{"DateEquals":{"aws:CurrentTime":"2025-06-01"}}`, ctx("aws:CurrentTime", "2025-06-01T00:00:00Z"), nil, true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2025-06-01"}}`, ctx("aws:CurrentTime", "2025-06-02"), nil, true},
		{"DateLessThanEquals", `{"DateLessThanEquals":{"aws:CurrentTime":"2025-06-01"}}`, ctx("aws:CurrentTime", "2025-06-01"), nil, true},
		{"DateGreaterThanEquals", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2025-06-01"}}`, ctx("aws:CurrentTime", "2025-05-31"), nil, false},
		{"Date unparsable", `{"DateEquals":{"aws:CurrentTime":"2025-06-01"}}`, ctx("aws:CurrentTime", "yesterday"), nil, false},
		{"IpAddress cidr", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx("aws:SourceIp", "10.1.2.3"), nil, true},
		{"IpAddress single", `{"IpAddress":{"aws:SourceIp":"10.0.0.1"}}`, ctx("aws:SourceIp", "10.0.0.2"), nil, false},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx("aws:SourceIp", "192.168.0.1"), nil, true},
		{"IpAddress bad context", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, ctx("aws:SourceIp", "x"), nil, false},
		{"BinaryEquals", `{"BinaryEquals":{"aws:x":"QUJD"}}`, ctx("aws:x", "QUJD"), nil, true},
		{"ForAnyValue match", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx("aws:TagKeys", "z", "aws:TagKeys", "b"), nil, true},
		{"ForAnyValue none", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, ctx("aws:TagKeys", "z"), nil, false},
		{"ForAnyValue missing", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}`, nil, nil, false},
		{"ForAllValues all", `{"ForAllValues:StringLike":{"aws:TagKeys":["a*","b*"]}}`, ctx("aws:TagKeys", "a1", "aws:TagKeys", "b1"), nil, true},
		{"ForAllValues one outside", `{"ForAllValues:StringLike":{"aws:TagKeys":["a*"]}}`, ctx("aws:TagKeys", "a1", "aws:TagKeys", "b1"), nil, false},
		{"ForAllValues missing", `{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}`, nil, nil, true},
		{"ForAnyValue negated", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"a"}}`, ctx("aws:TagKeys", "a", "aws:TagKeys", "b"), nil, true},
		{"ForAllValues negated", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":"a"}}`, ctx("aws:TagKeys", "a", "aws:TagKeys", "b"), nil, false},
		{"multiple keys all must hold", `{"StringEquals":{"aws:x":"1","aws:y":"2"}}`, ctx("aws:x", "1", "aws:y", "3"), nil, false},
		{"multiple operators all must hold", `{"StringEquals":{"aws:x":"1"},"StringLike":{"aws:y":"2*"}}`, ctx("aws:x", "1", "aws:y", "22"), nil, true},
		{"operator name case-insensitive", `{"stringequals":{"aws:x":"1"}}`, ctx("aws:x", "1"), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EvaluateRequest(policy(tt.cond), Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
				Context: tt.ctx, Assumed: tt.assumed})
			if got.Allowed() != tt.want {
				t.Fatalf("EvaluateRequest = %v, want allowed=%v", got, tt.want)
			}
		})
	}
}

func TestAllowsPrincipal(t *testing.T) {
	lambdaTrust := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, Trust)
	multi := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","pipes.amazonaws.com"]},"Action":"sts:*"}]}`, Trust)
	everyone := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`, Trust)
	awsStar := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, Trust)
	account := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}`, Trust)
	denied := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
		{"Effect":"Deny","Principal":{"Service":"pipes.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, Trust)
	notPrincipal := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"Service":"pipes.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, Trust)
	conditioned := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pipes.amazonaws.com"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"aws:SourceAccount":"000000000000"}}}]}`, Trust)
	tagSession := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:TagSession"}]}`, Trust)

	tests := []struct {
		name    string
		trust   Policy
		service string
		want    bool
	}{
		{"lambda trusts lambda", lambdaTrust, "lambda.amazonaws.com", true},
		{"service compared case-insensitively", lambdaTrust, "Lambda.amazonaws.com", true},
		{"lambda trust refuses pipes", lambdaTrust, "pipes.amazonaws.com", false},
		{"list of services", multi, "pipes.amazonaws.com", true},
		{"star principal", everyone, "pipes.amazonaws.com", true},
		{"AWS star principal", awsStar, "pipes.amazonaws.com", true},
		{"account principal is not a service", account, "lambda.amazonaws.com", false},
		{"explicit deny", denied, "pipes.amazonaws.com", false},
		{"explicit deny for another service", denied, "lambda.amazonaws.com", true},
		{"NotPrincipal excludes", notPrincipal, "pipes.amazonaws.com", false},
		{"NotPrincipal includes others", notPrincipal, "lambda.amazonaws.com", true},
		{"condition without context", conditioned, "pipes.amazonaws.com", false},
		{"other action only", tagSession, "lambda.amazonaws.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AllowsPrincipal(tt.trust, tt.service, "sts:AssumeRole"); got != tt.want {
				t.Fatalf("AllowsPrincipal = %v, want %v", got, tt.want)
			}
		})
	}
	withContext := EvaluateRequest([]Policy{conditioned}, Request{Action: "sts:AssumeRole", PrincipalType: "Service",
		PrincipalID: "pipes.amazonaws.com", Context: map[string][]string{"aws:SourceAccount": {"000000000000"}}})
	if withContext != Allow {
		t.Fatalf("trust with matching condition context = %v, want Allow", withContext)
	}
	identity := MustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`, Identity)
	if AllowsPrincipal(identity, "lambda.amazonaws.com", "sts:AssumeRole") {
		t.Fatal("a statement without Principal must not grant a principal")
	}
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{ImplicitDeny: "ImplicitDeny", Allow: "Allow", ExplicitDeny: "ExplicitDeny"} {
		if d.String() != want {
			t.Errorf("%d.String() = %q, want %q", d, d.String(), want)
		}
	}
}
