package msk

import "github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"

// listClustersV1 answers ListClusters (GET /v1/clusters), whose ClusterInfo shape describes provisioned
// clusters: serverless clusters are listed by ListClustersV2 only (UNCONFIRMED against AWS, which documents
// the V2 operations for serverless clusters). It is ListClustersV2 restricted to provisioned clusters, with
// the same clusterNameFilter, maxResults and nextToken checks; the member names of the answer
// (clusterInfoList, nextToken) are the same in both versions. Every localaws cluster is serverless, so the
// list is empty.
func (s *Service) listClustersV1(c *wire.Call) error {
	provisioned := *c
	provisioned.R = c.R.Clone(c.R.Context())
	q := provisioned.R.URL.Query()
	q.Set("clusterTypeFilter", "PROVISIONED")
	provisioned.R.URL.RawQuery = q.Encode()
	return s.listClusters(&provisioned)
}
