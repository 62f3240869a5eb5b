package streams

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqssdk "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lambda"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lawstest"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/sqs"
)

// mapping is an Enabled event source mapping on the test cluster and function.
func mapping(uuid, topic string) lambda.MappingView {
	return lambda.MappingView{UUID: uuid, ARN: "arn:aws:lambda:us-east-1:000000000000:event-source-mapping:" + uuid,
		Region: "us-east-1", EventSourceARN: testCluster, FunctionARN: testFunction, Topic: topic,
		StartingPosition: "TRIM_HORIZON", BatchSize: 100, MaximumBatchingWindow: 0, ConsumerGroupID: uuid,
		Enabled: true, State: "Enabled"}
}

// mappingEventIn is the event source mapping event as a function decodes it.
type mappingEventIn struct {
	EventSource      string                            `json:"eventSource"`
	EventSourceArn   string                            `json:"eventSourceArn"`
	BootstrapServers string                            `json:"bootstrapServers"`
	Records          map[string][]mappingEventRecordIn `json:"records"`
}

type mappingEventRecordIn struct {
	Topic         string              `json:"topic"`
	Partition     int32               `json:"partition"`
	Offset        int64               `json:"offset"`
	Timestamp     int64               `json:"timestamp"`
	TimestampType string              `json:"timestampType"`
	Key           *string             `json:"key"`
	Value         []byte              `json:"value"`
	Headers       []map[string][]uint `json:"headers"`
}

func decodeMappingEvent(t *testing.T, payload []byte) mappingEventIn {
	t.Helper()
	var ev mappingEventIn
	if err := json.Unmarshal(payload, &ev); err != nil {
		t.Fatalf("the mapping event is not a JSON object: %v\n%s", err, payload)
	}
	return ev
}

func TestMappingEventShape(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("payments", 2)
	ts := time.UnixMilli(1545084650987)
	h.produce(&kgo.Record{Topic: "payments", Partition: 1, Key: []byte("k"), Value: []byte("v1"), Timestamp: ts,
		Headers: []kgo.RecordHeader{{Key: "h", Value: []byte{1, 2}}}})
	h.produce(&kgo.Record{Topic: "payments", Partition: 1, Value: []byte("v2"), Timestamp: ts})
	m := mapping("3f1e1e6a-0000-4000-8000-000000000001", "payments")
	m.MaximumBatchingWindow = 300 * time.Millisecond
	h.streams.Mappings().Run(m)
	eventually(t, "an invocation", func() bool { return h.inv.count() > 0 })

	c := h.inv.snapshot()[0]
	if c.invocationType != "RequestResponse" {
		t.Errorf("invocation type %s, want RequestResponse", c.invocationType)
	}
	got := decodeMappingEvent(t, c.payload)
	key := base64.StdEncoding.EncodeToString([]byte("k"))
	want := mappingEventIn{EventSource: "aws:kafka", EventSourceArn: testCluster, BootstrapServers: strings.Join(h.addrs, ","),
		Records: map[string][]mappingEventRecordIn{"payments-1": {
			{Topic: "payments", Partition: 1, Offset: 0, Timestamp: 1545084650987, TimestampType: "CREATE_TIME", Key: &key,
				Value: []byte("v1"), Headers: []map[string][]uint{{"h": {1, 2}}}},
			{Topic: "payments", Partition: 1, Offset: 1, Timestamp: 1545084650987, TimestampType: "CREATE_TIME",
				Value: []byte("v2"), Headers: []map[string][]uint{}},
		}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("event = %+v\nwant %+v\n%s", got, want, c.payload)
	}
	eventually(t, "offsets committed under the UUID group", func() bool { return h.committed(m.UUID, "payments", 1) == 2 })
}

func TestMappingRetriesWithoutDestination(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("retry", 1)
	h.inv.setFail(func(n int, _ []byte) (lambda.InvokeResult, error) {
		if n <= 5 {
			return functionError()
		}
		return lambda.InvokeResult{StatusCode: 200}, nil
	})
	recs := h.produceN("retry", 0, "r", 3)
	m := mapping("3f1e1e6a-0000-4000-8000-000000000002", "retry")
	// A destination localaws cannot deliver to keeps the default: retry until the records expire.
	m.OnFailureDestination = "arn:aws:sns:us-east-1:000000000000:failures"
	h.streams.Mappings().Run(m)
	eventually(t, "offsets committed", func() bool { return h.committed(m.UUID, "retry", 0) == 3 })
	if n := h.inv.count(); n != 6 {
		t.Errorf("%d invocations, want 5 failures and a success", n)
	}
	for i, c := range h.inv.snapshot() {
		if got := decodeMappingEvent(t, c.payload).Records["retry-0"]; len(got) != len(recs) {
			t.Errorf("attempt %d carried %d records, want the whole batch of %d", i+1, len(got), len(recs))
		}
	}
}

func TestMappingOnFailureToSQS(t *testing.T) {
	queues := sqs.New(sqs.Config{})
	_, awsCfg := lawstest.Serve(t, queues)
	client := sqssdk.NewFromConfig(awsCfg)
	ctx := context.Background()
	q, err := client.CreateQueue(ctx, &sqssdk.CreateQueueInput{QueueName: aws.String("esm-failures")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := client.GetQueueAttributes(ctx, &sqssdk.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	queueARN := attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]

	h := newHarness(t, queues)
	h.createTopic("failing", 2)
	h.inv.setFail(func(int, []byte) (lambda.InvokeResult, error) {
		res, err := functionError()
		res.ExecutedVersion = "$LATEST"
		return res, err
	})
	t0, t1 := time.UnixMilli(1700000000123), time.UnixMilli(1700000000456)
	h.produce(&kgo.Record{Topic: "failing", Partition: 0, Value: []byte("a"), Timestamp: t0},
		&kgo.Record{Topic: "failing", Partition: 0, Value: []byte("b"), Timestamp: t1})
	m := mapping("3f1e1e6a-0000-4000-8000-000000000003", "failing")
	m.OnFailureDestination = queueARN
	m.MaximumBatchingWindow = time.Second
	h.streams.Mappings().Run(m)

	var msgs []sqstypes.Message
	eventually(t, "the OnFailure record", func() bool {
		out, err := client.ReceiveMessage(ctx, &sqssdk.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, out.Messages...)
		return len(msgs) > 0
	})
	if len(msgs) != 1 {
		t.Fatalf("%d OnFailure records, want 1", len(msgs))
	}
	var rec struct {
		RequestContext struct {
			RequestID              string `json:"requestId"`
			FunctionArn            string `json:"functionArn"`
			Condition              string `json:"condition"`
			ApproximateInvokeCount int    `json:"approximateInvokeCount"`
		} `json:"requestContext"`
		ResponseContext *struct {
			StatusCode      int    `json:"statusCode"`
			ExecutedVersion string `json:"executedVersion"`
			FunctionError   string `json:"functionError"`
		} `json:"responseContext"`
		Version        string `json:"version"`
		Timestamp      string `json:"timestamp"`
		KafkaBatchInfo struct {
			BatchSize        int                          `json:"batchSize"`
			EventSourceArn   string                       `json:"eventSourceArn"`
			BootstrapServers string                       `json:"bootstrapServers"`
			PayloadSize      int                          `json:"payloadSize"`
			RecordsInfo      map[string]map[string]string `json:"recordsInfo"`
		} `json:"KafkaBatchInfo"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(msgs[0].Body)), &rec); err != nil {
		t.Fatalf("OnFailure record is not JSON: %v", err)
	}
	rc := rec.RequestContext
	if rc.RequestID == "" || rc.FunctionArn != testFunction || rc.Condition != "RetryAttemptsExhausted" ||
		rc.ApproximateInvokeCount != DefaultMappingAttempts {
		t.Errorf("requestContext = %+v", rc)
	}
	if r := rec.ResponseContext; r == nil || r.StatusCode != 200 || r.ExecutedVersion != "$LATEST" || r.FunctionError != "Unhandled" {
		t.Errorf("responseContext = %+v", r)
	}
	if _, err := time.Parse(time.RFC3339Nano, rec.Timestamp); err != nil || rec.Version != "1.0" {
		t.Errorf("version %q, timestamp %q (%v)", rec.Version, rec.Timestamp, err)
	}
	calls := h.inv.snapshot()
	bi := rec.KafkaBatchInfo
	if bi.BatchSize != 2 || bi.EventSourceArn != testCluster || bi.BootstrapServers != strings.Join(h.addrs, ",") ||
		bi.PayloadSize != len(calls[len(calls)-1].payload) {
		t.Errorf("KafkaBatchInfo = %+v", bi)
	}
	wantInfo := map[string]map[string]string{"failing-0": {"firstRecordOffset": "0", "lastRecordOffset": "1",
		"firstRecordTimestamp": "2023-11-14T22:13:20.123Z", "lastRecordTimestamp": "2023-11-14T22:13:20.456Z"}}
	if !reflect.DeepEqual(bi.RecordsInfo, wantInfo) {
		t.Errorf("recordsInfo = %v, want %v", bi.RecordsInfo, wantInfo)
	}
	eventually(t, "the batch committed after the OnFailure record", func() bool { return h.committed(m.UUID, "failing", 0) == 2 })
	if n := h.inv.count(); n != DefaultMappingAttempts {
		t.Errorf("%d invocations, want %d", n, DefaultMappingAttempts)
	}
}

func TestMappingOnFailureQueueMissing(t *testing.T) {
	queues := sqs.New(sqs.Config{})
	h := newHarness(t, queues)
	h.createTopic("lost", 1)
	h.inv.setFail(func(int, []byte) (lambda.InvokeResult, error) { return lambda.InvokeResult{}, errInvoke })
	h.produceN("lost", 0, "x", 1)
	m := mapping("3f1e1e6a-0000-4000-8000-000000000004", "lost")
	m.OnFailureDestination = "arn:aws:sqs:us-east-1:000000000000:missing"
	h.streams.Mappings().Run(m)
	eventually(t, "the attempts", func() bool { return h.inv.count() >= DefaultMappingAttempts })
	// The record cannot be delivered, so the batch stays uncommitted and is not invoked again.
	time.Sleep(200 * time.Millisecond)
	if got := h.committed(m.UUID, "lost", 0); got > 0 {
		t.Errorf("committed %d although the OnFailure record was not delivered", got)
	}
	if n := h.inv.count(); n != DefaultMappingAttempts {
		t.Errorf("%d invocations, want %d", n, DefaultMappingAttempts)
	}
}

func TestMappingAtTimestampAndDisable(t *testing.T) {
	h := newHarness(t, nil)
	h.createTopic("stamped", 1)
	base := time.UnixMilli(1700000000000)
	for i := range 3 {
		h.produce(&kgo.Record{Topic: "stamped", Partition: 0, Value: []byte(strconv.Itoa(i)),
			Timestamp: base.Add(time.Duration(i) * time.Minute)})
	}
	m := mapping("3f1e1e6a-0000-4000-8000-000000000005", "stamped")
	m.StartingPosition = "AT_TIMESTAMP"
	m.StartingPositionTimestamp = base.Add(time.Minute)
	runner := h.streams.Mappings()
	runner.Run(m)
	eventually(t, "offsets committed", func() bool { return h.committed(m.UUID, "stamped", 0) == 3 })
	var offsets []int64
	for _, c := range h.inv.snapshot() {
		for _, r := range decodeMappingEvent(t, c.payload).Records["stamped-0"] {
			offsets = append(offsets, r.Offset)
		}
	}
	if !reflect.DeepEqual(offsets, []int64{1, 2}) {
		t.Errorf("offsets %v, want [1 2] from the timestamp on", offsets)
	}

	m.Enabled = false
	runner.Run(m)
	if h.streams.Running(m.UUID) {
		t.Fatal("a disabled mapping still consumes")
	}
	m.Enabled = true
	runner.Run(m)
	runner.Stop(m.UUID)
	if h.streams.Running(m.UUID) {
		t.Fatal("a stopped mapping still consumes")
	}
}
