package streams

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"
)

// eventSourceKafka is the eventSource of MSK records in both event shapes.
const eventSourceKafka = "aws:kafka"

// kafkaRecord is one Kafka record as Pipes and Lambda event source mappings present it.
type kafkaRecord struct {
	Topic         string `json:"topic"`
	Partition     int32  `json:"partition"`
	Offset        int64  `json:"offset"`
	Timestamp     int64  `json:"timestamp"`
	TimestampType string `json:"timestampType"`
	// Key is omitted for a null key (UNCONFIRMED: AWS may send null instead).
	Key     *string               `json:"key,omitempty"`
	Value   string                `json:"value"`
	Headers []map[string]byteList `json:"headers"`
}

// byteList is a header value, which AWS writes as a JSON array of byte values rather than base64.
type byteList []byte

// MarshalJSON writes the bytes as an array of numbers.
func (b byteList) MarshalJSON() ([]byte, error) {
	out := make([]byte, 0, 2+4*len(b))
	out = append(out, '[')
	for i, c := range b {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendUint(out, uint64(c), 10)
	}
	return append(out, ']'), nil
}

// newKafkaRecord converts a fetched record.
func newKafkaRecord(r *kgo.Record) kafkaRecord {
	k := kafkaRecord{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp.UnixMilli(),
		TimestampType: timestampType(r), Value: base64.StdEncoding.EncodeToString(r.Value),
		Headers: make([]map[string]byteList, 0, len(r.Headers))}
	if r.Key != nil {
		key := base64.StdEncoding.EncodeToString(r.Key)
		k.Key = &key
	}
	for _, h := range r.Headers {
		k.Headers = append(k.Headers, map[string]byteList{h.Key: byteList(h.Value)})
	}
	return k
}

// timestampType names the record's timestamp type: LOG_APPEND_TIME when the broker set it, otherwise
// CREATE_TIME.
func timestampType(r *kgo.Record) string {
	if r.Attrs.TimestampType() == 1 {
		return "LOG_APPEND_TIME"
	}
	return "CREATE_TIME"
}

// partitionKey is the "<topic>-<partition>" key both event shapes use.
func partitionKey(topic string, partition int32) string {
	return topic + "-" + strconv.FormatInt(int64(partition), 10)
}

// pipeRecord is one element of the Pipes event for an MSK source.
type pipeRecord struct {
	EventSource    string `json:"eventSource"`
	EventSourceArn string `json:"eventSourceArn"`
	EventSourceKey string `json:"eventSourceKey"`
	kafkaRecord
}

// pipeEvent is the Pipes event: a JSON array with one element per record of the batch.
func pipeEvent(clusterARN string, batch []*kgo.Record) ([]byte, error) {
	out := make([]pipeRecord, 0, len(batch))
	for _, r := range batch {
		out = append(out, pipeRecord{EventSource: eventSourceKafka, EventSourceArn: clusterARN,
			EventSourceKey: partitionKey(r.Topic, r.Partition), kafkaRecord: newKafkaRecord(r)})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encoding the pipe event: %w", err)
	}
	return b, nil
}

// mappingEvent is the event source mapping event for MSK.
type mappingEvent struct {
	EventSource      string                   `json:"eventSource"`
	EventSourceArn   string                   `json:"eventSourceArn"`
	BootstrapServers string                   `json:"bootstrapServers"`
	Records          map[string][]kafkaRecord `json:"records"`
}

// newMappingEvent builds the event source mapping event for a batch, grouping records by partition.
func newMappingEvent(clusterARN, bootstrap string, batch []*kgo.Record) ([]byte, error) {
	ev := mappingEvent{EventSource: eventSourceKafka, EventSourceArn: clusterARN, BootstrapServers: bootstrap,
		Records: map[string][]kafkaRecord{}}
	for _, r := range batch {
		key := partitionKey(r.Topic, r.Partition)
		ev.Records[key] = append(ev.Records[key], newKafkaRecord(r))
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encoding the event source mapping event: %w", err)
	}
	return b, nil
}
