// Package builtin carries the built-in record processor's deployment zips inside the manager binary, so
// `code: {builtin: {}}` needs no external artifact. The zips are built by `make lambda-zips` (the Makefile's
// build and test targets and the Dockerfile run it) into dist/ before the manager is compiled; a build
// without them still compiles, and Zip then says how to add them.
package builtin

import (
	"embed"
	"fmt"
)

//go:embed dist
var dist embed.FS

// Zip returns the provided.al2023 deployment zip of the processor for an architecture ("x86_64" or
// "arm64"; "" means x86_64).
func Zip(arch string) ([]byte, error) {
	goarch := map[string]string{"": "amd64", "x86_64": "amd64", "arm64": "arm64"}[arch]
	if goarch == "" {
		return nil, fmt.Errorf("no built-in processor for architecture %q (want x86_64 or arm64)", arch)
	}
	b, err := dist.ReadFile("dist/processor-" + goarch + ".zip")
	if err != nil {
		return nil, fmt.Errorf("the built-in processor for %s was not built into this manager: run `make lambda-zips` before building it", arch)
	}
	return b, nil
}
