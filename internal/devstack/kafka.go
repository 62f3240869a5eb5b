package devstack

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/mskauth"
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

// Produce writes one record per value to a KafkaPipeline's topic through the bootstrap brokers in its
// status, over TLS with SASL/OAUTHBEARER and an IAM token from the stack's AWS credentials, as an MSK
// Serverless client would. It returns where each record landed, in the order of values.
func (s *Stack) Produce(ctx context.Context, kp *v1alpha1.KafkaPipeline, values ...[]byte) ([]Produced, error) {
	return s.produce(ctx, kp, nil, values)
}

// ProduceTo writes values to one partition of the pipeline's topic, as Produce does.
func (s *Stack) ProduceTo(ctx context.Context, kp *v1alpha1.KafkaPipeline, partition int32, values ...[]byte) ([]Produced, error) {
	return s.produce(ctx, kp, &partition, values)
}

// produce writes values to the pipeline's topic: to one partition, or where the client's partitioner puts
// them when partition is nil.
func (s *Stack) produce(ctx context.Context, kp *v1alpha1.KafkaPipeline, partition *int32, values [][]byte) ([]Produced, error) {
	bootstrap, topic := kp.Status.Cluster.BootstrapBrokers, kp.Spec.Topic.Name
	opts := []kgo.Opt{kgo.DefaultProduceTopic(topic)}
	if partition != nil {
		opts = append(opts, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	}
	cl, err := s.kafkaClient(kp, opts...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	records := make([]*kgo.Record, len(values))
	for i, v := range values {
		records[i] = &kgo.Record{Value: v}
		if partition != nil {
			records[i].Partition = *partition
		}
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

// kafkaClient is a franz-go client of a KafkaPipeline's cluster, authenticating with an IAM token for the
// pipeline's region from the stack's AWS credentials and trusting localaws's CA. With the VPC boundary it
// is a client inside the cluster's VPC (localaws's KafkaClientOpts), as a producer on AWS would be: the
// brokers are not reachable from this process.
func (s *Stack) kafkaClient(kp *v1alpha1.KafkaPipeline, opts ...kgo.Opt) (*kgo.Client, error) {
	region, bootstrap := kp.Spec.Region, kp.Status.Cluster.BootstrapBrokers
	if region == "" {
		region = s.Region
	}
	base := mskauth.ClientOpts(s.AWS.Credentials, region, s.kafkaRoots())
	if s.vpcBoundary {
		base = s.Local.KafkaClientOpts(kp.Status.Cluster.ARN)
	}
	opts = append(append(base, kgo.SeedBrokers(strings.Split(bootstrap, ",")...)), opts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating a Kafka client for %s: %w", bootstrap, err)
	}
	return cl, nil
}

// kafkaRoots trusts localaws's CA, the one the brokers' certificates chain to.
func (s *Stack) kafkaRoots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.Local.KafkaCA)
	return pool
}
