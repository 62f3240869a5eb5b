package lawstest

import (
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/server"
)

// AddFault adds a fault rule to the localaws server at endpoint through its admin API, failing t when the
// server refuses it.
func AddFault(t testing.TB, endpoint string, f server.Fault) {
	t.Helper()
	if _, err := adminclient.New(endpoint).AddFault(t.Context(), f); err != nil {
		t.Fatalf("adding fault %+v: %v", f, err)
	}
}
