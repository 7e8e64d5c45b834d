package analyzer

import (
	"go/ast"
	"go/types"
)

// Function literals bound once to a variable (save := func(p string) error
// { return os.WriteFile(p, b, 0o644) }, or a package-level var never
// reassigned) are wrappers like declared functions: their calls are checked
// with the arguments they pass. Their wrapper facts stay inside the pass.

// litWrapper records that a parameter of a function literal reaches the
// path (tails ts) or the data (expression data, or nil) of a sink; it
// reports whether that is new.
func (c *checker) litWrapper(u *unit, sink string, ts []tail, data ast.Expr) bool {
	var lit *ast.FuncLit
	path, dataParam := -1, -1
	for _, t := range ts {
		if t.lit != nil && t.param >= 0 && t.s == "" {
			lit, path = t.lit, t.param
			break
		}
	}
	if id, ok := ast.Unparen(data).(*ast.Ident); ok && data != nil {
		if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok {
			if lp, ok := u.litParams[v]; ok && (lit == nil || lit == lp.lit) {
				if _, entry := u.reaching(v, id.Pos()); entry {
					lit, dataParam = lp.lit, lp.index
				}
			}
		}
	}
	if lit == nil {
		return false
	}
	if c.litWrappers == nil {
		c.litWrappers = make(map[*ast.FuncLit]wrapperFact)
	}
	wf := wrapperFact{Sink: sink, PathParam: path, DataParam: dataParam}
	if old, ok := c.litWrappers[lit]; ok {
		if old.PathParam >= 0 {
			wf.PathParam = old.PathParam
		}
		if old.DataParam >= 0 {
			wf.DataParam = old.DataParam
		}
		wf.Sink = old.Sink
		if wf == old {
			return false
		}
	}
	c.litWrappers[lit] = wf
	if c.litJudged[lit] {
		c.litChanged = true // a call was judged by the older fact: scan again
	}
	return true
}

// calledLit returns the function literal that call invokes through a
// variable bound to it once, with the variable's name.
func (c *checker) calledLit(u *unit, call *ast.CallExpr) (string, *ast.FuncLit) {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return "", nil
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return "", nil
	}
	var value ast.Expr
	if c.isPkgVar(v) {
		if !c.pkgVarReassigned(v) {
			value = c.pkgVarInit(v)
		}
	} else if as := u.assigns[v]; len(as) == 1 && as[0].index < 0 && !as[0].add {
		value = as[0].expr
	}
	lit, _ := ast.Unparen(value).(*ast.FuncLit)
	if lit == nil {
		return "", nil
	}
	return v.Name(), lit
}
