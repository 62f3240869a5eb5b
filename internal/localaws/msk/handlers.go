package msk

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// defaultMaxResults is ListClustersV2's page size when maxResults is absent (UNCONFIRMED; the model
// only bounds it to 1–100).
const defaultMaxResults = 10

type createClusterRequest struct {
	ClusterName *string           `json:"clusterName"`
	Tags        map[string]string `json:"tags"`
	Provisioned json.RawMessage   `json:"provisioned"`
	Serverless  *serverless       `json:"serverless"`
}

type createClusterResponse struct {
	ClusterArn  string `json:"clusterArn"`
	ClusterName string `json:"clusterName"`
	State       string `json:"state"`
	ClusterType string `json:"clusterType"`
}

func (s *Service) createCluster(c *wire.Call) error {
	var req createClusterRequest
	if err := c.DecodeJSON(&req); err != nil {
		return badRequest("", "The request body is not valid JSON: %v", err)
	}
	if err := validateClusterName(req.ClusterName); err != nil {
		return err
	}
	switch {
	case req.Provisioned != nil && req.Serverless != nil:
		return badRequest("serverless", "Specify either provisioned or serverless, not both.")
	case req.Provisioned != nil:
		return badRequest("provisioned", "Provisioned clusters are not supported by this endpoint: only serverless clusters can be created.")
	case req.Serverless == nil:
		return badRequest("serverless", "Specify the cluster type: serverless is required.")
	}
	if err := validateServerless(req.Serverless); err != nil {
		return err
	}
	if err := s.checkNetwork(c.Region, req.Serverless); err != nil {
		return err
	}
	if err := validateTags(req.Tags, nil); err != nil {
		return err
	}
	name := *req.ClusterName

	s.mu.Lock()
	defer s.mu.Unlock()
	// MSK keeps cluster names unique per account and Region; a second CreateClusterV2 with a taken name
	// fails with ConflictException (UNCONFIRMED: the exact error and message; the name stays taken while
	// the old cluster is DELETING).
	for _, other := range s.clusters {
		if other.region == c.Region && other.name == name {
			return conflict("clusterName", "A cluster with the name %s already exists: %s.", name, other.arn)
		}
	}
	cl := &cluster{
		arn:        clusterARN(c.Region, c.AccountID, name, uuid.NewString()),
		name:       name,
		region:     c.Region,
		state:      stateCreating,
		created:    c.Now,
		version:    newVersion(),
		tags:       copyTags(req.Tags),
		vpcConfigs: req.Serverless.VpcConfigs,
	}
	s.clusters[cl.arn] = cl
	s.timings.After(lifecycle.ClusterCreate, func() { s.activate(cl) })
	return c.JSON(http.StatusOK, createClusterResponse{ClusterArn: cl.arn, ClusterName: name,
		State: stateCreating, ClusterType: clusterTypeServerless})
}

// activate ends CREATING: it starts the cluster's brokers (outside the lock, since that may take a while)
// and makes the cluster ACTIVE, or FAILED when they cannot start.
func (s *Service) activate(cl *cluster) {
	if !s.inState(cl, stateCreating) {
		return
	}
	bootstrap, err := s.brokers.Start(cl.arn)
	s.mu.Lock()
	if s.clusters[cl.arn] != cl || cl.state != stateCreating {
		// Deleted (or reset) while the brokers were starting.
		s.mu.Unlock()
		if err == nil {
			s.brokers.Stop(cl.arn)
		}
		return
	}
	defer s.mu.Unlock()
	if err != nil {
		cl.state = stateFailed
		cl.stateInfo = &stateInfo{Code: "InternalServerError", Message: "The cluster could not be created: " + err.Error()}
		return
	}
	cl.state, cl.bootstrap, cl.brokersStarted = stateActive, bootstrap, true
}

// inState reports whether cl is still this service's cluster and in state.
func (s *Service) inState(cl *cluster, state string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clusters[cl.arn] == cl && cl.state == state
}

// lookup finds the cluster named by the ARN in path label param. Callers hold s.mu.
func (s *Service) lookup(c *wire.Call, param string) (*cluster, error) {
	arn := c.Param(param)
	if arnRegion(arn) == "" {
		return nil, badRequest(param, "%s %q is not a valid ARN.", param, arn)
	}
	cl, ok := s.clusters[arn]
	if !ok || cl.region != c.Region {
		return nil, notFound(param, arn)
	}
	return cl, nil
}

type describeClusterResponse struct {
	ClusterInfo clusterInfo `json:"clusterInfo"`
}

func (s *Service) describeCluster(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.lookup(c, "clusterArn")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, describeClusterResponse{ClusterInfo: cl.info()})
}

type listClustersResponse struct {
	ClusterInfoList []clusterInfo `json:"clusterInfoList"`
	NextToken       string        `json:"nextToken,omitempty"`
}

func (s *Service) listClusters(c *wire.Call) error {
	nameFilter, typeFilter := c.Query("clusterNameFilter"), c.Query("clusterTypeFilter")
	if typeFilter != "" && typeFilter != clusterTypeServerless && typeFilter != "PROVISIONED" {
		return badRequest("clusterTypeFilter", "clusterTypeFilter must be PROVISIONED or SERVERLESS, got %q.", typeFilter)
	}
	limit := defaultMaxResults
	if v := c.Query("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return badRequest("maxResults", "maxResults must be an integer from 1 to 100, got %q.", v)
		}
		limit = n
	}
	s.mu.Lock()
	var all []clusterInfo
	for _, cl := range s.clusters {
		// Every emulated cluster is serverless, so a PROVISIONED filter matches nothing.
		if cl.region == c.Region && strings.HasPrefix(cl.name, nameFilter) && typeFilter != "PROVISIONED" {
			all = append(all, cl.info())
		}
	}
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if all[i].ClusterName != all[j].ClusterName {
			return all[i].ClusterName < all[j].ClusterName
		}
		return all[i].ClusterArn < all[j].ClusterArn
	})
	page, next, ok := wire.Page(all, c.Query("nextToken"), limit, defaultMaxResults)
	if !ok {
		return badRequest("nextToken", "The nextToken %q is not valid.", c.Query("nextToken"))
	}
	if page == nil {
		page = []clusterInfo{}
	}
	return c.JSON(http.StatusOK, listClustersResponse{ClusterInfoList: page, NextToken: next})
}

type deleteClusterResponse struct {
	ClusterArn string `json:"clusterArn"`
	State      string `json:"state"`
}

func (s *Service) deleteCluster(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.lookup(c, "clusterArn")
	if err != nil {
		return err
	}
	if v := c.Query("currentVersion"); v != "" && v != cl.version {
		return badRequest("currentVersion", "The version %s you specified doesn't match the current version %s of the cluster.", v, cl.version)
	}
	// A second DeleteCluster while the first is in progress is refused (UNCONFIRMED: the exact error).
	if cl.state == stateDeleting {
		return badRequest("clusterArn", "The cluster %s is already being deleted.", cl.arn)
	}
	cl.state, cl.stateInfo = stateDeleting, nil
	s.timings.After(lifecycle.ClusterDelete, func() { s.remove(cl) })
	return c.JSON(http.StatusOK, deleteClusterResponse{ClusterArn: cl.arn, State: stateDeleting})
}

// remove ends DELETING: the cluster disappears and its brokers stop.
func (s *Service) remove(cl *cluster) {
	s.mu.Lock()
	if s.clusters[cl.arn] != cl || cl.state != stateDeleting {
		s.mu.Unlock()
		return
	}
	delete(s.clusters, cl.arn)
	started := cl.brokersStarted
	s.mu.Unlock()
	if started {
		s.brokers.Stop(cl.arn)
	}
}

type bootstrapBrokersResponse struct {
	BootstrapBrokerStringSaslIam string `json:"bootstrapBrokerStringSaslIam"`
}

func (s *Service) getBootstrapBrokers(c *wire.Call) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, err := s.lookup(c, "clusterArn")
	if err != nil {
		return err
	}
	// Before ACTIVE MSK has no brokers to report; BadRequestException is the chosen error (UNCONFIRMED:
	// AWS may answer ConflictException).
	if cl.state != stateActive {
		return badRequest("clusterArn", "The cluster %s is in the %s state. Bootstrap brokers are available only when the cluster is ACTIVE.", cl.arn, cl.state)
	}
	return c.JSON(http.StatusOK, bootstrapBrokersResponse{BootstrapBrokerStringSaslIam: cl.bootstrap})
}

// newVersion returns an opaque cluster version string in MSK's style (for example "K3AEGXETSR30VB").
func newVersion() string {
	return "K" + strings.ToUpper(strings.ReplaceAll(uuid.NewString(), "-", "")[:13])
}
