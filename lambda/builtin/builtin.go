// Package builtin carries the built-in record processor's deployment zips inside the manager binary, so
// `code: {builtin: {}}` needs no external artifact. The zips are built by `make lambda-zips` (the Makefile's
// build and test targets and the Dockerfile run it) into dist/ before the manager is compiled; a build
// without them still compiles, and Zip then says how to add them.
package builtin

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"sync"
)

//go:embed dist
var dist embed.FS

// zips reads each architecture's zip out of the binary once: a zip is megabytes, reading it copies it,
// and every reconcile of a pipeline with built-in code asks for it.
var zips = map[string]func() ([]byte, error){"amd64": readOnce("amd64"), "arm64": readOnce("arm64")}

// sums hashes each architecture's zip once: hashing megabytes on every reconcile costs CPU at scale.
var sums = map[string]func() (string, error){"amd64": sumOnce("amd64"), "arm64": sumOnce("arm64")}

func readOnce(goarch string) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) { return dist.ReadFile("dist/processor-" + goarch + ".zip") })
}

func sumOnce(goarch string) func() (string, error) {
	return sync.OnceValues(func() (string, error) {
		b, err := zips[goarch]()
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(b)
		return base64.StdEncoding.EncodeToString(sum[:]), nil
	})
}

// Zip returns the provided.al2023 deployment zip of the processor for an architecture ("x86_64" or
// "arm64"; "" means x86_64). Every call returns the same bytes: callers must not modify them.
func Zip(arch string) ([]byte, error) {
	return forArch(arch, zips)
}

// ZipSHA256 returns the SHA-256 of Zip(arch), base64-encoded as Lambda reports a function's CodeSha256. It
// is computed once per architecture.
func ZipSHA256(arch string) (string, error) {
	return forArch(arch, sums)
}

// forArch calls the architecture's entry of per (keyed by Go architecture), with the errors of Zip.
func forArch[T any](arch string, per map[string]func() (T, error)) (T, error) {
	var zero T
	goarch := map[string]string{"": "amd64", "x86_64": "amd64", "arm64": "arm64"}[arch]
	if goarch == "" {
		return zero, fmt.Errorf("no built-in processor for architecture %q (want x86_64 or arm64)", arch)
	}
	v, err := per[goarch]()
	if err != nil {
		return zero, fmt.Errorf("the built-in processor for %s was not built into this manager: run `make lambda-zips` before building it", arch)
	}
	return v, nil
}
