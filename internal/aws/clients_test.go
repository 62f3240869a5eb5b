package aws

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/sdkhttp"
)

// Every client sends through sdkhttp's guard (Wrap gives a guarded client back unchanged), and without an
// HTTP client in the configuration they share one.
func TestNewClientsGuardTheirHTTPClient(t *testing.T) {
	cl := NewClients(aws.Config{Region: "us-east-1"})
	clients := []aws.HTTPClient{cl.Lambda.(*lambda.Client).Options().HTTPClient,
		cl.SQS.(*sqs.Client).Options().HTTPClient, cl.EC2.(*ec2.Client).Options().HTTPClient}
	for i, c := range clients {
		if sdkhttp.Wrap(c) != c {
			t.Fatalf("client %d sends through an unguarded HTTP client %T", i, c)
		}
		if c != clients[0] {
			t.Fatalf("client %d has its own HTTP client", i)
		}
	}
}
