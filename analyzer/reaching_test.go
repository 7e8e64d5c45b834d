package analyzer

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
)

// reachingByScan is the definition reaching implements, computed the
// direct way: every assignment of v is looked at for every read, and every
// loop and function literal for every assignment after the read.
func (u *unit) reachingByScan(v types.Object, pos token.Pos) ([]rhs, bool) {
	all := u.assigns[v]
	var dom token.Pos
	for _, r := range all {
		if r.end <= pos && r.block[0] <= pos && pos < r.block[1] && r.pos > dom {
			dom = r.pos
		}
	}
	inOneLoop := func(a, b token.Pos) bool {
		for _, l := range u.loops {
			if l[0] <= a && a < l[1] && l[0] <= b && b < l[1] {
				return true
			}
		}
		return false
	}
	inLitWithout := func(pos, def token.Pos) bool {
		for _, l := range u.lits {
			if l[0] <= pos && pos < l[1] && (def < l[0] || def >= l[1]) {
				return true
			}
		}
		return false
	}
	var out []rhs
	for _, r := range all {
		switch {
		case r.end <= pos:
			if r.pos >= dom {
				out = append(out, r)
			}
		case r.pos > pos:
			if inOneLoop(pos, r.pos) || inLitWithout(pos, r.pos) {
				out = append(out, r)
			}
		}
	}
	return out, dom == token.NoPos
}

// randomBody writes statements that assign and read p, nested in blocks,
// ifs, loops, switches and function literals, to the given depth.
func randomBody(r *rand.Rand, b *strings.Builder, depth, n int) {
	indent := strings.Repeat("\t", depth+1)
	for range n {
		switch k := r.IntN(9); {
		case k < 2:
			fmt.Fprintf(b, "%sp = \"a%d\"\n", indent, r.IntN(100))
		case k < 3:
			fmt.Fprintf(b, "%sp += use(p)\n", indent)
		case k < 4:
			fmt.Fprintf(b, "%s_ = use(p)\n", indent)
		case depth >= 3:
			fmt.Fprintf(b, "%sp = p + \"b\"\n", indent)
		case k < 5:
			fmt.Fprintf(b, "%sif c() {\n", indent)
			randomBody(r, b, depth+1, 1+r.IntN(3))
			fmt.Fprintf(b, "%s} else {\n", indent)
			randomBody(r, b, depth+1, r.IntN(3))
			fmt.Fprintf(b, "%s}\n", indent)
		case k < 6:
			fmt.Fprintf(b, "%sfor c() {\n", indent)
			randomBody(r, b, depth+1, 1+r.IntN(3))
			fmt.Fprintf(b, "%s}\n", indent)
		case k < 7:
			fmt.Fprintf(b, "%sfunc() {\n", indent)
			randomBody(r, b, depth+1, 1+r.IntN(3))
			fmt.Fprintf(b, "%s}()\n", indent)
		case k < 8:
			fmt.Fprintf(b, "%sswitch {\n%scase c():\n", indent, indent)
			randomBody(r, b, depth+1, 1+r.IntN(2))
			fmt.Fprintf(b, "%sdefault:\n", indent)
			randomBody(r, b, depth+1, r.IntN(2))
			fmt.Fprintf(b, "%s}\n", indent)
		default:
			fmt.Fprintf(b, "%s{\n", indent)
			randomBody(r, b, depth+1, 1+r.IntN(3))
			fmt.Fprintf(b, "%s}\n", indent)
		}
	}
}

// TestReachingMatchesScan checks reaching against reachingByScan at every
// read of p in random functions of nested branches, loops and closures.
func TestReachingMatchesScan(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	r := rand.New(rand.NewPCG(7, 11))
	for i := range n {
		var b strings.Builder
		b.WriteString("package p\n\nfunc c() bool { return false }\n\nfunc use(s string) string { return s }\n\nfunc f(p string) {\n")
		randomBody(r, &b, 0, 3+r.IntN(8))
		b.WriteString("\t_ = use(p)\n}\n")
		src := b.String()
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "p.go", src, 0)
		if err != nil {
			t.Fatalf("variant %d does not parse: %v\n%s", i, err, src)
		}
		info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
		if _, err := (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{file}, info); err != nil {
			t.Fatalf("variant %d does not type-check: %v\n%s", i, err, src)
		}
		c := &checker{pass: &analysis.Pass{TypesInfo: info, Fset: fset}}
		var decl *ast.FuncDecl
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "f" {
				decl = fd
			}
		}
		u := c.newUnit(file, decl)
		reads := 0
		ast.Inspect(decl, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || id.Name != "p" || info.Uses[id] == nil {
				return true
			}
			v := info.Uses[id]
			got, gotEntry := u.reaching(v, id.Pos())
			want, wantEntry := u.reachingByScan(v, id.Pos())
			if gotEntry != wantEntry || !slices.EqualFunc(got, want, func(a, b rhs) bool { return a.pos == b.pos && a.expr == b.expr && a.index == b.index }) {
				t.Fatalf("variant %d, read at %s: reaching = %d assignments (entry %v), the scan = %d (entry %v)\n%s",
					i, fset.Position(id.Pos()), len(got), gotEntry, len(want), wantEntry, src)
			}
			reads++
			return true
		})
		if reads == 0 {
			t.Fatalf("variant %d has no read of p", i)
		}
	}
}
