package mammoth_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryServiceMethodHasAnExample keeps the promise that every exported
// method of the client and its services, and every exported function and
// method of mammothtest, has a runnable example in the package docs.
func TestEveryServiceMethodHasAnExample(t *testing.T) {
	for _, dir := range []string{".", "mammothtest"} {
		wanted, examples := exportedAPI(t, dir)
		for _, name := range wanted {
			found := false
			for ex := range examples {
				if ex == name || strings.HasPrefix(ex, name+"_") {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: no %s()", dir, name)
			}
		}
	}
}

// exportedAPI lists the example names dir's API needs (Example<Type>_<Method>
// or Example<Func>) and the examples its tests hold.
func exportedAPI(t *testing.T, dir string) (wanted []string, examples map[string]bool) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	examples = map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		test := strings.HasSuffix(path, "_test.go")
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			if test {
				if strings.HasPrefix(fn.Name.Name, "Example") {
					examples[fn.Name.Name] = true
				}
				continue
			}
			if name := exampleName(dir, fn); name != "" {
				wanted = append(wanted, name)
			}
		}
	}
	return wanted, examples
}

// exampleName is the example a function or method needs, or "" for one
// that is not the package's API to show: methods that implement standard
// interfaces, and in the root package anything but the client's and its
// services' methods.
func exampleName(dir string, fn *ast.FuncDecl) string {
	if fn.Recv == nil {
		if dir == "." {
			return ""
		}
		return "Example" + fn.Name.Name
	}
	recv := fn.Recv.List[0].Type
	if star, ok := recv.(*ast.StarExpr); ok {
		recv = star.X
	}
	id, ok := recv.(*ast.Ident)
	if !ok || !id.IsExported() {
		return ""
	}
	switch fn.Name.Name {
	case "Format", "LogValue", "String", "Error", "Unwrap", "Is", "MarshalJSON", "UnmarshalJSON":
		return ""
	}
	if dir == "." && id.Name != "Client" && !strings.HasSuffix(id.Name, "Service") {
		return ""
	}
	return "Example" + id.Name + "_" + fn.Name.Name
}
