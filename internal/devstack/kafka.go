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
	// Topic, Partition and Offset locate the record.
	Topic     string
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
	cl, err := s.kafkaClient(bootstrap, kgo.DefaultProduceTopic(topic))
	if err != nil {
		return nil, err
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
		out[i] = Produced{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Value: r.Value}
	}
	return out, nil
}

// kafkaClient is a franz-go client of the bootstrap brokers authenticating with AWS_MSK_IAM from the
// stack's AWS credentials.
func (s *Stack) kafkaClient(bootstrap string, opts ...kgo.Opt) (*kgo.Client, error) {
	creds := s.AWS.Credentials
	opts = append([]kgo.Opt{kgo.SeedBrokers(strings.Split(bootstrap, ",")...),
		kgo.SASL(awssasl.ManagedStreamingIAM(func(ctx context.Context) (awssasl.Auth, error) {
			c, err := creds.Retrieve(ctx)
			if err != nil {
				return awssasl.Auth{}, fmt.Errorf("retrieving AWS credentials for the Kafka IAM authentication: %w", err)
			}
			return awssasl.Auth{AccessKey: c.AccessKeyID, SecretKey: c.SecretAccessKey, SessionToken: c.SessionToken}, nil
		}))}, opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating a Kafka client for %s: %w", bootstrap, err)
	}
	return cl, nil
}
