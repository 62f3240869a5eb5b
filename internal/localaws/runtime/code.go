package runtime

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// codeCache extracts each deployment package once, into a directory named for its content hash, and
// writes the runtime clients once.
type codeCache struct {
	root    string
	owned   bool // root was created here and is removed by remove
	mu      sync.Mutex
	entries map[string]*codeEntry
	clients codeEntry
}

type codeEntry struct {
	once sync.Once
	dir  string
	err  error
}

func newCodeCache(root string) (*codeCache, error) {
	owned := root == ""
	if owned {
		dir, err := os.MkdirTemp("", "localaws-lambda-")
		if err != nil {
			return nil, fmt.Errorf("creating the Lambda work directory: %w", err)
		}
		root = dir
	} else if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("creating the Lambda work directory: %w", err)
	}
	return &codeCache{root: root, owned: owned, entries: map[string]*codeEntry{}}, nil
}

// taskRoot returns the directory holding the extracted zip, extracting it on first use.
func (c *codeCache) taskRoot(zipData []byte) (string, error) {
	sum := sha256.Sum256(zipData)
	key := hex.EncodeToString(sum[:])
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &codeEntry{dir: filepath.Join(c.root, "task-"+key)}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.err = extract(zipData, e.dir) })
	return e.dir, e.err
}

// runtimeDir returns the directory holding the runtime clients (LAMBDA_RUNTIME_DIR).
func (c *codeCache) runtimeDir() (string, error) {
	e := &c.clients
	e.once.Do(func() {
		e.dir = filepath.Join(c.root, "runtime")
		if err := os.MkdirAll(e.dir, 0o755); err != nil {
			e.err = fmt.Errorf("creating the runtime directory: %w", err)
			return
		}
		for name, data := range runtimeClients {
			if err := os.WriteFile(filepath.Join(e.dir, name), data, 0o644); err != nil {
				e.err = fmt.Errorf("writing the runtime client %s: %w", name, err)
				return
			}
		}
	})
	return e.dir, e.err
}

// remove deletes the work directory if New created it.
func (c *codeCache) remove() error {
	if !c.owned {
		return nil
	}
	if err := os.RemoveAll(c.root); err != nil {
		return fmt.Errorf("removing the Lambda work directory: %w", err)
	}
	return nil
}

// extract unpacks a zip into dir (through a temporary sibling, so a half-written tree is never used).
// Entries keep their permission bits; bootstrap is always made executable, as Lambda does. Entries that
// would land outside dir are refused.
func extract(zipData []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return fmt.Errorf("opening the deployment package: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".extract-")
	if err != nil {
		return fmt.Errorf("extracting the deployment package: %w", err)
	}
	for _, f := range zr.File {
		if err := extractFile(f, tmp); err != nil {
			_ = os.RemoveAll(tmp)
			return fmt.Errorf("extracting %s: %w", f.Name, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("extracting the deployment package: %w", err)
	}
	return nil
}

func extractFile(f *zip.File, root string) error {
	name := filepath.Clean(filepath.FromSlash(f.Name))
	if name == "." || filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
		return fmt.Errorf("the entry path leaves the package")
	}
	path := filepath.Join(root, name)
	mode := f.Mode()
	switch {
	case mode.IsDir():
		return os.MkdirAll(path, 0o755)
	case mode&fs.ModeSymlink != 0:
		return extractSymlink(f, root, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	perm := mode.Perm() | 0o444
	if name == "bootstrap" {
		perm |= 0o111
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, rc); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// extractSymlink recreates a symbolic link whose target stays inside the package.
func extractSymlink(f *zip.File, root, path string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	target, err := io.ReadAll(io.LimitReader(rc, 4096))
	_ = rc.Close()
	if err != nil {
		return err
	}
	resolved := filepath.Join(filepath.Dir(path), string(target))
	if filepath.IsAbs(string(target)) || !strings.HasPrefix(resolved, root+string(filepath.Separator)) {
		return fmt.Errorf("the symbolic link points outside the package")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.Symlink(string(target), path)
}
