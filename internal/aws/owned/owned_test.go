package owned

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/smithy-go"

	awsapi "github.com/kafkapipeline/kafka-pipeline-operator/internal/aws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/tags"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

var owner = tags.Owner{ClusterID: "c1", Kind: "KafkaPipeline", Namespace: "ns", Name: "orders", UID: "uid-1"}

// Tags a fake part can carry.
var (
	ours     = owner.Tags("queue", nil)
	earlier  = tags.Owner{ClusterID: "c1", Kind: "KafkaPipeline", Namespace: "ns", Name: "orders", UID: "uid-0"}.Tags("queue", nil)
	theirs   = map[string]string{"team": "other"}
	notFound = &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "gone"}
	conflict = Conflict(&smithy.GenericAPIError{Code: "ResourceConflictException", Message: "exists"})
)

// fake is a Resource whose lookups answer from a script and that records what the rules asked of it.
type fake struct {
	finds     []*Found[string] // the answer of each Find, in turn; the last one repeats
	findErr   error
	createErr error
	deleteRes bool
	deleteErr error
	remains   bool
	calls     []string
}

func (f *fake) Find(context.Context) (*Found[string], error) {
	f.calls = append(f.calls, "find")
	if f.findErr != nil {
		return nil, f.findErr
	}
	next := f.finds[0]
	if len(f.finds) > 1 {
		f.finds = f.finds[1:]
	}
	return next, nil
}

func (f *fake) Create(context.Context) (awsapi.Result[string], error) {
	f.calls = append(f.calls, "create")
	if f.createErr != nil {
		return awsapi.Result[string]{}, f.createErr
	}
	o := "new"
	return awsapi.Result[string]{Observed: &o, Created: true}, nil
}

func (f *fake) Update(_ context.Context, r string, res awsapi.Result[string]) (awsapi.Result[string], error) {
	f.calls = append(f.calls, "update "+r)
	res.Observed = &r
	return res, nil
}

func (f *fake) Delete(_ context.Context, r string) (bool, error) {
	f.calls = append(f.calls, "delete "+r)
	return f.deleteRes, f.deleteErr
}

// withRemains is a fake that leaves something behind, as a function leaves its log group.
type withRemains struct{ *fake }

func (w withRemains) DeleteRemains(context.Context) (bool, error) {
	w.calls = append(w.calls, "remains")
	return true, nil
}

// one is a lookup that found the single resource r with the given tags.
func one(r string, byHint bool, tagMap map[string]string) *Found[string] {
	return One(r, byHint, "queue "+r, tagMap)
}

func TestEnsure(t *testing.T) {
	cases := []struct {
		name string
		fake fake
		// want is what Ensure must report: Created/Adopted, the Observed it got, or the outcome reason.
		created, adopted bool
		observed         string
		reason           string
		transient        bool
		calls            []string
	}{
		{name: "absent is created", fake: fake{finds: []*Found[string]{nil}},
			created: true, observed: "new", calls: []string{"find", "create"}},
		{name: "owned, found by hint, is updated", fake: fake{finds: []*Found[string]{one("q", true, ours)}},
			observed: "q", calls: []string{"find", "update q"}},
		{name: "owned, found by name, is adopted", fake: fake{finds: []*Found[string]{one("q", false, ours)}},
			adopted: true, observed: "q", calls: []string{"find", "update q"}},
		{name: "an earlier object's is adopted", fake: fake{finds: []*Found[string]{one("q", true, earlier)}},
			adopted: true, observed: "q", calls: []string{"find", "update q"}},
		{name: "not owned is never touched", fake: fake{finds: []*Found[string]{one("q", true, theirs)}},
			reason: awserr.ReasonNotOwned, calls: []string{"find"}},
		{name: "untagged is never touched", fake: fake{finds: []*Found[string]{one("q", false, nil)}},
			reason: awserr.ReasonNotOwned, calls: []string{"find"}},
		{name: "one foreign part refuses the whole", fake: fake{finds: []*Found[string]{{Resource: "net",
			Parts: []Part{{What: "VPC v", Tags: ours}, {What: "subnet s", Tags: theirs}}}}},
			reason: awserr.ReasonNotOwned, calls: []string{"find"}},
		{name: "conflict on create is found again and adopted",
			fake:    fake{finds: []*Found[string]{nil, one("q", false, ours)}, createErr: conflict},
			adopted: true, observed: "q", calls: []string{"find", "create", "find", "update q"}},
		{name: "conflict with a foreign resource is never touched",
			fake:   fake{finds: []*Found[string]{nil, one("q", false, theirs)}, createErr: conflict},
			reason: awserr.ReasonNotOwned, calls: []string{"find", "create", "find"}},
		{name: "conflict with nothing to find is retried",
			fake:      fake{finds: []*Found[string]{nil}, createErr: conflict},
			transient: true, calls: []string{"find", "create", "find"}},
		{name: "a failed create is returned",
			fake:   fake{finds: []*Found[string]{nil}, createErr: outcome.Failf(awserr.ReasonInvalidSpec, "bad")},
			reason: awserr.ReasonInvalidSpec, calls: []string{"find", "create"}},
		{name: "a failed lookup stops everything", fake: fake{findErr: errors.New("throttled")},
			transient: true, calls: []string{"find"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.fake
			res, err := Ensure(context.Background(), owner, &f)
			if !slices.Equal(f.calls, tc.calls) {
				t.Errorf("calls %v, want %v", f.calls, tc.calls)
			}
			term, terminal := outcome.AsTerminal(err)
			switch {
			case tc.reason != "":
				if !terminal || term.Reason != tc.reason || res.Observed != nil {
					t.Fatalf("Ensure = %+v, %v; want Terminal %s and no result", res, err, tc.reason)
				}
			case tc.transient:
				if err == nil || terminal || res.Observed != nil {
					t.Fatalf("Ensure = %+v, %v; want a transient error", res, err)
				}
			default:
				if err != nil || res.Observed == nil || *res.Observed != tc.observed || res.Created != tc.created ||
					res.Adopted != tc.adopted {
					t.Fatalf("Ensure = %+v, %v; want %q created=%v adopted=%v", res, err, tc.observed, tc.created, tc.adopted)
				}
			}
		})
	}
}

func TestDelete(t *testing.T) {
	cases := []struct {
		name     string
		fake     fake
		remains  bool
		wantGone bool
		wantErr  bool
		calls    []string
	}{
		{name: "absent is gone", fake: fake{finds: []*Found[string]{nil}},
			wantGone: true, calls: []string{"find"}},
		{name: "not owned is gone and never touched", fake: fake{finds: []*Found[string]{one("q", true, theirs)}},
			wantGone: true, calls: []string{"find"}},
		{name: "owned is deleted", fake: fake{finds: []*Found[string]{one("q", true, ours)}, deleteRes: true},
			wantGone: true, calls: []string{"find", "delete q"}},
		{name: "an earlier object's is deleted", fake: fake{finds: []*Found[string]{one("q", false, earlier)}, deleteRes: true},
			wantGone: true, calls: []string{"find", "delete q"}},
		{name: "a deletion in progress is not gone", fake: fake{finds: []*Found[string]{one("q", true, ours)}},
			calls: []string{"find", "delete q"}},
		{name: "not found on delete is gone", fake: fake{finds: []*Found[string]{one("q", true, ours)},
			deleteErr: fmt.Errorf("deleting q: %w", notFound)}, wantGone: true, calls: []string{"find", "delete q"}},
		{name: "a failed delete is returned", fake: fake{finds: []*Found[string]{one("q", true, ours)},
			deleteErr: errors.New("throttled")}, wantErr: true, calls: []string{"find", "delete q"}},
		{name: "a failed lookup is returned", fake: fake{findErr: errors.New("throttled")},
			wantErr: true, calls: []string{"find"}},
		{name: "owned parts next to foreign ones are deleted", fake: fake{finds: []*Found[string]{{Resource: "net",
			Parts: []Part{{What: "VPC v", Tags: ours}, {What: "subnet s", Tags: theirs}}}}, deleteRes: true},
			wantGone: true, calls: []string{"find", "delete net"}},
		{name: "remains go after the resource", remains: true,
			fake:     fake{finds: []*Found[string]{one("q", true, ours)}, deleteRes: true},
			wantGone: true, calls: []string{"find", "delete q", "remains"}},
		{name: "remains go when the resource went earlier", remains: true, fake: fake{finds: []*Found[string]{nil}},
			wantGone: true, calls: []string{"find", "remains"}},
		{name: "remains wait for the resource", remains: true, fake: fake{finds: []*Found[string]{one("q", true, ours)}},
			calls: []string{"find", "delete q"}},
		{name: "remains of a foreign resource are never touched", remains: true,
			fake: fake{finds: []*Found[string]{one("q", true, theirs)}}, wantGone: true, calls: []string{"find"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.fake
			var r Resource[string, string] = &f
			if tc.remains {
				r = withRemains{&f}
			}
			gone, err := Delete(context.Background(), owner, r)
			if gone != tc.wantGone || (err != nil) != tc.wantErr {
				t.Fatalf("Delete = %v, %v; want gone=%v, error=%v", gone, err, tc.wantGone, tc.wantErr)
			}
			if !slices.Equal(f.calls, tc.calls) {
				t.Errorf("calls %v, want %v", f.calls, tc.calls)
			}
		})
	}
}

func TestNotOwnedMessage(t *testing.T) {
	cases := map[string][]string{
		`pipe "x" exists but is not tagged as owned by KafkaPipeline ns/orders (cluster id "c1"); it is left untouched`:               {`pipe "x"`},
		`VPC "v", subnet "s" exist but are not tagged as owned by KafkaPipeline ns/orders (cluster id "c1"); they are left untouched`: {`VPC "v"`, `subnet "s"`},
	}
	for want, what := range cases {
		err := NotOwned(owner, what...)
		if term, ok := outcome.AsTerminal(err); !ok || term.Reason != awserr.ReasonNotOwned || err.Error() != want {
			t.Errorf("NotOwned(%q) = %v, want Terminal NotOwned %q", what, err, want)
		}
	}
}
