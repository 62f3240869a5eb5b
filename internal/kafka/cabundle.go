package kafka

import (
	"crypto/x509"
	"fmt"
	"os"
)

// CABundle returns the system's roots plus the PEM certificates in path, for Admin.RootCAs; an empty
// path returns nil (the system's roots alone).
func CABundle(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the CA bundle: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("the CA bundle %s holds no PEM certificate", path)
	}
	return pool, nil
}
