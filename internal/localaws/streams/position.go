package streams

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// startPosition is where a partition without a committed offset starts: TRIM_HORIZON at the oldest
// record, AT_TIMESTAMP at the first record at or after the timestamp, and LATEST (the default) at the end.
type startPosition struct {
	position string
	at       time.Time
}

// offset is the position as the Kafka client's reset offset.
func (s startPosition) offset() kgo.Offset {
	switch s.position {
	case "TRIM_HORIZON":
		return kgo.NewOffset().AtStart()
	case "AT_TIMESTAMP":
		return kgo.NewOffset().AfterMilli(s.at.UnixMilli())
	default:
		return kgo.NewOffset().AtEnd()
	}
}

// resolve lists the position's concrete offset on every partition of a topic.
func (s startPosition) resolve(ctx context.Context, adm *kadm.Client, topic string) (kadm.ListedOffsets, error) {
	switch s.position {
	case "TRIM_HORIZON":
		return adm.ListStartOffsets(ctx, topic)
	case "AT_TIMESTAMP":
		return adm.ListOffsetsAfterMilli(ctx, s.at.UnixMilli(), topic)
	default:
		return adm.ListEndOffsets(ctx, topic)
	}
}

// pinStart runs when the group assigned partitions and their committed offsets were fetched. Every
// partition without a committed offset gets its starting position resolved to a concrete offset, which the
// consumer starts from and commits at once, as Kafka consumers commit their position on every assigned
// partition. Records produced while the consumer is stopped, to a partition that had received nothing
// before, are then delivered after it restarts instead of being skipped by a second LATEST lookup.
func (c *consumer) pinStart(ctx context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	reset := c.src.start.offset()
	var unset []int32
	for p, o := range offsets[c.src.topic] {
		if o == reset {
			unset = append(unset, p)
		}
	}
	if len(unset) == 0 {
		return offsets, nil
	}
	select {
	case <-c.connected:
	case <-ctx.Done():
		return offsets, nil
	}
	if err := c.commitStart(ctx, offsets, unset); err != nil {
		// The partitions keep the reset offset: they start where the position is now, as before.
		c.log.Warn("cannot commit the starting position of new partitions", "partitions", unset, "error", err)
	}
	return offsets, nil
}

// commitStart resolves the starting position of the unset partitions, commits it, and sets it in offsets.
func (c *consumer) commitStart(ctx context.Context, offsets map[string]map[int32]kgo.Offset, unset []int32) error {
	ctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	listed, err := c.src.start.resolve(ctx, c.adm, c.src.topic)
	if err != nil {
		return fmt.Errorf("listing the %s offsets: %w", c.src.start.position, err)
	}
	pinned := map[int32]kgo.EpochOffset{}
	for _, p := range unset {
		l, ok := listed.Lookup(c.src.topic, p)
		if ok && l.Err == nil && l.Offset >= 0 {
			pinned[p] = kgo.EpochOffset{Epoch: -1, Offset: l.Offset}
		}
	}
	var commitErr error
	c.cl.CommitOffsetsSync(ctx, map[string]map[int32]kgo.EpochOffset{c.src.topic: pinned},
		func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
			if err == nil {
				err = commitResponseErr(resp)
			}
			commitErr = err
		})
	if commitErr != nil {
		return fmt.Errorf("committing: %w", commitErr)
	}
	for p, eo := range pinned {
		offsets[c.src.topic][p] = kgo.NewOffset().At(eo.Offset)
	}
	return nil
}

// commitResponseErr returns the first partition error of an offset commit response.
func commitResponseErr(resp *kmsg.OffsetCommitResponse) error {
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return err
			}
		}
	}
	return nil
}
