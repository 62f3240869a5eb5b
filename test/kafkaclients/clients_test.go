package kafkaclients

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-msk-iam-sasl-signer-go/signer"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	kafkasdk "github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	awssasl "github.com/twmb/franz-go/pkg/sasl/aws"
	"github.com/twmb/franz-go/pkg/sasl/oauth"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
)

// region is the cluster's region: not localaws's default, so every client must sign for the right one.
const region = "eu-west-1"

// records is how many records each client produces and then consumes.
const records = 5

// cluster is the localaws cluster every check uses.
var cluster struct {
	bootstrap string
	caFile    string
	roots     *x509.CertPool
	admin     *kadm.Client
}

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kafkaclients:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "kafkaclients")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	inst, err := localaws.Start(context.Background(), localaws.Options{Addr: "127.0.0.1:0", Profile: "instant", DataDir: dir})
	if err != nil {
		return 0, err
	}
	defer inst.Stop()
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIDKAFKACLIENTS", "AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_REGION": region, "AWS_ENDPOINT_URL": inst.Endpoint} {
		if err := os.Setenv(k, v); err != nil {
			return 0, err
		}
	}
	cluster.caFile = inst.KafkaCAFile
	cluster.roots = x509.NewCertPool()
	cluster.roots.AppendCertsFromPEM(inst.KafkaCA)
	arn, err := createCluster(ctx, inst.Endpoint)
	if err != nil {
		return 0, err
	}
	admin, err := kgo.NewClient(append(inst.KafkaClientOpts(arn), kgo.SeedBrokers(strings.Split(cluster.bootstrap, ",")...))...)
	if err != nil {
		return 0, err
	}
	defer admin.Close()
	cluster.admin = kadm.NewClient(admin)
	return m.Run(), nil
}

// createCluster creates an MSK Serverless cluster (and the network it needs) through the AWS SDK and
// waits for its bootstrap brokers.
func createCluster(ctx context.Context, endpoint string) (string, error) {
	cfg := lawstest.Config(endpoint)
	cfg.Region = region
	ec2c, kafkac := ec2sdk.NewFromConfig(cfg), kafkasdk.NewFromConfig(cfg)
	vpc, err := ec2c.CreateVpc(ctx, &ec2sdk.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		return "", fmt.Errorf("CreateVpc: %w", err)
	}
	var subnets []string
	for i, zone := range []string{region + "a", region + "b"} {
		sn, err := ec2c.CreateSubnet(ctx, &ec2sdk.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, AvailabilityZone: aws.String(zone),
			CidrBlock: aws.String(fmt.Sprintf("10.0.%d.0/24", i+1))})
		if err != nil {
			return "", fmt.Errorf("CreateSubnet: %w", err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	out, err := kafkac.CreateClusterV2(ctx, &kafkasdk.CreateClusterV2Input{ClusterName: aws.String("clients"),
		Serverless: &kafkatypes.ServerlessRequest{VpcConfigs: []kafkatypes.VpcConfig{{SubnetIds: subnets}},
			ClientAuthentication: &kafkatypes.ServerlessClientAuthentication{
				Sasl: &kafkatypes.ServerlessSasl{Iam: &kafkatypes.Iam{Enabled: aws.Bool(true)}}}}})
	if err != nil {
		return "", fmt.Errorf("CreateClusterV2: %w", err)
	}
	for cluster.bootstrap == "" {
		b, err := kafkac.GetBootstrapBrokers(ctx, &kafkasdk.GetBootstrapBrokersInput{ClusterArn: out.ClusterArn})
		if err == nil {
			cluster.bootstrap = aws.ToString(b.BootstrapBrokerStringSaslIam)
			continue
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for the cluster's brokers: %w (last: %v)", ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return aws.ToString(out.ClusterArn), nil
}

// newTopic creates a topic of its own for one check.
func newTopic(t *testing.T, name string) string {
	t.Helper()
	resp, err := cluster.admin.CreateTopic(context.Background(), 3, 3, nil, name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("creating topic %s: %v", name, err)
	}
	return name
}

// moduleVersion is the version of a Go module the project requires, from its go.mod.
func moduleVersion(path string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	for line := range strings.Lines(string(b)) {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == path {
			return fields[1]
		}
	}
	return "(unknown)"
}

// franzGo produces records to a new topic with a franz-go client using sasl and reads them back in a
// consumer group.
func franzGo(t *testing.T, topic string, sasl kgo.Opt) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := []kgo.Opt{kgo.SeedBrokers(strings.Split(cluster.bootstrap, ",")...), sasl,
		kgo.DialTLSConfig(&tls.Config{RootCAs: cluster.roots, MinVersion: tls.VersionTLS12})}
	producer, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer producer.Close()
	for i := range records {
		if err := producer.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: fmt.Appendf(nil, "franz-go %d", i)}).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
	consumer, err := kgo.NewClient(append(opts, kgo.ConsumerGroup(topic+"-group"), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	seen := map[string]bool{}
	for len(seen) < records {
		fetches := consumer.PollFetches(ctx)
		if err := fetches.Err(); err != nil {
			t.Fatalf("consumed %d of %d: %v", len(seen), records, err)
		}
		fetches.EachRecord(func(r *kgo.Record) { seen[string(r.Value)] = true })
	}
	t.Logf("produced and consumed %d records over SASL_SSL", records)
}

func TestFranzGoAWSMSKIAM(t *testing.T) {
	t.Logf("client: franz-go %s, sasl/aws AWS_MSK_IAM", moduleVersion("github.com/twmb/franz-go"))
	franzGo(t, newTopic(t, "franz-go-aws-msk-iam"),
		kgo.SASL(awssasl.Auth{AccessKey: "AKIDKAFKACLIENTS", SecretKey: "secret"}.AsManagedStreamingIAMMechanism()))
}

func TestFranzGoOAuthBearerWithAWSSigner(t *testing.T) {
	t.Logf("client: franz-go %s, sasl/oauth OAUTHBEARER, aws-msk-iam-sasl-signer-go %s",
		moduleVersion("github.com/twmb/franz-go"), moduleVersion("github.com/aws/aws-msk-iam-sasl-signer-go"))
	creds := credentials.NewStaticCredentialsProvider("AKIDKAFKACLIENTS", "secret", "")
	franzGo(t, newTopic(t, "franz-go-oauthbearer"), kgo.SASL(oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
		token, _, err := signer.GenerateAuthTokenFromCredentialsProvider(ctx, region, creds)
		return oauth.Auth{Token: token}, err
	})))
}

// external runs a client program that prints its versions, then "produced N" and "consumed N".
func external(t *testing.T, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	lines := strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)
	t.Logf("client: %s", lines[0])
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	for _, want := range []string{fmt.Sprintf("produced %d", records), fmt.Sprintf("consumed %d", records)} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("the client did not say %q:\n%s", want, out)
		}
	}
}

// debianPython is the machine's python3, where Debian installs python3-confluent-kafka.
const debianPython = "/usr/bin/python3"

func TestConfluentKafkaPythonOAuthBearer(t *testing.T) {
	if err := exec.Command(debianPython, "-c", "import confluent_kafka, botocore").Run(); err != nil {
		t.Skip("confluent-kafka-python or botocore is missing: run `make test-deps` (Debian's python3-confluent-kafka, python3-botocore)")
	}
	external(t, debianPython, filepath.Join("python", "msk_client.py"), "roundtrip", cluster.bootstrap,
		newTopic(t, "confluent-kafka-python"), cluster.caFile, region, fmt.Sprint(records))
}

// kafkajs returns node, skipping the test when kafkajs is not installed.
func kafkajs(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: run `make test-deps`")
	}
	if _, err := os.Stat(filepath.Join("node", "node_modules", "kafkajs")); err != nil {
		t.Skip("kafkajs is not installed: run `make test-deps` (npm ci in test/kafkaclients/node)")
	}
	return node
}

func TestKafkaJSTokenForAnotherRegionIsRefused(t *testing.T) {
	node := kafkajs(t)
	for _, mechanism := range []string{"OAUTHBEARER", "AWS_MSK_IAM"} {
		out, err := exec.Command(node, filepath.Join("node", "client.js"), cluster.bootstrap, "unused", cluster.caFile,
			"us-west-2", "1", mechanism, "refused").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "refused: ") || !strings.Contains(string(out), "Access denied") ||
			!strings.Contains(string(out), `region "us-west-2"`) {
			t.Errorf("%s signed for us-west-2 against a cluster in %s: %v\n%s", mechanism, region, err, out)
		}
	}
}

func TestKafkaJS(t *testing.T) {
	node := kafkajs(t)
	for _, mechanism := range []string{"OAUTHBEARER", "AWS_MSK_IAM"} {
		t.Run(mechanism, func(t *testing.T) {
			external(t, node, filepath.Join("node", "client.js"), cluster.bootstrap,
				newTopic(t, "kafkajs-"+strings.ToLower(strings.ReplaceAll(mechanism, "_", "-"))), cluster.caFile, region,
				fmt.Sprint(records), mechanism)
		})
	}
}
