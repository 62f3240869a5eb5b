// Package sqs emulates Amazon SQS for localaws. It serves both wire protocols real clients use: awsJson1_0
// (aws-sdk-go-v2, AWS CLI v1, boto3; errors carry x-amzn-query-error) and the legacy awsQuery protocol
// (form requests, XML responses) that older CLIs still speak. Queues are regional; clients post every call to
// the endpoint and name the queue by the QueueUrl in the request, routed by its last two path segments.
package sqs

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// DefaultDeletedRecentlyWindow is how long AWS refuses to re-create a queue name after DeleteQueue.
const DefaultDeletedRecentlyWindow = 60 * time.Second

// purgeWindow is how long after a PurgeQueue another purge of the same queue is refused.
const purgeWindow = 60 * time.Second

// queryXMLNS is the namespace of every awsQuery SQS response.
const queryXMLNS = "http://queue.amazonaws.com/doc/2012-11-05/"

var (
	jsonProtocol  = wire.AWSJSON{Version: "1.0", TypePrefix: "com.amazonaws.sqs#", QueryCompatible: true}
	queryProtocol = wire.Query{XMLNS: queryXMLNS}
)

// Config configures the SQS emulator.
type Config struct {
	// QueueURLBase is the scheme and host of queue URLs, e.g. http://127.0.0.1:4566, so that SDKs sending
	// requests to the queue URL stay local. "" gives AWS's format, https://sqs.<region>.amazonaws.com.
	QueueURLBase string
	// DeletedRecentlyWindow is how long a deleted queue's name cannot be reused (QueueDeletedRecently).
	// Zero means DefaultDeletedRecentlyWindow.
	DeletedRecentlyWindow time.Duration
	// Now is the clock for message timestamps, visibility, retention and the name-reuse window; nil means
	// time.Now. Long polls always wait in real time.
	Now func() time.Time
}

// Service is the SQS emulator. It implements server.Service.
type Service struct {
	cfg       Config
	jsonRoute wire.TargetRouter
	formRoute wire.ActionRouter

	mu      sync.Mutex
	regions map[string]*region
}

// region holds one region's queues and the names deleted recently.
type region struct {
	queues  map[string]*queue
	deleted map[string]time.Time
}

// New returns an SQS emulator with no queues.
func New(cfg Config) *Service {
	if cfg.DeletedRecentlyWindow <= 0 {
		cfg.DeletedRecentlyWindow = DefaultDeletedRecentlyWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{cfg: cfg, jsonRoute: wire.TargetRouter{Prefix: "AmazonSQS"}, regions: map[string]*region{}}
	for name, h := range map[string]wire.Handler{
		"CreateQueue":             op(s.createQueue),
		"GetQueueUrl":             op(s.getQueueURL),
		"GetQueueAttributes":      op(s.getQueueAttributes),
		"SetQueueAttributes":      op(s.setQueueAttributes),
		"ListQueues":              op(s.listQueues),
		"DeleteQueue":             op(s.deleteQueue),
		"PurgeQueue":              op(s.purgeQueue),
		"SendMessage":             op(s.sendMessage),
		"ReceiveMessage":          op(s.receiveMessage),
		"DeleteMessage":           op(s.deleteMessage),
		"ChangeMessageVisibility": op(s.changeMessageVisibility),
		"TagQueue":                op(s.tagQueue),
		"UntagQueue":              op(s.untagQueue),
		"ListQueueTags":           op(s.listQueueTags),
	} {
		s.jsonRoute.Handle(name, h)
		s.formRoute.Handle(name, h)
	}
	return s
}

// Name implements server.Service.
func (s *Service) Name() string { return "sqs" }

// Protocol implements server.Service: awsJson1_0 unless a request turns out to be an awsQuery form.
func (s *Service) Protocol() wire.Protocol { return jsonProtocol }

// Resolve implements server.Service. A request with X-Amz-Target speaks awsJson1_0; anything else is an
// awsQuery form with an Action parameter.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) {
	if c.R.Header.Get("X-Amz-Target") != "" {
		c.Proto = jsonProtocol
		return s.jsonRoute.Resolve(c)
	}
	c.Proto = queryProtocol
	return s.formRoute.Resolve(c)
}

// Throttle implements server.Service with SQS's modelled throttling error.
func (s *Service) Throttle() *wire.Error {
	return wire.Errorf(http.StatusForbidden, "RequestThrottled", "Rate exceeded")
}

// Reset implements server.Service.
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.regions {
		for _, q := range r.queues {
			q.wake()
		}
	}
	s.regions = map[string]*region{}
}

// QueueSnapshot is one queue in the admin state dump.
type QueueSnapshot struct {
	// URL is the queue URL.
	URL string `json:"url"`
	// Attributes are all the queue's attributes, as GetQueueAttributes All returns them.
	Attributes map[string]string `json:"attributes"`
	// Tags are the queue's tags.
	Tags map[string]string `json:"tags,omitempty"`
	// WaitingReceives is the number of long polls waiting for a message.
	WaitingReceives int `json:"waitingReceives"`
}

// Snapshot implements server.Service: queues by region and name.
func (s *Service) Snapshot() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	out := map[string]map[string]QueueSnapshot{}
	for name, r := range s.regions {
		qs := map[string]QueueSnapshot{}
		for qn, q := range r.queues {
			q.expire(now)
			qs[qn] = QueueSnapshot{URL: q.url, Attributes: q.allAttributes(now), Tags: copyMap(q.tags), WaitingReceives: q.polling}
		}
		out[name] = qs
	}
	return out
}

func (s *Service) now() time.Time { return s.cfg.Now() }

// region returns the state of a region, creating it on first use. The caller holds s.mu.
func (s *Service) region(name string) *region {
	r, ok := s.regions[name]
	if !ok {
		r = &region{queues: map[string]*queue{}, deleted: map[string]time.Time{}}
		s.regions[name] = r
	}
	return r
}

// queueByURL finds the queue a QueueUrl names, by the URL's last two path segments (account and name).
// The caller holds s.mu.
func (s *Service) queueByURL(c *wire.Call, queueURL string) (*queue, *wire.Error) {
	if queueURL == "" {
		return nil, missingParameter("QueueUrl")
	}
	u, err := url.Parse(queueURL)
	if err != nil {
		return nil, invalidAddress(queueURL)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 {
		return nil, invalidAddress(queueURL)
	}
	account, name := segs[len(segs)-2], segs[len(segs)-1]
	if account != c.AccountID {
		return nil, queueDoesNotExist()
	}
	q, ok := s.region(c.Region).queues[name]
	if !ok {
		return nil, queueDoesNotExist()
	}
	q.expire(s.now())
	return q, nil
}

func isQuery(c *wire.Call) bool {
	_, ok := c.Proto.(wire.Query)
	return ok
}

// formDecoder is implemented by every operation input: it reads the input from an awsQuery form.
type formDecoder interface {
	fromForm(form url.Values) *wire.Error
}

// op adapts an operation to a wire.Handler: it decodes the input from JSON or the query form, runs fn and
// writes fn's output in the call's protocol (nil output is an empty result).
func op[T any, P interface {
	*T
	formDecoder
}](fn func(c *wire.Call, in P) (any, *wire.Error)) wire.Handler {
	return func(c *wire.Call) error {
		in := P(new(T))
		if isQuery(c) {
			if err := in.fromForm(c.Form); err != nil {
				return err
			}
		} else if err := c.DecodeJSON(in); err != nil {
			return err
		}
		out, werr := fn(c, in)
		if werr != nil {
			return werr
		}
		if isQuery(c) {
			return c.XML(out)
		}
		if out == nil {
			out = struct{}{}
		}
		return c.JSON(http.StatusOK, out)
	}
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
