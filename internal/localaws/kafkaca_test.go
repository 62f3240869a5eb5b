package localaws_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/adminclient"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/certs"
)

func startWith(t *testing.T, opts localaws.Options) *localaws.Instance {
	t.Helper()
	opts.Addr, opts.Profile = "127.0.0.1:0", "instant"
	inst, err := localaws.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop() })
	return inst
}

func TestKafkaCAIsKeptPerDataDirectoryAndPublished(t *testing.T) {
	dir := t.TempDir()
	first := startWith(t, localaws.Options{DataDir: dir})
	if first.KafkaCAFile != filepath.Join(dir, certs.CertFile) {
		t.Fatalf("KafkaCAFile = %q, want %s in the data directory", first.KafkaCAFile, certs.CertFile)
	}
	onDisk, err := os.ReadFile(first.KafkaCAFile)
	if err != nil || !bytes.Equal(onDisk, first.KafkaCA) {
		t.Fatalf("the CA file does not hold the CA in use (%v)", err)
	}
	served, err := adminclient.New(first.Endpoint).KafkaCA(context.Background())
	if err != nil || !bytes.Equal(served, first.KafkaCA) {
		t.Fatalf("GET /_localaws/kafka/ca.pem = %q, %v; want the CA", served, err)
	}
	if again := startWith(t, localaws.Options{DataDir: dir}); !bytes.Equal(again.KafkaCA, first.KafkaCA) {
		t.Fatal("a second instance on the same data directory has another CA")
	}
	if other := startWith(t, localaws.Options{}); bytes.Equal(other.KafkaCA, first.KafkaCA) || other.KafkaCAFile != "" {
		t.Fatal("an instance without a data directory must have a CA of its own, in memory")
	}
}

func TestKafkaCAFromFiles(t *testing.T) {
	dir := t.TempDir()
	from := startWith(t, localaws.Options{DataDir: dir})
	key := filepath.Join(dir, certs.KeyFile)
	inst := startWith(t, localaws.Options{KafkaCACert: from.KafkaCAFile, KafkaCAKey: key, DataDir: t.TempDir()})
	if !bytes.Equal(inst.KafkaCA, from.KafkaCA) || inst.KafkaCAFile != from.KafkaCAFile {
		t.Fatal("the CA given by file is not the one in use")
	}
	if _, err := localaws.Start(context.Background(), localaws.Options{Addr: "127.0.0.1:0", KafkaCACert: from.KafkaCAFile}); err == nil {
		t.Fatal("a CA certificate without its key was accepted")
	}
}
