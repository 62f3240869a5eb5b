package conditions

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is the import path of the repository's root, and root its directory from this package.
const (
	module = "github.com/kafkapipeline/kafka-pipeline-operator"
	root   = "../.."
)

// The reasons the controllers emit, the reasons the API documents and the README's troubleshooting table
// must be one set, and the vocabulary's classes must cover it.
func TestReasonVocabularyIsEmittedAndDocumented(t *testing.T) {
	emitted := emittedReasons(t)
	api := apiReasons(t)
	readme := readmeReasons(t)
	vocab := Reasons()
	for name, set := range map[string][]string{"emitted by the controllers and the AWS layer": emitted,
		"documented in api/v1alpha1/conditions.go": api, "in the README's troubleshooting table": readme} {
		if !slices.Equal(set, vocab) {
			t.Errorf("reasons %s differ from the vocabulary:\n  only there: %v\n  missing:    %v", name,
				without(set, vocab), without(vocab, set))
		}
	}
}

func without(a, b []string) []string {
	return slices.DeleteFunc(slices.Clone(a), func(s string) bool { return slices.Contains(b, s) })
}

// pkgConsts are the string constants of one package directory, as expressions to resolve.
type pkgConsts map[string]ast.Expr

// scan is the parsed non-test Go code of the directories that emit reasons.
type scan struct {
	fset   *token.FileSet
	consts map[string]pkgConsts // by directory
	files  map[string][]*ast.File
}

func parseDirs(t *testing.T, dirs ...string) *scan {
	t.Helper()
	s := &scan{fset: token.NewFileSet(), consts: map[string]pkgConsts{}, files: map[string][]*ast.File{}}
	for _, d := range dirs {
		err := filepath.WalkDir(filepath.Join(root, d), func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(s.fset, path, nil, 0)
			if err != nil {
				return err
			}
			dir := filepath.Dir(path)
			s.files[dir] = append(s.files[dir], f)
			if s.consts[dir] == nil {
				s.consts[dir] = pkgConsts{}
			}
			for _, decl := range f.Decls {
				if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.CONST {
					for _, spec := range g.Specs {
						vs := spec.(*ast.ValueSpec)
						for i, n := range vs.Names {
							if i < len(vs.Values) {
								s.consts[dir][n.Name] = vs.Values[i]
							}
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// resolve returns the string value of a constant expression in a file of dir, or "" when it is not one.
func (s *scan) resolve(dir string, f *ast.File, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if v, err := strconv.Unquote(e.Value); err == nil {
			return v
		}
	case *ast.Ident:
		if v, ok := s.consts[dir][e.Name]; ok {
			return s.resolve(dir, f, v)
		}
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			return ""
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			name := filepath.Base(path)
			if imp.Name != nil {
				name = imp.Name.Name
			}
			if name != x.Name || !strings.HasPrefix(path, module+"/") {
				continue
			}
			target := filepath.Join(root, strings.TrimPrefix(path, module+"/"))
			if v, ok := s.consts[target][e.Sel.Name]; ok {
				for _, tf := range s.files[target] {
					if r := s.resolve(target, tf, v); r != "" {
						return r
					}
				}
			}
		}
	}
	return ""
}

// reasonArg is where each reason-taking function has its reason.
var reasonArg = map[string]int{"Wait": 1, "Await": 0, "Block": 0, "Fail": 0, "Failf": 0, "Set": 4, "set": 2}

// emittedReasons collects the reasons the code can write: every constant named Reason*, every constant or
// literal passed as the reason of an outcome or a condition, and every API reason the code refers to.
func emittedReasons(t *testing.T) []string {
	s := parseDirs(t, "api/v1alpha1", "controllers", "internal/conditions", "internal/outcome", "internal/aws",
		"internal/kafka")
	found := map[string]bool{}
	for dir, files := range s.files {
		if strings.HasSuffix(dir, filepath.Join("api", "v1alpha1")) {
			continue // the documented set, compared separately
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					for i, id := range n.Names {
						if strings.HasPrefix(id.Name, "Reason") && i < len(n.Values) {
							found[s.resolve(dir, f, n.Values[i])] = true
						}
					}
				case *ast.SelectorExpr:
					if x, ok := n.X.(*ast.Ident); ok && x.Name == "v1alpha1" && strings.HasPrefix(n.Sel.Name, "Reason") {
						found[s.resolve(dir, f, n)] = true
					}
				case *ast.CallExpr:
					name := ""
					switch fn := n.Fun.(type) {
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					case *ast.Ident:
						name = fn.Name
					}
					if i, ok := reasonArg[name]; ok && i < len(n.Args) {
						if lit, ok := n.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							found[s.resolve(dir, f, lit)] = true
						}
					}
				}
				return true
			})
		}
	}
	delete(found, "")
	return sorted(found)
}

// apiReasons are the values of the Reason* constants of the API.
func apiReasons(t *testing.T) []string {
	s := parseDirs(t, "api/v1alpha1")
	dir := filepath.Join(root, "api", "v1alpha1")
	found := map[string]bool{}
	for name, e := range s.consts[dir] {
		if strings.HasPrefix(name, "Reason") {
			found[s.resolve(dir, s.files[dir][0], e)] = true
		}
	}
	return sorted(found)
}

// readmeReasons are the reasons in the first column of the README's troubleshooting table.
func readmeReasons(t *testing.T) []string {
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "## Troubleshooting by condition reason")
	if !ok {
		t.Fatal("README.md has no troubleshooting table")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	found := map[string]bool{}
	cell := regexp.MustCompile("`([A-Za-z]+)`")
	for _, line := range strings.Split(section, "\n") {
		if cols := strings.Split(line, "|"); len(cols) > 2 {
			for _, m := range cell.FindAllStringSubmatch(cols[1], -1) {
				found[m[1]] = true
			}
		}
	}
	return sorted(found)
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
