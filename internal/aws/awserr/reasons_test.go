package awserr

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// outcomeReasonArg is the position of the reason among the arguments of each outcome constructor.
var outcomeReasonArg = map[string]int{"Wait": 1, "Fail": 0, "Failf": 0, "Block": 0}

// TestEveryOutcomeReasonIsDeclaredHere reads the source of every internal/aws package and checks that each
// outcome it builds takes its reason from the constants of this package: never a string literal, never a
// constant of its own. A reason held in a variable (a table of states) is accepted; the table's values are
// references like any other and are checked the same way, since every Reason identifier must name one of
// the constants below.
func TestEveryOutcomeReasonIsDeclaredHere(t *testing.T) {
	declared := reasonConstants(t)
	if len(declared) == 0 {
		t.Fatal("no Reason constants found in awserr.go")
	}
	seen := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inAwserr := f.Name.Name == "awserr"
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || !isIdent(sel.X, "outcome") {
					return true
				}
				i, ok := outcomeReasonArg[sel.Sel.Name]
				if !ok || i >= len(n.Args) {
					return true
				}
				if name, ok := reasonRef(n.Args[i], inAwserr); ok {
					seen[name] = true
				} else if _, variable := n.Args[i].(*ast.Ident); !variable || isLiteral(n.Args[i]) {
					t.Errorf("%s: outcome.%s takes reason %s; use a Reason constant of package awserr",
						fset.Position(n.Pos()), sel.Sel.Name, exprText(n.Args[i]))
				}
			case *ast.SelectorExpr:
				if isIdent(n.X, "awserr") && strings.HasPrefix(n.Sel.Name, "Reason") {
					if _, ok := declared[n.Sel.Name]; !ok {
						t.Errorf("%s: awserr.%s is not a declared reason", fset.Position(n.Pos()), n.Sel.Name)
					}
					seen[n.Sel.Name] = true
				}
			case *ast.GenDecl:
				if n.Tok == token.CONST && !inAwserr {
					for _, spec := range n.Specs {
						for _, id := range spec.(*ast.ValueSpec).Names {
							if strings.HasPrefix(id.Name, "Reason") {
								t.Errorf("%s: package %s declares its own reason %s", fset.Position(id.Pos()), f.Name.Name, id.Name)
							}
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range declared {
		if !seen[name] {
			t.Errorf("reason %s is declared but no outcome uses it", name)
		}
	}
}

// reasonConstants returns the Reason constants of awserr.go with their values, checking the values are
// distinct.
func reasonConstants(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "awserr.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out, values := map[string]string{}, map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "Reason") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s is not a string literal", id.Name)
				}
				v, _ := strconv.Unquote(lit.Value)
				if other, dup := values[v]; dup {
					t.Errorf("%s and %s are both %q", other, id.Name, v)
				}
				out[id.Name], values[v] = v, id.Name
			}
		}
	}
	return out
}

// reasonRef returns the constant a reason expression names: awserr.ReasonX, or ReasonX inside awserr.
func reasonRef(e ast.Expr, inAwserr bool) (string, bool) {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		if isIdent(e.X, "awserr") && strings.HasPrefix(e.Sel.Name, "Reason") {
			return e.Sel.Name, true
		}
	case *ast.Ident:
		if inAwserr && strings.HasPrefix(e.Name, "Reason") {
			return e.Name, true
		}
	}
	return "", false
}

// isLiteral reports whether e is a literal or an exported identifier, neither of which is a variable.
func isLiteral(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return !ok || ast.IsExported(id.Name)
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func exprText(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		return lit.Value
	}
	if sel, ok := e.(*ast.SelectorExpr); ok {
		return exprText(sel.X) + "." + sel.Sel.Name
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "an expression"
}
