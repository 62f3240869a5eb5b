package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3sdk "github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// pythonHandler logs one JSON line per record, as the built-in processor does, plus the interpreter's
// version, and accepts both the Pipes and the event source mapping event.
const pythonHandler = `import base64
import json
import sys


def handle(event, context):
    records = event if isinstance(event, list) else [r for rs in event["records"].values() for r in rs]
    for r in records:
        value = base64.b64decode(r["value"]).decode()
        try:
            content = json.loads(value)
        except ValueError:
            content = value
        print(json.dumps({"msg": "record", "runtime": "python%d.%d" % sys.version_info[:2],
                          "function": context.function_name, "topic": r["topic"],
                          "partition": r["partition"], "offset": r["offset"], "content": content}), flush=True)
    return {"records": len(records)}
`

var _ = Describe("Other runtimes and clients", func() {
	It("runs a python3.12 handler from S3 code, fed by a pipe", func() {
		const bucket, key = "e2e-code", "python/handler.zip"
		upload(bucket, key, zipOf(map[string]string{"app/handler.py": pythonHandler, "app/__init__.py": ""}))
		kp := pipelineSpec("python")
		kp.Spec.Target.Function.Managed = &v1alpha1.ManagedFunction{
			Code:    v1alpha1.FunctionCode{S3: &v1alpha1.S3Code{Bucket: bucket, Key: key}},
			Runtime: "python3.12", Handler: "app.handler.handle", TimeoutSeconds: 10}
		createReady(kp)
		hello := produce(kp, `{"message": "Hello Python"}`)[0]
		Eventually(func(ctx context.Context) ([]devstack.ProcessedRecord, error) {
			records, err := processed(ctx, kp)
			return onlyOf(records, hello), err
		}).WithContext(timeout(time.Minute)).Should(ConsistOf(And(
			HaveField("Content", MatchJSON(`{"message": "Hello Python"}`)),
			HaveField("Line.Message", And(ContainSubstring(`"runtime": "python3.`),
				ContainSubstring(`"function": "`+kp.Status.Function.Name+`"`))))))
	})

	It("delivers records a librdkafka client (confluent-kafka-python, OAUTHBEARER over TLS) produced", func() {
		if exec.Command(debianPython, "-c", "import confluent_kafka, botocore").Run() != nil {
			Skip("confluent-kafka-python is missing: run `make test-deps` (Debian's python3-confluent-kafka, python3-botocore)")
		}
		kp := createReady(pipelineSpec("librdkafka"))
		cmd := exec.CommandContext(timeout(time.Minute), debianPython, filepath.Join("..", "kafkaclients", "python", "msk_client.py"),
			"produce", kp.Status.Cluster.BootstrapBrokers, kp.Spec.Topic.Name, stack.Local.KafkaCAFile, stack.Region)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
		cmd.Stdin = strings.NewReader("from librdkafka 1\n{\"from\": \"librdkafka\"}\n")
		out, err := runInVPC(kp, cmd)
		Expect(err).NotTo(HaveOccurred(), string(out))
		GinkgoWriter.Printf("client: %s\n", strings.SplitN(string(out), "\n", 2)[0])
		Eventually(func(ctx context.Context) ([]string, error) { return contents(ctx, kp) }).
			WithContext(timeout(time.Minute)).Should(ConsistOf(`"from librdkafka 1"`, `{"from":"librdkafka"}`))
	})

	It("delivers records a third-party client (kcat) produced through the plaintext debugging opt-in", func() {
		kcat, err := exec.LookPath("kcat")
		if err != nil {
			Skip("kcat is not installed: run `make test-deps` (it installs Debian's kcat package)")
		}
		kp := createReady(pipelineSpec("kcat"))
		cmd := exec.CommandContext(timeout(time.Minute), kcat, "-P", "-b", kp.Status.Cluster.BootstrapBrokers, "-t", kp.Spec.Topic.Name)
		cmd.Stdin = strings.NewReader("from kcat 1\nfrom kcat 2\n{\"from\": \"kcat\"}\n")
		out, err := runInVPC(kp, cmd)
		Expect(err).NotTo(HaveOccurred(), string(out))
		Eventually(func(ctx context.Context) ([]string, error) { return contents(ctx, kp) }).
			WithContext(timeout(time.Minute)).Should(ConsistOf(`"from kcat 1"`, `"from kcat 2"`, `{"from":"kcat"}`))
	})
})

// runInVPC runs a Kafka client inside the VPC of the pipeline's cluster, where its brokers are reachable,
// and returns its combined output.
func runInVPC(kp *v1alpha1.KafkaPipeline, cmd *exec.Cmd) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := stack.Local.StartInVPC(kp.Status.Cluster.ARN, cmd); err != nil {
		return nil, err
	}
	err := cmd.Wait()
	return out.Bytes(), err
}

// debianPython is the machine's python3, where Debian installs python3-confluent-kafka.
const debianPython = "/usr/bin/python3"

// contents are the contents of the records a KafkaPipeline's function logged.
func contents(ctx context.Context, kp *v1alpha1.KafkaPipeline) ([]string, error) {
	records, err := processed(ctx, kp)
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = string(r.Content)
	}
	return out, err
}

// upload puts an object into a new bucket of the default region in localaws's S3 (path-style addressing).
func upload(bucket, key string, body []byte) {
	GinkgoHelper()
	cl := s3sdk.NewFromConfig(stack.AWS, func(o *s3sdk.Options) { o.UsePathStyle = true })
	ctx := timeout(30 * time.Second)
	_, err := cl.CreateBucket(ctx, &s3sdk.CreateBucketInput{Bucket: aws.String(bucket)})
	Expect(err).NotTo(HaveOccurred())
	_, err = cl.PutObject(ctx, &s3sdk.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	Expect(err).NotTo(HaveOccurred())
}

// zipOf builds a zip archive of files by name.
func zipOf(files map[string]string) []byte {
	GinkgoHelper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, content := range files {
		f, err := w.Create(name)
		Expect(err).NotTo(HaveOccurred())
		_, err = f.Write([]byte(content))
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(w.Close()).To(Succeed())
	return buf.Bytes()
}
