package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"strings"
)

// privateTarget reports whether a path can be written non-atomically
// without risk: a device such as /dev/stdout, or a file in a directory that
// the same declaration has just created with os.MkdirTemp, ioutil.TempDir
// or t.TempDir, where no existing file is replaced and no other process
// looks before the function hands the path on.
func (c *checker) privateTarget(u *unit, path ast.Expr) bool {
	for _, t := range c.tails(u, path, 0) {
		if t.whole && t.param < 0 && strings.HasPrefix(t.s, "/dev/") {
			return true
		}
	}
	return c.inFreshDir(u, path, 0)
}

// inFreshDir reports whether path is built on a directory fresh from a
// temp-dir call in u: filepath.Join(dir, ...), dir + "/...", or a variable
// holding one of those.
func (c *checker) inFreshDir(u *unit, e ast.Expr, depth int) bool {
	if depth > maxDepth {
		return false
	}
	e = c.resolve(u, e, 0)
	switch x := e.(type) {
	case *ast.BinaryExpr:
		if tv := c.pass.TypesInfo.Types[x]; tv.Value != nil && tv.Value.Kind() == constant.String {
			return false
		}
		return x.Op == token.ADD && c.inFreshDir(u, x.X, depth+1)
	case *ast.CallExpr:
		fn := c.callee(u, x)
		switch {
		case isFunc(fn, "path/filepath", "Join"), isFunc(fn, "path", "Join"):
			return len(x.Args) > 1 && !x.Ellipsis.IsValid() && c.inFreshDir(u, x.Args[0], depth+1)
		case isFunc(fn, "os", "MkdirTemp"), isFunc(fn, "io/ioutil", "TempDir"):
			return true
		case fn != nil && fn.Name() == "TempDir" && fn.Pkg() != nil && fn.Pkg().Path() == "testing":
			return true
		}
	case *ast.Ident:
		// dir, err := os.MkdirTemp(...): the first result of a tuple.
		if obj := c.pass.TypesInfo.Uses[x]; obj != nil {
			for _, r := range u.assigns[obj] {
				if r.index == 0 && c.inFreshDir(u, r.expr, depth+1) {
					return true
				}
			}
		}
	}
	return false
}
