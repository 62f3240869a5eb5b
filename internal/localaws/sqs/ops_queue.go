package sqs

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

type createQueueInput struct {
	QueueName  string            `json:"QueueName"`
	Attributes map[string]string `json:"Attributes"`
	Tags       map[string]string `json:"tags"`
}

func (in *createQueueInput) fromForm(f url.Values) *wire.Error {
	in.QueueName, in.Attributes, in.Tags = f.Get("QueueName"), formAttributes(f), formTags(f)
	return nil
}

type queueURLOutput struct {
	QueueURL string `json:"QueueUrl" xml:"QueueUrl"`
}

// createQueue creates a queue, or returns the existing queue's URL when every given attribute matches.
func (s *Service) createQueue(c *wire.Call, in *createQueueInput) (any, *wire.Error) {
	fifo := false
	if v, ok := in.Attributes["FifoQueue"]; ok {
		norm, err := normalizeAttribute("FifoQueue", v, settable["FifoQueue"], false, nil)
		if err != nil {
			return nil, err
		}
		fifo = norm == "true"
	}
	if err := validateQueueName(in.QueueName, fifo); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	attrs, err := normalizeAttributes(in.Attributes, fifo, true, s.dlqLookup())
	if err != nil {
		return nil, err
	}
	if !fifo {
		delete(attrs, "FifoQueue") // FifoQueue=false is accepted but standard queues do not list it
	}
	now := s.now()
	r := s.region(c.Region)
	if q, ok := r.queues[in.QueueName]; ok {
		for _, name := range sortedKeys(attrs) {
			if q.attrs[name] != attrs[name] {
				return nil, queueNameExists(name)
			}
		}
		return queueURLOutput{QueueURL: q.url}, nil
	}
	if at, ok := r.deleted[in.QueueName]; ok && now.Sub(at) < s.cfg.DeletedRecentlyWindow {
		return nil, queueDeletedRecently()
	}
	delete(r.deleted, in.QueueName)
	q := newQueue(s.queueURL(c.Region, c.AccountID, in.QueueName), c.Region, c.AccountID, in.QueueName, fifo, attrs, now)
	for k, v := range in.Tags {
		q.tags[k] = v
	}
	r.queues[in.QueueName] = q
	return queueURLOutput{QueueURL: q.url}, nil
}

// dlqLookup resolves dead-letter target ARNs. The caller holds s.mu.
func (s *Service) dlqLookup() dlqLookup {
	return func(arn string) (bool, bool) {
		q := s.queueByARN(arn)
		if q == nil {
			return false, false
		}
		return true, q.fifo
	}
}

// queueByARN finds a queue by ARN. The caller holds s.mu.
func (s *Service) queueByARN(arn string) *queue {
	regionName, _, name, ok := parseQueueARN(arn)
	if !ok {
		return nil
	}
	r, ok := s.regions[regionName]
	if !ok {
		return nil
	}
	q, ok := r.queues[name]
	if !ok || q.arn != arn {
		return nil
	}
	return q
}

type getQueueURLInput struct {
	QueueName              string `json:"QueueName"`
	QueueOwnerAWSAccountID string `json:"QueueOwnerAWSAccountId"`
}

func (in *getQueueURLInput) fromForm(f url.Values) *wire.Error {
	in.QueueName, in.QueueOwnerAWSAccountID = f.Get("QueueName"), f.Get("QueueOwnerAWSAccountId")
	return nil
}

func (s *Service) getQueueURL(c *wire.Call, in *getQueueURLInput) (any, *wire.Error) {
	if in.QueueName == "" {
		return nil, missingParameter("QueueName")
	}
	if in.QueueOwnerAWSAccountID != "" && in.QueueOwnerAWSAccountID != c.AccountID {
		return nil, queueDoesNotExist()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.region(c.Region).queues[in.QueueName]
	if !ok {
		return nil, queueDoesNotExist()
	}
	return queueURLOutput{QueueURL: q.url}, nil
}

type getQueueAttributesInput struct {
	QueueURL       string   `json:"QueueUrl"`
	AttributeNames []string `json:"AttributeNames"`
}

func (in *getQueueAttributesInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL, in.AttributeNames = f.Get("QueueUrl"), wire.Strings(f, "AttributeName")
	return nil
}

type attributesOutput struct {
	Attributes nameValues `json:"Attributes,omitempty" xml:"Attribute"`
}

func (s *Service) getQueueAttributes(c *wire.Call, in *getQueueAttributesInput) (any, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	attrs, err := q.selectAttributes(in.AttributeNames, s.now())
	if err != nil {
		return nil, err
	}
	return attributesOutput{Attributes: attrs}, nil
}

type setQueueAttributesInput struct {
	QueueURL   string            `json:"QueueUrl"`
	Attributes map[string]string `json:"Attributes"`
}

func (in *setQueueAttributesInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL, in.Attributes = f.Get("QueueUrl"), formAttributes(f)
	return nil
}

func (s *Service) setQueueAttributes(c *wire.Call, in *setQueueAttributesInput) (any, *wire.Error) {
	if in.Attributes == nil {
		return nil, missingParameter("Attributes")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	attrs, err := normalizeAttributes(in.Attributes, q.fifo, false, s.dlqLookup())
	if err != nil {
		return nil, err
	}
	for k, v := range attrs {
		if v == "" {
			delete(q.attrs, k)
			continue
		}
		q.attrs[k] = v
	}
	q.modified = s.now()
	return nil, nil
}

type listQueuesInput struct {
	QueueNamePrefix string `json:"QueueNamePrefix"`
	NextToken       string `json:"NextToken"`
	MaxResults      *int   `json:"MaxResults"`
}

func (in *listQueuesInput) fromForm(f url.Values) *wire.Error {
	in.QueueNamePrefix, in.NextToken = f.Get("QueueNamePrefix"), f.Get("NextToken")
	var err *wire.Error
	in.MaxResults, err = formInt(f, "MaxResults")
	return err
}

type listQueuesOutput struct {
	QueueURLs []string `json:"QueueUrls,omitempty" xml:"QueueUrl"`
	NextToken string   `json:"NextToken,omitempty" xml:"NextToken,omitempty"`
}

// listQueues lists queue URLs by name prefix. Without MaxResults AWS returns up to 1000 queues and no token.
func (s *Service) listQueues(c *wire.Call, in *listQueuesInput) (any, *wire.Error) {
	limit := 1000
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 1000 {
			return nil, outOfRange("MaxResults", *in.MaxResults, 1, 1000)
		}
		limit = *in.MaxResults
	}
	s.mu.Lock()
	var urls []string
	for name, q := range s.region(c.Region).queues {
		if strings.HasPrefix(name, in.QueueNamePrefix) {
			urls = append(urls, q.url)
		}
	}
	s.mu.Unlock()
	sort.Strings(urls)
	page, next, ok := wire.Page(urls, in.NextToken, limit, limit)
	if !ok {
		return nil, invalidParameterValue("Invalid NextToken value.")
	}
	if in.MaxResults == nil {
		next = ""
	}
	return listQueuesOutput{QueueURLs: page, NextToken: next}, nil
}

type queueURLInput struct {
	QueueURL string `json:"QueueUrl"`
}

func (in *queueURLInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL = f.Get("QueueUrl")
	return nil
}

// deleteQueue removes a queue at once and blocks its name for the deleted-recently window.
func (s *Service) deleteQueue(c *wire.Call, in *queueURLInput) (any, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	r := s.region(c.Region)
	delete(r.queues, q.name)
	r.deleted[q.name] = s.now()
	q.wake()
	return nil, nil
}

func (s *Service) purgeQueue(c *wire.Call, in *queueURLInput) (any, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !q.lastPurge.IsZero() && now.Sub(q.lastPurge) < purgeWindow {
		return nil, purgeQueueInProgress(q.arn)
	}
	q.purge(now)
	return nil, nil
}

// validateTags checks tag keys and values: keys 1–128 characters, values up to 256, no "aws:" prefix.
func validateTags(tags map[string]string) *wire.Error {
	if len(tags) > 50 {
		return invalidParameterValue("Too many tags added for queue. Maximum of 50 tags can be added per queue.")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 {
			return invalidParameterValue("Tag key must be between 1 and 128 characters: %q.", k)
		}
		if len(v) > 256 {
			return invalidParameterValue("Tag value for key %q must be at most 256 characters.", k)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidParameterValue("Tag keys starting with 'aws:' are reserved: %q.", k)
		}
	}
	return nil
}

type tagQueueInput struct {
	QueueURL string            `json:"QueueUrl"`
	Tags     map[string]string `json:"Tags"`
}

func (in *tagQueueInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL, in.Tags = f.Get("QueueUrl"), formTags(f)
	return nil
}

func (s *Service) tagQueue(c *wire.Call, in *tagQueueInput) (any, *wire.Error) {
	if len(in.Tags) == 0 {
		return nil, missingParameter("Tags")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	merged := copyMap(q.tags)
	if merged == nil {
		merged = map[string]string{}
	}
	for k, v := range in.Tags {
		merged[k] = v
	}
	if err := validateTags(merged); err != nil {
		return nil, err
	}
	q.tags = merged
	return nil, nil
}

type untagQueueInput struct {
	QueueURL string   `json:"QueueUrl"`
	TagKeys  []string `json:"TagKeys"`
}

func (in *untagQueueInput) fromForm(f url.Values) *wire.Error {
	in.QueueURL, in.TagKeys = f.Get("QueueUrl"), wire.Strings(f, "TagKey")
	return nil
}

func (s *Service) untagQueue(c *wire.Call, in *untagQueueInput) (any, *wire.Error) {
	if len(in.TagKeys) == 0 {
		return nil, missingParameter("TagKeys")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	q.tags = withoutKeys(q.tags, in.TagKeys)
	return nil, nil
}

type tagsOutput struct {
	Tags keyValues `json:"Tags,omitempty" xml:"Tag"`
}

func (s *Service) listQueueTags(c *wire.Call, in *queueURLInput) (any, *wire.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueByURL(c, in.QueueURL)
	if err != nil {
		return nil, err
	}
	return tagsOutput{Tags: copyMap(q.tags)}, nil
}

// withoutKeys returns m without the given keys.
func withoutKeys(m map[string]string, keys []string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}
