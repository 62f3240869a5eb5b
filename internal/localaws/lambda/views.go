package lambda

import "sort"

// findFunction finds a function by name or ARN (qualified with $LATEST or unqualified) for the data plane
// and other services. A bare name is looked up in every region, in name order. s.mu must be held.
func (s *Service) findFunction(nameOrARN string) (*function, bool) {
	ref, ok := parseFunctionRef(nameOrARN)
	if !ok || (ref.qualifier != "" && ref.qualifier != latest) {
		return nil, false
	}
	regions := make([]string, 0, len(s.regions))
	for name := range s.regions {
		if ref.region == "" || ref.region == name {
			regions = append(regions, name)
		}
	}
	sort.Strings(regions)
	for _, region := range regions {
		fn, ok := s.regions[region].functions[ref.name]
		if ok && (ref.account == "" || fn.arn == functionARN(region, ref.account, ref.name)) {
			return fn, true
		}
	}
	return nil, false
}

// Function returns a copy of a function's configuration and code, given its name or ARN.
func (s *Service) Function(nameOrARN string) (FunctionView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, ok := s.findFunction(nameOrARN)
	if !ok {
		return FunctionView{}, false
	}
	return fn.view(), true
}

// FunctionState returns a function's State (Pending, Active, ...), given its qualified or unqualified ARN.
func (s *Service) FunctionState(functionARN string) (state string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn, ok := s.findFunction(functionARN)
	if !ok {
		return "", false
	}
	return fn.state, true
}

// EventSourceMapping returns a copy of one event source mapping.
func (s *Service) EventSourceMapping(uuid string) (MappingView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rs := range s.regions {
		if m, ok := rs.mappings[uuid]; ok {
			return m.view(), true
		}
	}
	return MappingView{}, false
}

// EventSourceMappings returns copies of every event source mapping in every region, oldest first.
func (s *Service) EventSourceMappings() []MappingView {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*mapping
	for _, rs := range s.regions {
		all = append(all, sortedMappings(rs)...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	out := make([]MappingView, 0, len(all))
	for _, m := range all {
		out = append(out, m.view())
	}
	return out
}
