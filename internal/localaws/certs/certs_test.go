package certs

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateKeepsTheCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", fi, err)
	}
	again, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.CertPEM(), again.CertPEM()) {
		t.Fatal("a second start generated another CA")
	}
	onDisk, _ := os.ReadFile(filepath.Join(dir, CertFile))
	if !bytes.Equal(onDisk, first.CertPEM()) {
		t.Fatal("the published certificate is not the CA in use")
	}
}

func TestLoadRefusesALeafCertificate(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := a.ServerConfig("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	leaf := cfg.Certificates[0]
	certPath, keyPath := filepath.Join(dir, "leaf.pem"), filepath.Join(dir, "leaf-key.pem")
	writePEM(t, certPath, "CERTIFICATE", leaf.Certificate[0])
	der, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, keyPath, "PRIVATE KEY", der)
	if _, err := Load(certPath, keyPath); err == nil {
		t.Fatal("a leaf certificate was taken as a CA")
	}
}

func TestServerCertificateVerifiesForItsHosts(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := a.ServerConfig("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			_ = c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, name := range []string{"127.0.0.1", "localhost"} {
		c, err := tls.Dial("tcp", net.JoinHostPort("127.0.0.1", port), &tls.Config{ServerName: name, RootCAs: a.Pool()})
		if err != nil {
			t.Errorf("verifying as %s: %v", name, err)
			continue
		}
		_ = c.Close()
	}
	if c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{ServerName: "example.com", RootCAs: a.Pool()}); err == nil {
		_ = c.Close()
		t.Error("the certificate verified for a host it does not name")
	}
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
