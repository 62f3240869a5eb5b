package aws

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/sdkhttp"
)

// Clients are the service clients of one region.
type Clients struct {
	// Region the clients talk to.
	Region string
	// AccountID is the account the credentials belong to, when known in advance; otherwise Account learns
	// it from STS on first need. Read it through Account.
	AccountID string
	accountMu sync.Mutex

	// Kafka is the MSK client.
	Kafka KafkaAPI
	// Pipes is the EventBridge Pipes client.
	Pipes PipesAPI
	// Lambda is the Lambda client.
	Lambda LambdaAPI
	// SQS is the SQS client.
	SQS SQSAPI
	// IAM is the IAM client.
	IAM IAMAPI
	// STS is the STS client.
	STS STSAPI
	// Logs is the CloudWatch Logs client.
	Logs LogsAPI
	// EC2 is the EC2 client.
	EC2 EC2API
}

// NewClients builds every service client from one aws.Config. They send through sdkhttp's guard, so an
// operation the service has carried out is not sent again because the transport closed the connection under
// its answer; without an HTTP client in cfg they share one default client.
func NewClients(cfg aws.Config) *Clients {
	cfg.HTTPClient = sdkhttp.Wrap(cfg.HTTPClient)
	return &Clients{
		Region: cfg.Region,
		Kafka:  kafka.NewFromConfig(cfg),
		Pipes:  pipes.NewFromConfig(cfg),
		Lambda: lambda.NewFromConfig(cfg),
		SQS:    sqs.NewFromConfig(cfg),
		IAM:    iam.NewFromConfig(cfg),
		STS:    sts.NewFromConfig(cfg),
		Logs:   cloudwatchlogs.NewFromConfig(cfg),
		EC2:    ec2.NewFromConfig(cfg),
	}
}

// ClientCache builds the clients of a region on first use and keeps them: objects may name their own region.
type ClientCache struct {
	base     aws.Config
	mu       sync.Mutex
	byRegion map[string]*Clients
}

// NewClientCache returns a cache over a base configuration whose Region is the default.
func NewClientCache(base aws.Config) *ClientCache {
	return &ClientCache{base: base, byRegion: map[string]*Clients{}}
}

// DefaultRegion is the region of objects that name none.
func (c *ClientCache) DefaultRegion() string { return c.base.Region }

// For returns the clients of a region ("" means the default). It calls no AWS API: the account is learned
// when a part first needs it (Account), so an object that only waits costs no call.
func (c *ClientCache) For(region string) *Clients {
	if region == "" {
		region = c.base.Region
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.byRegion[region]; ok {
		return cl
	}
	cfg := c.base.Copy()
	cfg.Region = region
	cl := NewClients(cfg)
	c.byRegion[region] = cl
	return cl
}

// Account returns the account the credentials belong to: AccountID when set, else learned once from STS
// GetCallerIdentity (a failure is not kept, so the next call asks again).
func (c *Clients) Account(ctx context.Context) (string, error) {
	c.accountMu.Lock()
	defer c.accountMu.Unlock()
	if c.AccountID != "" {
		return c.AccountID, nil
	}
	id, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("learning the AWS account of region %s: %w", c.Region, err)
	}
	c.AccountID = aws.ToString(id.Account)
	return c.AccountID, nil
}
