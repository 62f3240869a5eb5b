package devstack

import (
	"context"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	awssasl "github.com/twmb/franz-go/pkg/sasl/aws"
)

// Produced is a record written to a topic, where it landed.
type Produced struct {
	// Partition and Offset locate the record.
	Partition int32
	Offset    int64
	// Value is the record's value.
	Value []byte
}

// Produce writes one record per value to topic through the bootstrap brokers (comma-separated host:port,
// as a KafkaPipeline's status.cluster.bootstrapBrokers gives them), authenticating with AWS_MSK_IAM SASL
// from the stack's AWS credentials as an MSK Serverless client would. It returns where each record landed,
// in the order of values.
func (s *Stack) Produce(ctx context.Context, bootstrap, topic string, values ...[]byte) ([]Produced, error) {
	creds := s.AWS.Credentials
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...), kgo.DefaultProduceTopic(topic),
		kgo.SASL(awssasl.ManagedStreamingIAM(func(ctx context.Context) (awssasl.Auth, error) {
			c, err := creds.Retrieve(ctx)
			if err != nil {
				return awssasl.Auth{}, fmt.Errorf("retrieving AWS credentials for the Kafka IAM authentication: %w", err)
			}
			return awssasl.Auth{AccessKey: c.AccessKeyID, SecretKey: c.SecretAccessKey, SessionToken: c.SessionToken}, nil
		})))
	if err != nil {
		return nil, fmt.Errorf("creating a Kafka client for %s: %w", bootstrap, err)
	}
	defer cl.Close()
	records := make([]*kgo.Record, len(values))
	for i, v := range values {
		records[i] = &kgo.Record{Value: v}
	}
	if err := cl.ProduceSync(ctx, records...).FirstErr(); err != nil {
		return nil, fmt.Errorf("producing to %s on %s: %w", topic, bootstrap, err)
	}
	out := make([]Produced, len(records))
	for i, r := range records {
		out[i] = Produced{Partition: r.Partition, Offset: r.Offset, Value: r.Value}
	}
	return out, nil
}
