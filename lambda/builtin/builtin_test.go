package builtin

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func TestZip(t *testing.T) {
	if _, err := Zip("sparc"); err == nil || !strings.Contains(err.Error(), "x86_64 or arm64") {
		t.Fatalf("unknown architecture: err = %v", err)
	}
	for _, arch := range []string{"", "x86_64", "arm64"} {
		b, err := Zip(arch)
		if err != nil {
			t.Fatalf("Zip(%q): %v (make test builds the zips first)", arch, err)
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("Zip(%q) is not a zip: %v", arch, err)
		}
		if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode()&0o111 == 0 {
			t.Fatalf("Zip(%q) must hold one executable named bootstrap, has %v", arch, zr.File)
		}
	}
}

func TestZipIsReadOnce(t *testing.T) {
	a, err := Zip("x86_64")
	if err != nil {
		t.Fatalf("Zip: %v (make test builds the zips first)", err)
	}
	b, err := Zip("")
	if err != nil {
		t.Fatal(err)
	}
	if &a[0] != &b[0] {
		t.Errorf("Zip copied the zip again instead of returning the bytes it read once")
	}
}

func TestZipSHA256IsTheZipsCodeSha256(t *testing.T) {
	if _, err := ZipSHA256("sparc"); err == nil || !strings.Contains(err.Error(), "x86_64 or arm64") {
		t.Fatalf("unknown architecture: err = %v", err)
	}
	for _, arch := range []string{"", "x86_64", "arm64"} {
		b, err := Zip(arch)
		if err != nil {
			t.Fatalf("Zip(%q): %v (make test builds the zips first)", arch, err)
		}
		sum := sha256.Sum256(b)
		got, err := ZipSHA256(arch)
		if err != nil {
			t.Fatalf("ZipSHA256(%q): %v", arch, err)
		}
		if want := base64.StdEncoding.EncodeToString(sum[:]); got != want {
			t.Errorf("ZipSHA256(%q) = %s, want %s", arch, got, want)
		}
	}
}
