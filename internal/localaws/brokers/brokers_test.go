package brokers

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	awssasl "github.com/twmb/franz-go/pkg/sasl/aws"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

func startPool(t *testing.T) (*Pool, []string) {
	t.Helper()
	p := NewPool(nil)
	t.Cleanup(p.Close)
	bootstrap, err := p.Start("arn:aws:kafka:us-east-1:000000000000:cluster/c/1234-s1")
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
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...), kgo.RequestRetries(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func TestIAMClientCreatesTopicAndProduces(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	_, brokers := startPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl := client(t, brokers, kgo.SASL(awssasl.Auth{AccessKey: "test", SecretKey: "test"}.AsManagedStreamingIAMMechanism()),
		kgo.DefaultProduceTopic("test-topic"))
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 3, 3, nil, "test-topic"); err != nil {
		t.Fatalf("CreateTopic with replication factor 3: %v", err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(`{"message": "Hello Kafka"}`)}).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
	offsets, err := adm.ListEndOffsets(ctx, "test-topic")
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	offsets.Each(func(o kadm.ListedOffset) { total += o.Offset })
	if total != 1 {
		t.Fatalf("end offsets sum to %d, want 1", total)
	}
}

func TestOtherMechanismsAreRefused(t *testing.T) {
	_, brokers := startPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl := client(t, brokers, kgo.SASL(plain.Auth{User: "u", Pass: "p"}.AsMechanism()))
	_, err := kadm.NewClient(cl).ListTopics(ctx)
	if !errors.Is(err, kerr.UnsupportedSaslMechanism) {
		t.Fatalf("PLAIN: err = %v, want UNSUPPORTED_SASL_MECHANISM", err)
	}
}

func TestPlainClientsAndNoAutoCreation(t *testing.T) {
	p, brokers := startPool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	adm := kadm.NewClient(client(t, brokers))
	topics, err := adm.ListTopics(ctx, "missing")
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(topics["missing"].Err, kerr.UnknownTopicOrPartition) {
		t.Fatalf("a missing topic must not be auto-created: %+v", topics["missing"])
	}
	p.Stop("arn:aws:kafka:us-east-1:000000000000:cluster/c/1234-s1")
	if _, ok := p.Cluster("arn:aws:kafka:us-east-1:000000000000:cluster/c/1234-s1"); ok {
		t.Fatal("stopped cluster still listed")
	}
}

func TestCheckPayload(t *testing.T) {
	good := `{"version":"2020_10_22","action":"kafka-cluster:Connect","host":"h","x-amz-date":"d","x-amz-signature":"s",
		"x-amz-credential":"AKID/20260101/us-east-1/kafka-cluster/aws4_request"}`
	if err := CheckPayload([]byte(good)); err != nil {
		t.Fatalf("good payload refused: %v", err)
	}
	for name, bad := range map[string]string{
		"not json":      `nope`,
		"wrong version": strings.Replace(good, "2020_10_22", "2019", 1),
		"wrong action":  strings.Replace(good, "kafka-cluster:Connect", "kafka-cluster:ReadData", 1),
		"wrong service": strings.Replace(good, "/kafka-cluster/", "/kafka/", 1),
		"no signature":  strings.Replace(good, `"x-amz-signature":"s"`, `"x":"s"`, 1),
	} {
		if err := CheckPayload([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
