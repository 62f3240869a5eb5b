package image

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/devstack"
)

// TestTheDockerfilesBuildIsTheImagesBinary builds the manager as the Dockerfile's build stage does (the
// source tree copied elsewhere without .git, hack/build-manager.sh run there) and checks that the result is
// byte for byte the /manager inside the image that `make image` built around `make build`'s binary, and
// that the Dockerfile pins the Go version that built both.
func TestTheDockerfilesBuildIsTheImagesBinary(t *testing.T) {
	image := os.Getenv("IMAGE")
	if image == "" {
		t.Skip("IMAGE is not set: run `make test-image`, which builds the image and runs this test on it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := devstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	// The Dockerfile's build stage runs its own Go: the bytes match only when it is this one.
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		t.Fatalf("go env GOVERSION: %v", err)
	}
	pin := "ARG GO_VERSION=" + strings.TrimPrefix(strings.TrimSpace(string(goVersion)), "go") + "\n"
	if !strings.Contains(string(dockerfile), pin) {
		t.Errorf("the Dockerfile does not say %q: its build stage would use another Go than make build", strings.TrimSpace(pin))
	}

	src := filepath.Join(t.TempDir(), "src")
	copySource(ctx, t, root, src)
	out := filepath.Join(t.TempDir(), "manager")
	build := exec.CommandContext(ctx, filepath.Join(src, "hack", "build-manager.sh"), out)
	build.Dir = src
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("hack/build-manager.sh in a copy of the source: %v\n%s", err, b)
	}

	extracted := filepath.Join(t.TempDir(), "from-image")
	b, err := podman(ctx, "create", image)
	if err != nil {
		t.Fatalf("podman create: %v\n%s", err, b)
	}
	id := string(bytes.TrimSpace(b))
	defer func() { _, _ = podman(context.Background(), "rm", id) }()
	if b, err := podman(ctx, "cp", id+":/manager", extracted); err != nil {
		t.Fatalf("podman cp: %v\n%s", err, b)
	}
	if got, want := digest(t, extracted), digest(t, out); got != want {
		t.Fatalf("/manager in %s has sha256 %s; the Dockerfile's build of the same source has %s", image, got, want)
	}
}

// copySource copies the files Git tracks or would track (what a Docker build context holds, less the
// ignored ones) from root to dst.
func copySource(ctx context.Context, t *testing.T, root, dst string) {
	t.Helper()
	list := exec.CommandContext(ctx, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	list.Dir = root
	names, err := list.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range bytes.Split(bytes.TrimSuffix(names, []byte{0}), []byte{0}) {
		from, to := filepath.Join(root, string(name)), filepath.Join(dst, string(name))
		info, err := os.Lstat(from)
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet in the index
		}
		if err != nil {
			t.Fatal(err)
		}
		if !info.Mode().IsRegular() {
			continue // links and the like: not source
		}
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// digest is a file's SHA-256 in hex.
func digest(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
