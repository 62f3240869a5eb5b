package tags

import (
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
)

func TestNotOwned(t *testing.T) {
	o := Owner{ClusterID: "c1", Kind: "KafkaPipeline", Namespace: "ns", Name: "p"}
	err := o.NotOwned(`pipe "x"`)
	term, ok := outcome.AsTerminal(err)
	if !ok || term.Reason != ReasonNotOwned {
		t.Fatalf("NotOwned = %v, want a Terminal %s outcome", err, ReasonNotOwned)
	}
	want := `pipe "x" exists but is not tagged as owned by KafkaPipeline ns/p (cluster id "c1"); it is left untouched`
	if err.Error() != want {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}
}
