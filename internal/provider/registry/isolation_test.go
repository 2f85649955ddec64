package registry_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/provider/registry"
)

// TestOnlyTheRegistryImportsProviders: no production file outside a
// provider's own package and the registry imports a provider's package, so
// that a route is added by a package and a registry line, and nothing else
// knows it (test files may, to drive it).
func TestOnlyTheRegistryImportsProviders(t *testing.T) {
	t.Parallel()
	const module = "github.com/passerelle/passerelle/"
	providers := map[string]bool{}
	for _, f := range registry.Factories() {
		providers[module+"internal/provider/"+f.Name] = true
	}
	root := filepath.Join("..", "..", "..")
	fset := token.NewFileSet()
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		if dir == "internal/provider/registry" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		seen++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if providers[p] && module+dir != p && !strings.HasPrefix(module+dir, p+"/") {
				t.Errorf("%s imports %s: only the registry may", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 100 {
		t.Fatalf("read %d files: not the repository", seen)
	}
}
