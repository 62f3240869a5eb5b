package brokers

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Mechanisms MSK Serverless's IAM listener offers, in the order SaslHandshake lists them.
const (
	// MechanismIAM is AWS_MSK_IAM: a JSON map of SigV4 query parameters (aws-msk-iam-auth, franz-go).
	MechanismIAM = "AWS_MSK_IAM"
	// MechanismOAuthBearer is OAUTHBEARER with a token from aws-msk-iam-sasl-signer-*: a base64url
	// presigned URL.
	MechanismOAuthBearer = "OAUTHBEARER"
)

// Facts of MSK's IAM signatures.
const (
	iamPayloadVersion = "2020_10_22"
	connectAction     = "kafka-cluster:Connect"
	signingService    = "kafka-cluster"
	sigV4Algorithm    = "AWS4-HMAC-SHA256"
	amzDateLayout     = "20060102T150405Z"
	// maxExpires is SigV4's longest presigned validity (7 days).
	maxExpires = 7 * 24 * 60 * 60
	// clockSkew is how far in the future a signature's date may lie, as AWS allows.
	clockSkew = 15 * time.Minute
)

var hexSignature = regexp.MustCompile(`^[0-9a-f]{64}$`)

// CheckIAMPayload checks an AWS_MSK_IAM authentication payload for a cluster in region at time now:
// version 2020_10_22, a host, and the SigV4 parameters CheckSigV4 checks. Signatures are not verified
// against a secret: any credentials work, as everywhere in localaws.
func CheckIAMPayload(b []byte, region string, now time.Time) error {
	var p map[string]string
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("the payload is not a JSON object of strings: %w", err)
	}
	var errs []error
	if p["version"] != iamPayloadVersion {
		errs = append(errs, fmt.Errorf("version %q is not %s", p["version"], iamPayloadVersion))
	}
	if p["host"] == "" {
		errs = append(errs, errors.New("the payload has no host"))
	}
	return errors.Join(append(errs, CheckSigV4(p, region, now))...)
}

// CheckOAuthBearer checks the client's first OAUTHBEARER message (RFC 7628: a GS2 header, then
// "auth=Bearer <token>" between ^A separators) for a cluster in region at time now. The token is MSK's:
// the unpadded base64url of a presigned https://kafka.<region>.amazonaws.com/ URL whose query carries the
// parameters CheckSigV4 checks.
func CheckOAuthBearer(msg []byte, region string, now time.Time) error {
	token, err := bearerToken(string(msg))
	if err != nil {
		return err
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "="))
	if err != nil {
		return fmt.Errorf("the token is not base64url: %w", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil || u.Scheme != "https" {
		return fmt.Errorf("the token is not a presigned https URL")
	}
	var errs []error
	if want := "kafka." + region + ".amazonaws.com"; u.Hostname() != want && u.Hostname() != want+".cn" {
		errs = append(errs, fmt.Errorf("the token is signed for host %q, not the cluster's region's %s", u.Hostname(), want))
	}
	params := map[string]string{}
	for k, v := range u.Query() {
		params[strings.ToLower(k)] = v[0]
	}
	return errors.Join(append(errs, CheckSigV4(params, region, now))...)
}

// bearerToken extracts the token of an OAUTHBEARER client first message.
func bearerToken(msg string) (string, error) {
	gs2, rest, ok := strings.Cut(msg, "\x01")
	if !ok || (!strings.HasPrefix(gs2, "n,") && !strings.HasPrefix(gs2, "y,")) {
		return "", errors.New("the message is not an OAUTHBEARER client first message")
	}
	for kv := range strings.SplitSeq(rest, "\x01") {
		if v, ok := strings.CutPrefix(kv, "auth="); ok {
			scheme, token, _ := strings.Cut(v, " ")
			if !strings.EqualFold(scheme, "Bearer") || token == "" {
				return "", fmt.Errorf("the auth value is not a Bearer token")
			}
			return token, nil
		}
	}
	return "", errors.New("the message has no auth=Bearer token")
}

// CheckSigV4 checks SigV4 query parameters (keys lower-cased) as MSK does before it checks the
// signature itself: action kafka-cluster:Connect, algorithm AWS4-HMAC-SHA256, a credential scope for the
// kafka-cluster service in the cluster's region on the signing date, a signature, and a validity
// (x-amz-date plus x-amz-expires) that includes now.
func CheckSigV4(p map[string]string, region string, now time.Time) error {
	var errs []error
	if p["action"] != connectAction {
		errs = append(errs, fmt.Errorf("action %q is not %s", p["action"], connectAction))
	}
	if p["x-amz-algorithm"] != sigV4Algorithm {
		errs = append(errs, fmt.Errorf("algorithm %q is not %s", p["x-amz-algorithm"], sigV4Algorithm))
	}
	if !hexSignature.MatchString(p["x-amz-signature"]) {
		errs = append(errs, errors.New("x-amz-signature is not a SigV4 signature"))
	}
	date, err := time.Parse(amzDateLayout, p["x-amz-date"])
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("x-amz-date %q is not a SigV4 date", p["x-amz-date"]))...)
	}
	scope := strings.Split(p["x-amz-credential"], "/")
	switch {
	case len(scope) != 5 || scope[0] == "" || scope[4] != "aws4_request":
		errs = append(errs, fmt.Errorf("x-amz-credential %q is not a SigV4 credential", p["x-amz-credential"]))
	case scope[3] != signingService:
		errs = append(errs, fmt.Errorf("the credential is scoped to service %q, not %s", scope[3], signingService))
	case scope[2] != region:
		errs = append(errs, fmt.Errorf("the credential is scoped to region %q, not the cluster's %s", scope[2], region))
	case scope[1] != date.Format("20060102"):
		errs = append(errs, fmt.Errorf("the credential's date %s is not the signing date %s", scope[1], date.Format("20060102")))
	}
	expires, err := strconv.Atoi(p["x-amz-expires"])
	switch {
	case err != nil || expires < 1 || expires > maxExpires:
		errs = append(errs, fmt.Errorf("x-amz-expires %q is not between 1 and %d seconds", p["x-amz-expires"], maxExpires))
	case now.After(date.Add(time.Duration(expires) * time.Second)):
		errs = append(errs, fmt.Errorf("the signature expired at %s", date.Add(time.Duration(expires)*time.Second).Format(time.RFC3339)))
	case date.After(now.Add(clockSkew)):
		errs = append(errs, fmt.Errorf("the signature is dated %s, in the future", date.Format(time.RFC3339)))
	}
	return errors.Join(errs...)
}
