package logs

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// group is one log group. Fields are guarded by Service.mu.
type group struct {
	name, arn string
	created   time.Time
	retention int // days; 0 = never expire
	kmsKeyID  string
	class     string
	tags      map[string]string
	streams   map[string]*stream
}

var groupNamePattern = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
	2922, 3288, 3653}

var groupClasses = []string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}

func validateGroupName(name, member string) *wire.Error {
	if len(name) < 1 || len(name) > 512 {
		return constraint(name, member, "Member must have length between 1 and 512")
	}
	if !groupNamePattern.MatchString(name) {
		return constraint(name, member, `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
	}
	return nil
}

func groupARN(region, account, name string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, account, name)
}

func newGroup(region, account, name string, now time.Time) *group {
	return &group{name: name, arn: groupARN(region, account, name), created: now, class: "STANDARD",
		tags: map[string]string{}, streams: map[string]*stream{}}
}

// expire drops events older than the retention policy from every stream (enforced lazily on access).
func (g *group) expire(now time.Time) {
	if g.retention == 0 {
		return
	}
	cutoff := now.Add(-time.Duration(g.retention) * 24 * time.Hour).UnixMilli()
	for _, st := range g.streams {
		st.dropBefore(cutoff)
	}
}

// groupRef names a log group by logGroupName or logGroupIdentifier (a name or an ARN).
type groupRef struct {
	LogGroupName       string `json:"logGroupName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
}

// lookup finds the referenced group. The caller holds s.mu.
func (s *Service) lookup(c *wire.Call, ref groupRef) (*group, *wire.Error) {
	name := ref.LogGroupName
	switch {
	case ref.LogGroupName != "" && ref.LogGroupIdentifier != "":
		return nil, invalidParameter("LogGroup name and LogGroup identifier are mutually exclusive parameters.")
	case ref.LogGroupIdentifier != "":
		name = strings.TrimSuffix(ref.LogGroupIdentifier, ":*")
		if strings.HasPrefix(name, "arn:") {
			prefix := groupARN(c.Region, c.AccountID, "")
			if !strings.HasPrefix(name, prefix) {
				return nil, groupNotFound()
			}
			name = strings.TrimPrefix(name, prefix)
		}
	case name == "":
		return nil, invalidParameter("Either logGroupName or logGroupIdentifier must be specified.")
	}
	g, ok := s.groups(c.Region)[name]
	if !ok {
		return nil, groupNotFound()
	}
	g.expire(s.now())
	return g, nil
}

type createLogGroupInput struct {
	LogGroupName  string            `json:"logGroupName"`
	KmsKeyID      string            `json:"kmsKeyId"`
	Tags          map[string]string `json:"tags"`
	LogGroupClass string            `json:"logGroupClass"`
}

func (s *Service) createLogGroup(c *wire.Call, in *createLogGroupInput) (any, *wire.Error) {
	if err := validateGroupName(in.LogGroupName, "logGroupName"); err != nil {
		return nil, err
	}
	if in.LogGroupClass != "" && !slices.Contains(groupClasses, in.LogGroupClass) {
		return nil, constraint(in.LogGroupClass, "logGroupClass",
			"Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	if in.Tags != nil {
		if err := validateTags(in.Tags); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := s.groups(c.Region)
	if _, ok := groups[in.LogGroupName]; ok {
		return nil, alreadyExists("log group")
	}
	g := newGroup(c.Region, c.AccountID, in.LogGroupName, s.now())
	g.kmsKeyID = in.KmsKeyID
	if in.LogGroupClass != "" {
		g.class = in.LogGroupClass
	}
	for k, v := range in.Tags {
		g.tags[k] = v
	}
	groups[in.LogGroupName] = g
	return nil, nil
}

type describeLogGroupsInput struct {
	LogGroupNamePrefix  string `json:"logGroupNamePrefix"`
	LogGroupNamePattern string `json:"logGroupNamePattern"`
	NextToken           string `json:"nextToken"`
	Limit               *int   `json:"limit"`
}

// logGroupOut is a LogGroup in DescribeLogGroups.
type logGroupOut struct {
	LogGroupName              string `json:"logGroupName"`
	CreationTime              int64  `json:"creationTime"`
	RetentionInDays           int    `json:"retentionInDays,omitempty"`
	MetricFilterCount         int    `json:"metricFilterCount"`
	Arn                       string `json:"arn"`
	StoredBytes               int64  `json:"storedBytes"`
	KmsKeyID                  string `json:"kmsKeyId,omitempty"`
	LogGroupClass             string `json:"logGroupClass"`
	LogGroupArn               string `json:"logGroupArn"`
	DeletionProtectionEnabled bool   `json:"deletionProtectionEnabled"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroupOut `json:"logGroups"`
	NextToken string        `json:"nextToken,omitempty"`
}

// limitParam checks an optional limit against its model range and returns it, or def when absent.
func limitParam(v *int, hi, def int) (int, *wire.Error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > hi {
		return 0, constraint(fmt.Sprint(*v), "limit", fmt.Sprintf("Member must have value between 1 and %d", hi))
	}
	return *v, nil
}

// describeLogGroups lists groups in name order by prefix, or by a case-insensitive substring pattern.
func (s *Service) describeLogGroups(c *wire.Call, in *describeLogGroupsInput) (any, *wire.Error) {
	limit, err := limitParam(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, invalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := s.groups(c.Region)
	now := s.now()
	var list []logGroupOut
	for _, name := range sortedKeys(groups) {
		if !strings.HasPrefix(name, in.LogGroupNamePrefix) ||
			!strings.Contains(strings.ToLower(name), strings.ToLower(in.LogGroupNamePattern)) {
			continue
		}
		g := groups[name]
		g.expire(now)
		var stored int64
		for _, st := range g.streams {
			stored += st.bytes()
		}
		list = append(list, logGroupOut{LogGroupName: name, CreationTime: g.created.UnixMilli(), RetentionInDays: g.retention,
			Arn: g.arn + ":*", StoredBytes: stored, KmsKeyID: g.kmsKeyID, LogGroupClass: g.class, LogGroupArn: g.arn})
	}
	page, next, ok := wire.Page(list, in.NextToken, limit, limit)
	if !ok {
		return nil, invalidParameter("The specified nextToken is invalid.")
	}
	if page == nil {
		page = []logGroupOut{}
	}
	return describeLogGroupsOutput{LogGroups: page, NextToken: next}, nil
}

type groupNameInput struct {
	LogGroupName string `json:"logGroupName"`
}

func (s *Service) deleteLogGroup(c *wire.Call, in *groupNameInput) (any, *wire.Error) {
	if err := validateGroupName(in.LogGroupName, "logGroupName"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := s.groups(c.Region)
	if _, ok := groups[in.LogGroupName]; !ok {
		return nil, groupNotFound()
	}
	delete(groups, in.LogGroupName)
	return nil, nil
}

type putRetentionPolicyInput struct {
	LogGroupName    string `json:"logGroupName"`
	RetentionInDays *int   `json:"retentionInDays"`
}

func (s *Service) putRetentionPolicy(c *wire.Call, in *putRetentionPolicyInput) (any, *wire.Error) {
	if err := validateGroupName(in.LogGroupName, "logGroupName"); err != nil {
		return nil, err
	}
	if in.RetentionInDays == nil {
		return nil, constraint("null", "retentionInDays", "Member must not be null")
	}
	if !slices.Contains(retentionDays, *in.RetentionInDays) {
		return nil, constraint(fmt.Sprint(*in.RetentionInDays), "retentionInDays",
			"Member must satisfy enum value set: "+strings.ReplaceAll(fmt.Sprint(retentionDays), " ", ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, groupRef{LogGroupName: in.LogGroupName})
	if err != nil {
		return nil, err
	}
	g.retention = *in.RetentionInDays
	g.expire(s.now())
	return nil, nil
}

func (s *Service) deleteRetentionPolicy(c *wire.Call, in *groupNameInput) (any, *wire.Error) {
	if err := validateGroupName(in.LogGroupName, "logGroupName"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.lookup(c, groupRef{LogGroupName: in.LogGroupName})
	if err != nil {
		return nil, err
	}
	g.retention = 0
	return nil, nil
}
