package brokers

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-msk-iam-sasl-signer-go/signer"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	awssasl "github.com/twmb/franz-go/pkg/sasl/aws"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

const testARN = "arn:aws:kafka:us-east-1:000000000000:cluster/c/1234-s1"

func startPool(t *testing.T, cfg Config) (*Pool, []string) {
	t.Helper()
	p, err := NewPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	bootstrap, err := p.Start(testARN)
	if err != nil {
		t.Fatal(err)
	}
	brokers := strings.Split(bootstrap, ",")
	if len(brokers) != 3 || !strings.HasPrefix(brokers[0], "127.0.0.1:") {
		t.Fatalf("bootstrap = %q, want three 127.0.0.1 brokers", bootstrap)
	}
	return p, brokers
}

func client(t *testing.T, brokers []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...), kgo.RequestRetries(0),
		kgo.RetryTimeout(5 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func trust(p *Pool) kgo.Opt {
	return kgo.DialTLSConfig(&tls.Config{RootCAs: p.Authority().Pool(), MinVersion: tls.VersionTLS12})
}

func iamSASL() kgo.Opt {
	return kgo.SASL(awssasl.Auth{AccessKey: "test", SecretKey: "test"}.AsManagedStreamingIAMMechanism())
}

func signerSASL(region string) kgo.Opt {
	return kgo.SASL(oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
		token, _, err := signer.GenerateAuthTokenFromCredentialsProvider(ctx, region,
			credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""))
		return oauth.Auth{Token: token}, err
	}))
}

func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// produceAndCount creates a topic, produces a record and returns the sum of the end offsets.
func produceAndCount(t *testing.T, cl *kgo.Client, topic string) int64 {
	t.Helper()
	ctx := ctx10(t)
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, topic); err != nil {
		t.Fatalf("CreateTopic with replication factor 3: %v", err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte(`{"message": "Hello Kafka"}`)}).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
	offsets, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	offsets.Each(func(o kadm.ListedOffset) { total += o.Offset })
	return total
}

func TestAWSMSKIAMOverTLS(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	p, brokers := startPool(t, Config{})
	if n := produceAndCount(t, client(t, brokers, trust(p), iamSASL()), "test-topic"); n != 1 {
		t.Fatalf("end offsets sum to %d, want 1", n)
	}
}

func TestOAuthBearerWithAWSSignerOverTLS(t *testing.T) {
	p, brokers := startPool(t, Config{})
	cl := client(t, brokers, trust(p), signerSASL("us-east-1"))
	if n := produceAndCount(t, cl, "oauth-topic"); n != 1 {
		t.Fatalf("end offsets sum to %d, want 1", n)
	}
}

func TestPlaintextIsRefusedUnlessEnabled(t *testing.T) {
	_, brokers := startPool(t, Config{})
	if _, err := kadm.NewClient(client(t, brokers)).ListTopics(ctx10(t)); err == nil {
		t.Fatal("a plaintext client was served by default")
	}
	_, open := startPool(t, Config{Plaintext: true})
	adm := kadm.NewClient(client(t, open))
	topics, err := adm.ListTopics(ctx10(t), "missing")
	if err != nil {
		t.Fatalf("plaintext with Plaintext set: %v", err)
	}
	if !errors.Is(topics["missing"].Err, kerr.UnknownTopicOrPartition) {
		t.Fatalf("a missing topic must not be auto-created: %+v", topics["missing"])
	}
}

func TestTLSWithoutSASLIsRefused(t *testing.T) {
	p, brokers := startPool(t, Config{Plaintext: true})
	if _, err := kadm.NewClient(client(t, brokers, trust(p))).ListTopics(ctx10(t)); err == nil {
		t.Fatal("a TLS client that skipped SASL was served")
	}
}

func TestOtherMechanismsAreRefused(t *testing.T) {
	p, brokers := startPool(t, Config{})
	cl := client(t, brokers, trust(p), kgo.SASL(plain.Auth{User: "u", Pass: "p"}.AsMechanism()))
	_, err := kadm.NewClient(cl).ListTopics(ctx10(t))
	if !errors.Is(err, kerr.UnsupportedSaslMechanism) {
		t.Fatalf("PLAIN: err = %v, want UNSUPPORTED_SASL_MECHANISM", err)
	}
}

func TestRefusedSignaturesAnswerSaslAuthenticationFailed(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	later := func() time.Time { return time.Now().Add(time.Hour) }
	for name, tc := range map[string]struct {
		cfg        Config
		sasl       kgo.Opt
		awsRegion  string
		wantReason string
	}{
		"AWS_MSK_IAM expired":      {cfg: Config{Now: later}, sasl: iamSASL(), awsRegion: "us-east-1", wantReason: "expired"},
		"AWS_MSK_IAM other region": {sasl: iamSASL(), awsRegion: "eu-west-1", wantReason: `region "eu-west-1"`},
		"OAUTHBEARER expired":      {cfg: Config{Now: later}, sasl: signerSASL("us-east-1"), wantReason: "expired"},
		"OAUTHBEARER other region": {sasl: signerSASL("eu-west-1"), wantReason: `region "eu-west-1"`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("AWS_REGION", tc.awsRegion)
			p, brokers := startPool(t, tc.cfg)
			_, err := kadm.NewClient(client(t, brokers, trust(p), tc.sasl)).ListTopics(ctx10(t))
			if !errors.Is(err, kerr.SaslAuthenticationFailed) || !strings.Contains(err.Error(), tc.wantReason) {
				t.Errorf("err = %v, want SASL_AUTHENTICATION_FAILED saying %q", err, tc.wantReason)
			}
		})
	}
}

// rawConn is a TLS connection to a broker for speaking the protocol by hand.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func dialRaw(t *testing.T, p *Pool, addr string) *rawConn {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: p.Authority().Pool(), MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("TLS dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t: t, conn: conn, r: bufio.NewReader(conn)}
}

func (c *rawConn) send(b []byte) {
	if _, err := c.conn.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// frame reads one size-prefixed frame without its size, or returns the read error.
func (c *rawConn) frame() ([]byte, error) {
	size := make([]byte, 4)
	if _, err := io.ReadFull(c.r, size); err != nil {
		return nil, err
	}
	body := make([]byte, binary.BigEndian.Uint32(size))
	_, err := io.ReadFull(c.r, body)
	return body, err
}

func (c *rawConn) roundTrip(req kmsg.Request) kmsg.Response {
	c.t.Helper()
	c.send(kmsg.NewRequestFormatter(kmsg.FormatterClientID("test")).AppendRequest(nil, req, 7))
	body, err := c.frame()
	if err != nil {
		c.t.Fatalf("reading the answer to %s: %v", kmsg.NameForKey(req.Key()), err)
	}
	resp := req.ResponseKind()
	body = body[4:]
	if resp.IsFlexible() && req.Key() != 18 {
		body = body[1:]
	}
	if err := resp.ReadFrom(body); err != nil {
		c.t.Fatal(err)
	}
	return resp
}

func TestApiVersionsAndHandshakeAsApacheKafka(t *testing.T) {
	p, brokers := startPool(t, Config{})
	c := dialRaw(t, p, brokers[0])
	for _, v := range []int16{0, 3} {
		av := kmsg.NewPtrApiVersionsRequest()
		av.Version, av.ClientSoftwareName, av.ClientSoftwareVersion = v, "test", "1"
		resp := c.roundTrip(av).(*kmsg.ApiVersionsResponse)
		var found bool
		for _, k := range resp.ApiKeys {
			if k.ApiKey == 17 {
				found = true
				if k.MinVersion != 0 || k.MaxVersion != 1 {
					t.Errorf("ApiVersions v%d advertises SaslHandshake v%d-%d, want v0-1", v, k.MinVersion, k.MaxVersion)
				}
			}
		}
		if !found {
			t.Errorf("ApiVersions v%d does not list SaslHandshake", v)
		}
	}
	hs := kmsg.NewPtrSASLHandshakeRequest()
	hs.Version, hs.Mechanism = 1, "SCRAM-SHA-512"
	h := c.roundTrip(hs).(*kmsg.SASLHandshakeResponse)
	if h.ErrorCode != kerr.UnsupportedSaslMechanism.Code || strings.Join(h.SupportedMechanisms, ",") != "AWS_MSK_IAM,OAUTHBEARER" {
		t.Errorf("SCRAM handshake = %d %v, want UNSUPPORTED_SASL_MECHANISM listing AWS_MSK_IAM,OAUTHBEARER", h.ErrorCode, h.SupportedMechanisms)
	}
	hs.Mechanism = "OAUTHBEARER"
	if h := c.roundTrip(hs).(*kmsg.SASLHandshakeResponse); h.ErrorCode != 0 || strings.Join(h.SupportedMechanisms, ",") != "AWS_MSK_IAM,OAUTHBEARER" {
		t.Errorf("OAUTHBEARER handshake = %d %v, want success listing AWS_MSK_IAM,OAUTHBEARER", h.ErrorCode, h.SupportedMechanisms)
	}
}

func TestRequestsBeforeAuthenticationCloseTheConnection(t *testing.T) {
	p, brokers := startPool(t, Config{})
	c := dialRaw(t, p, brokers[0])
	c.send(kmsg.NewRequestFormatter().AppendRequest(nil, kmsg.NewPtrMetadataRequest(), 1))
	if body, err := c.frame(); err == nil {
		t.Fatalf("Metadata before SASL answered with %d bytes, want the connection closed", len(body))
	}
}

func TestHandshakeV0ThenUnframedToken(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	p, brokers := startPool(t, Config{})
	c := dialRaw(t, p, brokers[0])
	hs := kmsg.NewPtrSASLHandshakeRequest()
	hs.Version, hs.Mechanism = 0, "AWS_MSK_IAM"
	if h := c.roundTrip(hs).(*kmsg.SASLHandshakeResponse); h.ErrorCode != 0 {
		t.Fatalf("handshake v0: error %d", h.ErrorCode)
	}
	_, payload, err := awssasl.Auth{AccessKey: "test", SecretKey: "test"}.AsManagedStreamingIAMMechanism().Authenticate(context.Background(), brokers[0])
	if err != nil {
		t.Fatal(err)
	}
	c.send(append(binary.BigEndian.AppendUint32(nil, uint32(len(payload))), payload...))
	answer, err := c.frame()
	if err != nil {
		t.Fatalf("reading the unframed answer: %v", err)
	}
	var m map[string]string
	if json.Unmarshal(answer, &m) != nil || m["version"] != "2020_10_22" {
		t.Fatalf("answer %q is not MSK's", answer)
	}
	md := c.roundTrip(kmsg.NewPtrMetadataRequest()).(*kmsg.MetadataResponse)
	if len(md.Brokers) != 3 {
		t.Fatalf("metadata after authentication lists %d brokers", len(md.Brokers))
	}
}

func TestCertificateListsLoopbackNames(t *testing.T) {
	p, brokers := startPool(t, Config{})
	_, port, _ := net.SplitHostPort(brokers[0])
	conn, err := tls.Dial("tcp", net.JoinHostPort("127.0.0.1", port), &tls.Config{ServerName: "localhost", RootCAs: p.Authority().Pool()})
	if err != nil {
		t.Fatalf("a client verifying the name localhost: %v", err)
	}
	_ = conn.Close()
}

func sigV4Params(now time.Time) map[string]string {
	return map[string]string{"action": "kafka-cluster:Connect", "x-amz-algorithm": "AWS4-HMAC-SHA256",
		"x-amz-credential": "AKID/" + now.UTC().Format("20060102") + "/us-east-1/kafka-cluster/aws4_request",
		"x-amz-date":       now.UTC().Format("20060102T150405Z"), "x-amz-expires": "900",
		"x-amz-signature": strings.Repeat("ab", 32)}
}

func TestCheckSigV4(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := CheckSigV4(sigV4Params(now), "us-east-1", now); err != nil {
		t.Fatalf("good parameters refused: %v", err)
	}
	for name, tc := range map[string]struct {
		key, value string
		at         time.Time
		want       string
	}{
		"expired":       {at: now.Add(901 * time.Second), want: "expired"},
		"in the future": {at: now.Add(-time.Hour), want: "in the future"},
		"other region":  {key: "x-amz-credential", value: "AKID/20260301/eu-west-1/kafka-cluster/aws4_request", want: `region "eu-west-1"`},
		"other service": {key: "x-amz-credential", value: "AKID/20260301/us-east-1/kafka/aws4_request", want: `service "kafka"`},
		"other date":    {key: "x-amz-credential", value: "AKID/20260302/us-east-1/kafka-cluster/aws4_request", want: "signing date"},
		"other action":  {key: "action", value: "kafka-cluster:ReadData", want: "action"},
		"algorithm":     {key: "x-amz-algorithm", value: "AWS4-ECDSA-P256-SHA256", want: "algorithm"},
		"no signature":  {key: "x-amz-signature", value: "", want: "x-amz-signature"},
		"expires":       {key: "x-amz-expires", value: "604801", want: "x-amz-expires"},
		"no date":       {key: "x-amz-date", value: "yesterday", want: "x-amz-date"},
	} {
		p := sigV4Params(now)
		if tc.key != "" {
			p[tc.key] = tc.value
		}
		at := now
		if !tc.at.IsZero() {
			at = tc.at
		}
		if err := CheckSigV4(p, "us-east-1", at); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one mentioning %q", name, err, tc.want)
		}
	}
}

func TestCheckIAMPayload(t *testing.T) {
	now := time.Now()
	p := sigV4Params(now)
	p["version"], p["host"] = "2020_10_22", "127.0.0.1"
	good, _ := json.Marshal(p)
	if err := CheckIAMPayload(good, "us-east-1", now); err != nil {
		t.Fatalf("good payload refused: %v", err)
	}
	for name, bad := range map[string]string{
		"not json":      `nope`,
		"wrong version": strings.Replace(string(good), "2020_10_22", "2019", 1),
		"no host":       strings.Replace(string(good), `"host":"127.0.0.1"`, `"x":"1"`, 1),
	} {
		if err := CheckIAMPayload([]byte(bad), "us-east-1", now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCheckOAuthBearer(t *testing.T) {
	now := time.Now()
	token, _, err := signer.GenerateAuthTokenFromCredentialsProvider(context.Background(), "us-east-1",
		credentials.NewStaticCredentialsProvider("AKID", "secret", "session"))
	if err != nil {
		t.Fatal(err)
	}
	msg := func(tok string) []byte { return []byte("n,,\x01auth=Bearer " + tok + "\x01\x01") }
	if err := CheckOAuthBearer(msg(token), "us-east-1", now); err != nil {
		t.Fatalf("the signer's token refused: %v", err)
	}
	wrongHost := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(mustDecode(t, token), "kafka.us-east-1.", "kafka.eu-west-1.", 1)))
	for name, bad := range map[string][]byte{
		"other region":  nil,
		"host":          msg(wrongHost),
		"not base64":    msg("!!!"),
		"no bearer":     []byte("n,,\x01auth=Basic abc\x01\x01"),
		"no gs2 header": []byte("auth=Bearer " + token),
		"unsecured jwt": msg("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
	} {
		region := "us-east-1"
		if name == "other region" {
			bad, region = msg(token), "eu-west-1"
		}
		if err := CheckOAuthBearer(bad, region, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func mustDecode(t *testing.T, token string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestStopForgetsTheCluster(t *testing.T) {
	p, _ := startPool(t, Config{})
	p.Stop(testARN)
	if _, ok := p.Cluster(testARN); ok {
		t.Fatal("stopped cluster still listed")
	}
}
