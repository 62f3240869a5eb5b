package kafka

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/certs"
)

func TestCABundleAddsToTheSystemRoots(t *testing.T) {
	if pool, err := CABundle(""); pool != nil || err != nil {
		t.Fatalf("no bundle: %v, %v; want nil (the system's roots)", pool, err)
	}
	ca, err := certs.New()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(path, ca.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	pool, err := CABundle(path)
	if err != nil {
		t.Fatal(err)
	}
	if !pool.Equal(withSystem(t, ca.CertPEM())) {
		t.Fatal("the pool is not the system's roots plus the bundle")
	}
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{empty, filepath.Join(dir, "missing.pem")} {
		if _, err := CABundle(bad); err == nil {
			t.Errorf("%s: accepted", filepath.Base(bad))
		}
	}
}

func withSystem(t *testing.T, pem []byte) *x509.CertPool {
	t.Helper()
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pool.AppendCertsFromPEM(pem)
	return pool
}
