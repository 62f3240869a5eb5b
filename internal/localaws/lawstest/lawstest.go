// Package lawstest starts a localaws server with chosen services for a Go test and builds the aws.Config
// real SDK clients use to reach it.
package lawstest

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/sdkhttp"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// Region and AccountID are what servers started by Serve put in ARNs.
const (
	Region    = "us-east-1"
	AccountID = "000000000000"
)

// Serve starts an HTTP server on 127.0.0.1 with the given services, stopped when the test ends. It returns
// the server (for its call counters) and an aws.Config whose clients reach it with dummy credentials.
func Serve(t testing.TB, services ...server.Service) (*server.Server, aws.Config) {
	t.Helper()
	srv := server.New(server.Options{Region: Region, AccountID: AccountID}, services...)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, Config(hs.URL)
}

// Config returns an aws.Config for a localaws endpoint with dummy static credentials. Its HTTP client is
// sdkhttp's, so a call the server has answered is never sent again because the transport closed the
// connection under the response (see package sdkhttp).
func Config(endpoint string) aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   sdkhttp.Wrap(nil),
	}
}

// Timings returns lifecycle timings for tests: the instant profile, so transitions complete at once.
func Timings(t testing.TB) *lifecycle.Timings {
	t.Helper()
	tm, err := lifecycle.NewTimings("instant")
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
