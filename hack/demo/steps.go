package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kafkapipeline/kafka-pipeline-operator/api/v1alpha1"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/conditions"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// The sample objects, as config/samples names them, the record the demo sends and the patch making the
// function fail.
const (
	samples      = "config/samples"
	namespace    = "default"
	clusterName  = "shared"
	pipelineName = "test-pipeline"
	helloKafka   = `{"message": "Hello Kafka"}`
	failPatch    = `{"spec":{"target":{"function":{"managed":{"environment":{"PROCESSOR_FAIL":"true"}}}}}}`
)

const (
	// pollEvery is how often the demo looks again at logs and queues.
	pollEvery = 250 * time.Millisecond
	// logSettleTime is how long the attempts of a dead-lettered record may take to all show in the log.
	logSettleTime = 5 * time.Second
)

// state is what one step finds and a later one uses.
type state struct {
	cluster  *v1alpha1.KafkaCluster
	pipeline *v1alpha1.KafkaPipeline
	hello    devstack.Produced
	failing  devstack.Produced
}

// namedStep is a step with its heading.
type namedStep struct {
	title string
	run   stepFunc
}

// steps are the demo's steps after the stack is up, in order.
func (d *demo) steps() []namedStep {
	return []namedStep{
		{"Apply config/samples (KafkaCluster shared, KafkaPipeline test-pipeline)", d.apply},
		{"Wait until both objects are Ready", d.waitReady},
		{"Show that the topic was created inside the VPC, by the topic admin function", d.topicInsideVPC},
		{"Produce " + helloKafka + " to test-topic (TLS, IAM SASL)", d.produceHello},
		{"Read the processor's log line back from CloudWatch Logs", d.readLog},
		{"Make the function fail: PROCESSOR_FAIL=true", d.makeFail},
		{"Produce again: two retries, then the dead-letter queue", d.deadLetter},
		{"Delete both objects and wait until they are gone", d.deleteAll},
		{"Check that nothing is left in localaws", d.checkEmpty},
	}
}

func (d *demo) apply(ctx context.Context) error {
	d.cluster = &v1alpha1.KafkaCluster{ObjectMeta: metav1.ObjectMeta{Name: clusterName, Namespace: namespace}}
	d.pipeline = &v1alpha1.KafkaPipeline{ObjectMeta: metav1.ObjectMeta{Name: pipelineName, Namespace: namespace}}
	return d.kubectl(ctx, "apply", "-n", namespace, "-k", samples)
}

func (d *demo) waitReady(ctx context.Context) error {
	if err := d.stack.WaitReady(ctx, d.transitions(time.Now(), true), d.cluster, d.pipeline); err != nil {
		return err
	}
	st := d.pipeline.Status
	d.say("")
	d.say("cluster:         %s", st.Cluster.ARN)
	d.say("topic admin:     %s", st.Cluster.TopicAdminFunction)
	d.say("brokers:         %s", st.Cluster.BootstrapBrokers)
	d.say("function:        %s (%s)", st.Function.Name, st.Function.State)
	d.say("pipe:            %s (%s)", st.Pipe.Name, st.Pipe.CurrentState)
	d.say("dead-letter:     %s", st.DeadLetterQueue.URL)
	d.say("")
	if err := d.kubectl(ctx, "get", "-n", namespace, "kafkaclusters,kafkapipelines"); err != nil {
		return err
	}
	group, err := d.stack.WaitConsuming(ctx, d.pipeline)
	if err != nil {
		return err
	}
	d.say("the pipe's consumer group %s is Stable with all %d partitions assigned", group, st.Topic.Partitions)
	return nil
}

// topicInsideVPC shows who created the topic: the cluster's topic admin function, attached to the
// cluster's subnets, which the manager invoked through the Lambda API; and that the manager itself has no
// path to the brokers when localaws's VPC boundary is on.
func (d *demo) topicInsideVPC(ctx context.Context) error {
	kc, st := d.cluster.Status, d.pipeline.Status
	if st.Cluster.TopicAdminFunction == "" {
		d.say("topic administration %s: the manager created topic %s over the Kafka protocol itself",
			d.cluster.Spec.TopicAdministration, st.Topic.Name)
		return nil
	}
	d.say("topic admin function: %s (%s), in subnets %s of %s", kc.TopicAdmin.FunctionName, kc.TopicAdmin.State,
		strings.Join(kc.SubnetIDs, ", "), kc.VPCID)
	d.say("TopicReady: %s", conditions.Get(d.pipeline.Status.Conditions, v1alpha1.ConditionTopicReady).Message)
	for _, b := range strings.Split(st.Cluster.BootstrapBrokers, ",") {
		conn, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", b)
		if err == nil {
			_ = conn.Close()
			d.say("the manager's network reaches broker %s: the VPC boundary is off (-vpc-boundary=false)", b)
			return nil
		}
		d.say("the manager's network -> broker %s: %v", b, errors.Unwrap(err))
	}
	d.say("the manager has no path to the brokers: it needs only AWS's APIs, the function does the Kafka work inside the VPC")
	return nil
}

func (d *demo) produceHello(ctx context.Context) error {
	p, err := d.produce(ctx, helloKafka)
	d.hello = p
	return err
}

// produce writes one record to the pipeline's topic through the bootstrap brokers in its status.
func (d *demo) produce(ctx context.Context, value string) (devstack.Produced, error) {
	brokers, topic := d.pipeline.Status.Cluster.BootstrapBrokers, d.pipeline.Spec.Topic.Name
	from := ""
	if d.boundary {
		from = ", from inside the cluster's VPC as a producer in its subnets would"
	}
	d.say("producing to %s on %s over TLS with SASL/OAUTHBEARER (franz-go, aws-msk-iam-sasl-signer-go)%s", topic, brokers, from)
	out, err := d.stack.Produce(ctx, d.pipeline, []byte(value))
	if err != nil {
		return devstack.Produced{}, err
	}
	d.say("record %s landed in partition %d at offset %d", value, out[0].Partition, out[0].Offset)
	return out[0], nil
}

func (d *demo) readLog(ctx context.Context) error {
	fn := d.pipeline.Status.Function.Name
	d.say("FilterLogEvents on %s (as `aws --endpoint-url %s --region %s logs filter-log-events --log-group-name %s`)",
		devstack.LogGroup(fn), d.stack.Endpoint, d.region(), devstack.LogGroup(fn))
	for {
		records, err := d.processed(ctx)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(records, func(r devstack.ProcessedRecord) bool { return r.Is(d.hello) }); i >= 0 {
			r := records[i]
			d.say("stream %s:", r.Line.Stream)
			d.say("  %s", r.Line.Message)
			return nil
		}
		if err := pause(ctx); err != nil {
			return fmt.Errorf("no log line for partition %d offset %d yet: %w", d.hello.Partition, d.hello.Offset, err)
		}
	}
}

func (d *demo) makeFail(ctx context.Context) error {
	begin := time.Now()
	if err := d.kubectl(ctx, "patch", "-n", namespace, "kafkapipelines", pipelineName, "--type", "merge", "-p", failPatch); err != nil {
		return err
	}
	return d.stack.WaitReady(ctx, d.transitions(begin, false), d.pipeline)
}

func (d *demo) deadLetter(ctx context.Context) error {
	p, err := d.produce(ctx, helloKafka)
	if err != nil {
		return err
	}
	d.failing = p
	url := d.pipeline.Status.DeadLetterQueue.URL
	d.say("ReceiveMessage on %s with MessageAttributeNames [All], until the event arrives", url)
	msg, err := d.awaitDeadLetter(ctx, url)
	if err != nil {
		return err
	}
	var body bytes.Buffer
	if json.Indent(&body, []byte(aws.ToString(msg.Body)), "      ", "  ") != nil {
		body.WriteString(aws.ToString(msg.Body))
	}
	d.say("message %s", aws.ToString(msg.MessageId))
	d.say("  body: %s", body.String())
	for _, name := range []string{"RequestID", "ErrorCode", "ErrorMessage"} {
		a, ok := msg.MessageAttributes[name]
		if !ok {
			return fmt.Errorf("the dead-letter message has no %s attribute", name)
		}
		d.say("  attribute %-12s (%s) %s", name, aws.ToString(a.DataType), aws.ToString(a.StringValue))
	}
	return d.showAttempts(ctx)
}

// awaitDeadLetter polls the dead-letter queue until a message carrying the failing record arrives.
func (d *demo) awaitDeadLetter(ctx context.Context, url string) (sqstypes.Message, error) {
	for {
		msgs, err := d.stack.Receive(ctx, d.region(), url)
		if err != nil {
			return sqstypes.Message{}, err
		}
		for _, m := range msgs {
			if devstack.Carries(aws.ToString(m.Body), d.failing) {
				return m, nil
			}
		}
		if err := pause(ctx); err != nil {
			return sqstypes.Message{}, fmt.Errorf("nothing in the dead-letter queue for partition %d offset %d: %w",
				d.failing.Partition, d.failing.Offset, err)
		}
	}
}

// showAttempts prints each invocation the failing record got, from the function's log: the first attempt
// plus spec.retryPolicy.maximumRetryAttempts retries.
func (d *demo) showAttempts(ctx context.Context) error {
	want := 1 + int(aws.ToInt32(d.pipeline.Spec.RetryPolicy.MaximumRetryAttempts))
	settle := time.Now().Add(logSettleTime)
	for {
		records, err := d.processed(ctx)
		if err != nil {
			return err
		}
		var attempts []devstack.ProcessedRecord
		for _, r := range records {
			if r.Is(d.failing) {
				attempts = append(attempts, r)
			}
		}
		if len(attempts) >= want || time.Now().After(settle) {
			d.say("the function's log shows %d attempts for partition %d offset %d (1 + %d retries):",
				len(attempts), d.failing.Partition, d.failing.Offset, len(attempts)-1)
			for i, a := range attempts {
				d.say("  attempt %d at +%s", i+1, round(a.Line.Time.Sub(attempts[0].Line.Time)))
			}
			if len(attempts) != want {
				return fmt.Errorf("want %d attempts (maximumRetryAttempts %d), the log shows %d", want, want-1, len(attempts))
			}
			return nil
		}
		if err := pause(ctx); err != nil {
			return err
		}
	}
}

func (d *demo) deleteAll(ctx context.Context) error {
	begin := time.Now()
	if err := d.kubectl(ctx, "delete", "-n", namespace, "-k", samples, "--wait=false"); err != nil {
		return err
	}
	return d.stack.WaitGone(ctx, d.transitions(begin, false), d.cluster, d.pipeline)
}

func (d *demo) checkEmpty(ctx context.Context) error {
	d.say("listing through the AWS APIs in %s: MSK ListClustersV2, Pipes ListPipes, Lambda ListFunctions and", d.region())
	d.say("ListEventSourceMappings, Logs DescribeLogGroups, SQS ListQueues, IAM ListRoles, EC2 Describe{Vpcs,")
	d.say("Subnets,InternetGateways,NatGateways,Addresses,RouteTables,SecurityGroups}")
	left, err := d.stack.Leftovers(ctx, d.region())
	if err != nil {
		return err
	}
	if len(left) > 0 {
		for _, r := range left {
			d.say("  left: %s", r)
		}
		return fmt.Errorf("%d resources are left in localaws", len(left))
	}
	d.say("nothing is left")
	return nil
}

// region is the samples' region.
func (d *demo) region() string {
	if d.pipeline.Spec.Region != "" {
		return d.pipeline.Spec.Region
	}
	return d.stack.Region
}

// processed reads the records the function logged processing.
func (d *demo) processed(ctx context.Context) ([]devstack.ProcessedRecord, error) {
	lines, err := d.stack.FunctionLog(ctx, d.region(), d.pipeline.Status.Function.Name)
	if err != nil {
		return nil, err
	}
	return devstack.ProcessedRecords(lines), nil
}

// pause waits one polling interval.
func pause(ctx context.Context) error {
	t := time.NewTimer(pollEvery)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
