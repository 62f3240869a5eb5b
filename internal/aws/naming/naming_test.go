package naming

import (
	"regexp"
	"strings"
	"testing"
)

var allowed = regexp.MustCompile(`^kp-[a-z0-9-]+$`)

func TestNameIsDeterministicAndWithinLimits(t *testing.T) {
	long := strings.Repeat("very-long-namespace.", 10)
	cases := []struct {
		ns, name, suffix string
		max              int
	}{
		{"default", "test-pipeline", SuffixPipe, MaxPipe},
		{"team_a", "Orders.V2", SuffixQueue, MaxQueue},
		{long, long, SuffixPipeRole, MaxRole},
		{"x", strings.Repeat("y", 300), SuffixFunction, MaxFunction},
		{"--", "..", SuffixCluster, MaxMSKCluster},
		{long, long, SuffixTopicAdmin, MaxFunction},
		{long, long, SuffixTopicAdminRole, MaxRole},
	}
	for _, c := range cases {
		got := Name("c1", c.ns, c.name, c.suffix, c.max)
		if len(got) > c.max {
			t.Errorf("Name(%q, %q) = %q: %d characters, limit %d", c.ns, c.name, got, len(got), c.max)
		}
		if !allowed.MatchString(got) || strings.Contains(got, "--") {
			t.Errorf("Name(%q, %q) = %q: want kp- then [a-z0-9-] without double dashes", c.ns, c.name, got)
		}
		if !strings.HasSuffix(got, "-"+c.suffix) {
			t.Errorf("Name(%q, %q) = %q: want suffix %q", c.ns, c.name, got, c.suffix)
		}
		if again := Name("c1", c.ns, c.name, c.suffix, c.max); again != got {
			t.Errorf("not deterministic: %q then %q", got, again)
		}
	}
}

func TestNameSeparatesObjectsThatTruncateAlike(t *testing.T) {
	prefix := strings.Repeat("a", 80)
	a := Name("c1", "ns", prefix+"-one", SuffixPipe, MaxPipe)
	b := Name("c1", "ns", prefix+"-two", SuffixPipe, MaxPipe)
	if a == b {
		t.Fatalf("different objects share the name %q", a)
	}
	if Name("c1", "ns", "p", SuffixPipe, MaxPipe) == Name("c2", "ns", "p", SuffixPipe, MaxPipe) {
		t.Fatal("two clusters sharing an account must get different names")
	}
	if Name("c1", "a-b", "c", SuffixPipe, MaxPipe) == Name("c1", "a", "b-c", SuffixPipe, MaxPipe) {
		t.Fatal("namespace/name boundaries must not collide")
	}
}

func TestConsumerGroupIsStable(t *testing.T) {
	g := ConsumerGroup("c1", "default", "test-pipeline")
	if g != ConsumerGroup("c1", "default", "test-pipeline") || !strings.HasSuffix(g, "-group") || len(g) > 200 {
		t.Fatalf("ConsumerGroup = %q", g)
	}
}
