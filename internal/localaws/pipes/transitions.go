package pipes

import (
	"fmt"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/lifecycle"
)

// pipesPrincipal is the service principal a pipe's execution role must trust.
const pipesPrincipal = "pipes.amazonaws.com"

// transition is one asynchronous change of a pipe: it holds the pipe in state from for the kind's delay,
// then checks the pipe (when failed is set, which is the state a failed check leaves) and settles it in its
// desired state, or removes it when from is DELETING.
type transition struct {
	kind   lifecycle.Kind
	from   string
	failed string
}

var (
	createTransition = transition{kind: lifecycle.PipeCreate, from: stateCreating, failed: stateCreateFailed}
	updateTransition = transition{kind: lifecycle.PipeUpdate, from: stateUpdating, failed: stateUpdateFailed}
	startTransition  = transition{kind: lifecycle.PipeStart, from: stateStarting, failed: stateStartFailed}
	stopTransition   = transition{kind: lifecycle.PipeStop, from: stateStopping}
	deleteTransition = transition{kind: lifecycle.PipeDelete, from: stateDeleting}
)

// setState moves p to state, telling the Runner when p enters or leaves RUNNING. Callers hold s.mu.
func (s *Service) setState(p *pipe, state string) {
	was := p.current
	p.current = state
	switch {
	case was == stateRunning && state != stateRunning:
		s.effects.stop(s.cfg.Runner, p.arn)
	case was != stateRunning && state == stateRunning:
		s.effects.run(s.cfg.Runner, p.view())
	}
}

// begin starts transition tr of p. Callers hold s.mu.
func (s *Service) begin(p *pipe, tr transition) {
	s.setState(p, tr.from)
	p.stateReason = ""
	p.gen++
	gen := p.gen
	s.cfg.Timings.After(tr.kind, func() { s.complete(p, gen, tr) })
}

// live reports whether p is still this service's pipe and no transition started after gen. Callers hold
// s.mu.
func (s *Service) live(p *pipe, gen int) bool {
	return s.pipes[p.arn] == p && p.gen == gen
}

// checkInput is what the end-of-transition checks read, copied out of the lock.
type checkInput struct {
	role, source, target, topic, group string
}

// complete ends transition tr of p, unless p changed meanwhile. The checks call other services, so they run
// without s.mu.
func (s *Service) complete(p *pipe, gen int, tr transition) {
	s.mu.Lock()
	if !s.live(p, gen) {
		s.mu.Unlock()
		return
	}
	v := p.view()
	s.mu.Unlock()

	reason := ""
	if tr.failed != "" {
		reason = s.check(checkInput{role: v.RoleARN, source: v.SourceClusterARN, target: v.TargetARN,
			topic: v.Topic, group: v.ConsumerGroupID})
	}

	s.mu.Lock()
	if s.live(p, gen) {
		switch {
		case tr.from == stateDeleting:
			delete(s.pipes, p.arn)
		case reason != "":
			p.stateReason = truncate(reason, maxStateReasonLen)
			s.setState(p, tr.failed)
		default:
			s.setState(p, p.desired)
		}
	}
	s.mu.Unlock()
	s.effects.flush()
}

// permission is one IAM action on one resource the pipe's role needs.
type permission struct {
	action, resource string
}

// requiredPermissions lists what a pipe from an MSK cluster (IAM auth) to a Lambda function needs, in the
// order Pipes uses them: read the cluster, connect and read the topic as the consumer group, manage the
// network interfaces in the cluster's VPC, invoke the function.
func requiredPermissions(in checkInput) []permission {
	perms := []permission{
		{"kafka:DescribeClusterV2", in.source},
		{"kafka:GetBootstrapBrokers", in.source},
		{"kafka-cluster:Connect", in.source},
	}
	if cl, ok := parseClusterARN(in.source); ok {
		topic, group := cl.topicARN(in.topic), cl.groupARN(in.group)
		perms = append(perms,
			permission{"kafka-cluster:DescribeTopic", topic},
			permission{"kafka-cluster:ReadData", topic},
			permission{"kafka-cluster:DescribeGroup", group},
			permission{"kafka-cluster:AlterGroup", group})
	}
	for _, a := range []string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
		"ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"} {
		perms = append(perms, permission{a, "*"})
	}
	return append(perms, permission{"lambda:InvokeFunction", in.target})
}

// check returns why the pipe cannot run, or "" when it can: the role must be assumable by Pipes and allow
// every required action, and the source cluster must be ACTIVE.
func (s *Service) check(in checkInput) string {
	if r := s.cfg.Roles; r != nil {
		if ok, why := r.RoleAssumable(in.role, pipesPrincipal); !ok {
			return fmt.Sprintf("Unable to assume the execution role %s: %s. Make sure the role exists and its trust policy allows %s to call sts:AssumeRole.", in.role, why, pipesPrincipal)
		}
		for _, perm := range requiredPermissions(in) {
			if !r.RoleAllows(in.role, perm.action, perm.resource) {
				return fmt.Sprintf("The execution role %s does not have permissions to call %s on %s.", in.role, perm.action, perm.resource)
			}
		}
	}
	if cl := s.cfg.Clusters; cl != nil {
		st, ok := cl.ClusterState(in.source)
		switch {
		case !ok:
			return fmt.Sprintf("The source Amazon MSK cluster %s does not exist.", in.source)
		case st != "ACTIVE":
			return fmt.Sprintf("The source Amazon MSK cluster %s is in the %s state; it must be ACTIVE.", in.source, st)
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
