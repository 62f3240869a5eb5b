package streams

import (
	"context"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// arrival is a fetched record and when it reached the worker, which starts its batching window.
type arrival struct {
	rec *kgo.Record
	at  time.Time
}

// partition is the worker of one partition: it batches the partition's records in order, delivers each
// batch and commits after it, so a failing batch holds back only this partition.
type partition struct {
	c  *consumer
	id int32
	// ctx ends when the worker must stop: the consumer stops or the partition was revoked.
	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{}
	done   chan struct{}

	mu     sync.Mutex
	buf    []arrival
	paused bool
}

func newPartition(c *consumer, id int32) *partition {
	p := &partition{c: c, id: id, wake: make(chan struct{}, 1), done: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancel(c.ctx)
	return p
}

// stop stops the worker and waits for it. Buffered records not yet delivered are dropped: they were not
// committed, so the group fetches them again.
func (p *partition) stop() {
	p.cancel()
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = nil
	if p.paused {
		p.paused = false
		p.c.cl.ResumeFetchPartitions(p.topicPartition())
	}
}

func (p *partition) topicPartition() map[string][]int32 {
	return map[string][]int32{p.c.src.topic: {p.id}}
}

// push buffers fetched records. Fetching pauses while the buffer is above the high-water mark, so a
// blocked partition holds a bounded number of records.
func (p *partition) push(recs []*kgo.Record) {
	now := time.Now()
	p.mu.Lock()
	for _, r := range recs {
		p.buf = append(p.buf, arrival{rec: r, at: now})
	}
	if !p.paused && len(p.buf) >= p.c.highWater {
		p.paused = true
		p.c.cl.PauseFetchPartitions(p.topicPartition())
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *partition) work() {
	defer close(p.done)
	for {
		batch := p.next()
		if batch == nil || !p.deliver(batch) {
			return
		}
	}
}

// next waits for the next batch: batchSize records, or fewer once the window since the oldest buffered
// record has passed (at once with no window). It returns nil when the worker stops.
func (p *partition) next() []*kgo.Record {
	for {
		batch, due, waiting := p.ready()
		if batch != nil {
			return batch
		}
		var timeout <-chan time.Time
		var t *time.Timer
		if waiting {
			t = time.NewTimer(time.Until(due))
			timeout = t.C
		}
		select {
		case <-p.wake:
		case <-timeout:
		case <-p.ctx.Done():
		}
		if t != nil {
			t.Stop()
		}
		if p.ctx.Err() != nil {
			return nil
		}
	}
}

// ready takes a batch if one is ready; otherwise it reports when the oldest buffered record's window
// ends, if any record is buffered.
func (p *partition) ready() (batch []*kgo.Record, due time.Time, waiting bool) {
	size, window := p.c.src.batchSize, p.c.src.window
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.buf)
	if n == 0 {
		return nil, time.Time{}, false
	}
	due = p.buf[0].at.Add(window)
	if n >= size || window <= 0 || !time.Now().Before(due) {
		return p.take(min(n, size)), time.Time{}, false
	}
	return nil, due, true
}

// take removes the first n buffered records, resuming fetching once the buffer has drained below half the
// high-water mark. p.mu must be held.
func (p *partition) take(n int) []*kgo.Record {
	batch := make([]*kgo.Record, n)
	for i := range batch {
		batch[i] = p.buf[i].rec
		p.buf[i] = arrival{} // release the record; append reallocates the array once it is used up
	}
	p.buf = p.buf[n:]
	if p.paused && len(p.buf) < p.c.highWater/2 {
		p.paused = false
		p.c.cl.ResumeFetchPartitions(p.topicPartition())
	}
	return batch
}

// deliver invokes the function with a batch until the batch is done, then commits it. It returns false
// when the worker stopped before the batch was done; the batch is then left uncommitted.
func (p *partition) deliver(batch []*kgo.Record) bool {
	d := &p.c.src.delivery
	last := batch[len(batch)-1]
	for attempt := 1; ; attempt++ {
		o := p.c.invoke(batch)
		if !o.failed() {
			p.commit(last)
			return true
		}
		p.c.log.Warn("batch failed", "partition", p.id, "firstOffset", batch[0].Offset, "lastOffset",
			batch[len(batch)-1].Offset, "attempt", attempt, "error", o.describe())
		if d.maxAttempts > 0 && attempt >= d.maxAttempts {
			return p.giveUp(failure{batch: batch, bootstrap: p.c.bootstrap, attempts: attempt, last: o, at: time.Now()}, last)
		}
		if !sleepCtx(p.ctx, p.c.backoff(attempt)) {
			return false
		}
		if batch = p.unexpired(batch); len(batch) == 0 {
			p.c.log.Warn("failed records expired from the topic; moving on", "partition", p.id, "lastOffset", last.Offset)
			p.commit(last)
			return true
		}
	}
}

// giveUp hands a batch that exhausted its attempts to the delivery's failure handling, retrying that until
// it succeeds, and commits the batch.
func (p *partition) giveUp(f failure, last *kgo.Record) bool {
	for try := 1; ; try++ {
		err := p.c.src.delivery.exhausted(f)
		if err == nil {
			p.commit(last)
			return true
		}
		p.c.log.Warn("cannot record the failed batch", "partition", p.id, "error", err)
		if !sleepCtx(p.ctx, p.c.backoff(try)) {
			return false
		}
	}
}

// unexpired drops the records of a batch that retention already removed from the topic.
func (p *partition) unexpired(batch []*kgo.Record) []*kgo.Record {
	ctx, cancel := context.WithTimeout(p.ctx, commitTimeout)
	defer cancel()
	offsets, err := p.c.adm.ListStartOffsets(ctx, p.c.src.topic)
	if err != nil {
		return batch
	}
	start, ok := offsets.Lookup(p.c.src.topic, p.id)
	if !ok || start.Err != nil {
		return batch
	}
	for i, r := range batch {
		if r.Offset >= start.Offset {
			return batch[i:]
		}
	}
	return nil
}

// commit commits the offset after last. It is not bound to the worker's context: a batch that finished
// while the consumer was stopping is still committed.
func (p *partition) commit(last *kgo.Record) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	if err := p.c.cl.CommitRecords(ctx, last); err != nil {
		p.c.log.Warn("offset commit failed; the batch may be delivered again", "partition", p.id,
			"offset", last.Offset+1, "error", err)
	}
}
