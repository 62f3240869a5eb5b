package msk

// ClusterSubnets returns the region of a cluster and the subnets of its first VPC configuration, where its
// brokers are placed; ok is false for a cluster this service does not have.
func (s *Service) ClusterSubnets(clusterARN string) (region string, subnets []string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cl, ok := s.clusters[clusterARN]
	if !ok || len(cl.vpcConfigs) == 0 {
		return "", nil, false
	}
	return cl.region, append([]string(nil), cl.vpcConfigs[0].SubnetIds...), true
}
