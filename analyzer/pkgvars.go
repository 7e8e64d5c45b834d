package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
)

// pkgVars records, for the package under analysis, the initializer of each
// package-level variable and which of them are ever reassigned or have
// their address taken: only a variable never reassigned has a known value.
type pkgVars struct {
	init       map[*types.Var]ast.Expr
	reassigned map[*types.Var]bool
}

func (c *checker) isPkgVar(v *types.Var) bool {
	return v.Pkg() == c.pass.Pkg && v.Parent() == c.pass.Pkg.Scope()
}

func (c *checker) pkgVarInit(v *types.Var) ast.Expr { return c.vars().init[v] }

func (c *checker) pkgVarReassigned(v *types.Var) bool { return c.vars().reassigned[v] }

// vars scans the package once, on first use.
func (c *checker) vars() *pkgVars {
	if c.pv != nil {
		return c.pv
	}
	pv := &pkgVars{init: make(map[*types.Var]ast.Expr), reassigned: make(map[*types.Var]bool)}
	c.pv = pv
	info := c.pass.TypesInfo
	// An assignment in func init() to a variable declared without a value
	// is its definition when it is the only assignment.
	inInit := make(map[*types.Var][]ast.Expr)
	assigned := make(map[*types.Var]int)
	mark := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok && c.isPkgVar(v) {
				pv.reassigned[v] = true
				assigned[v]++
			}
		}
	}
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "init" && fd.Recv == nil && fd.Body != nil {
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN && len(as.Lhs) == len(as.Rhs) {
						for i, l := range as.Lhs {
							if id, ok := ast.Unparen(l).(*ast.Ident); ok {
								if v, ok := info.Uses[id].(*types.Var); ok && c.isPkgVar(v) {
									inInit[v] = append(inInit[v], as.Rhs[i])
								}
							}
						}
					}
					return true
				})
			}
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					if len(vs.Names) != len(vs.Values) {
						continue
					}
					for i, id := range vs.Names {
						if v, ok := info.Defs[id].(*types.Var); ok {
							pv.init[v] = vs.Values[i]
						}
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					mark(l)
				}
			case *ast.IncDecStmt:
				mark(n.X)
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					mark(n.X)
				}
			case *ast.RangeStmt:
				if n.Tok == token.ASSIGN {
					mark(n.Key)
					if n.Value != nil {
						mark(n.Value)
					}
				}
			}
			return true
		})
	}
	for v, values := range inInit {
		if _, declared := pv.init[v]; !declared && len(values) == 1 && assigned[v] == 1 {
			pv.init[v] = values[0]
			pv.reassigned[v] = false
		}
	}
	return pv
}
