package ec2

// SubnetVPC returns the VPC of a subnet in the region; ok is false when there is no such subnet.
func (s *Service) SubnetVPC(regionName, subnetID string) (vpcID string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.regions[regionName]
	if r == nil || r.subnets[subnetID] == nil {
		return "", false
	}
	return r.subnets[subnetID].vpcID, true
}
