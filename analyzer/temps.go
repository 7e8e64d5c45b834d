package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
)

// Temp files made by one function and renamed by another: a helper that
// creates a file under a name of its own choosing and returns it (or its
// name) gets a tempFact, so that the caller's rename is judged with the
// helper's write, and the helper's own write is not judged at all.

// openedSynced reports whether write is an os.OpenFile whose every known
// flags value has O_SYNC or O_DSYNC: each write reaches the disk before it
// returns, so the file needs no Sync before its rename.
func (c *checker) openedSynced(u *unit, write *ast.CallExpr) bool {
	fn := c.callee(u, write)
	if !isFunc(fn, "os", "OpenFile") || len(write.Args) < 2 {
		return false
	}
	osync, dsync := osFlag(fn.Pkg(), "O_SYNC"), int64(0)
	for _, p := range fn.Pkg().Imports() {
		if p.Path() == "syscall" {
			if k, ok := p.Scope().Lookup("O_DSYNC").(*types.Const); ok {
				dsync, _ = constant.Int64Val(constant.ToInt(k.Val()))
			}
		}
	}
	vals, ok := c.openFlagValues(u, write.Args[1], 0)
	if !ok || len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if !(osync != 0 && v&osync == osync || dsync != 0 && v&dsync == dsync) {
			return false
		}
	}
	return true
}

// helperSynced reports whether write is a call of a helper whose tempFact
// says it fsynced the file it returns.
func (c *checker) helperSynced(u *unit, write *ast.CallExpr) bool {
	fn := c.callee(u, write)
	var tf tempFact
	return fn != nil && fn.Pkg() != nil && c.pass.ImportObjectFact(fn, &tf) && tf.Synced
}

// returnedTemp reports whether the file that the sink call writes is a temp
// file handed to the caller: its name is the function's own choice (it
// neither ends with a parameter nor is a JSON path), and the function
// returns the open file (or a value holding it), or its name when the
// name looks temporary (".tmp", "temp", ".new", ".part"): a function that
// writes a document and returns its path for the record has written it.
func (c *checker) returnedTemp(u *unit, call *ast.CallExpr, ts []tail) bool {
	if paramTail(ts) >= 0 || c.pathEvidence(ts, call.Pos()).found() {
		return false
	}
	i := c.returnedResult(u, call)
	if i < 0 {
		return false
	}
	return !isString(u.fn.Signature().Results().At(i).Type()) || tempName(ts)
}

// tempName reports whether a known tail of a path names a temp file.
func tempName(ts []tail) bool {
	for _, t := range ts {
		last := strings.ToLower(shortTail(t.s))
		for _, mark := range []string{"tmp", "temp", ".new", ".part", ".swp"} {
			if strings.Contains(last, mark) {
				return true
			}
		}
	}
	return false
}

// returnedResult returns the index of the result of u's function through
// which the file that call creates leaves it: the *os.File call returns, its
// Name(), a composite literal holding either (&tempWriter{f: f}), or the
// path the call writes. -1 if none.
func (c *checker) returnedResult(u *unit, call *ast.CallExpr) int {
	fd, ok := u.decl.(*ast.FuncDecl)
	if !ok || u.fn == nil {
		return -1
	}
	info := c.pass.TypesInfo
	f := u.dest[call]
	if f != nil && !isOSFile(f.Type()) {
		f = nil // err := os.WriteFile(...)
	}
	var pathArg ast.Expr
	if fn := c.callee(u, call); fn != nil {
		if s, ok := sinks[funcKey(fn)]; ok && len(call.Args) > s.path {
			pathArg = call.Args[s.path]
		}
	}
	res := u.fn.Signature().Results()
	if u.returns == nil {
		u.returns = []*ast.ReturnStmt{}
		ownReturns(fd.Body, func(ret *ast.ReturnStmt) bool {
			if len(ret.Results) == res.Len() && res.Len() > 0 {
				u.returns = append(u.returns, ret)
			}
			return false
		})
	}
	found := -1
	for _, ret := range u.returns {
		for i, r := range ret.Results {
			r = ast.Unparen(r)
			switch {
			case f != nil && identObj(info, r) == f:
				found = i
			case f != nil && isNameCall(info, r, f):
				found = i
			case f != nil && holdsInLiteral(info, r, f):
				found = i // return &tempWriter{f: f, path: path}
			case pathArg != nil && isString(res.At(i).Type()) && identObj(info, r) != nil && c.sameValue(u, r, pathArg):
				found = i
			}
			if found >= 0 {
				return found
			}
		}
	}
	return found
}

// isNameCall reports whether e is f.Name().
func isNameCall(info *types.Info, e ast.Expr, f types.Object) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Name" && identObj(info, sel.X) == f
}

// exportTemps exports the tempFact of u's function when it returns a temp
// file it made; it reports whether the fact is new.
func (c *checker) exportTemps(u *unit) bool {
	if u.fn == nil {
		return false
	}
	for _, call := range u.calls {
		fn := c.callee(u, call)
		temp := isFunc(fn, "os", "CreateTemp") || isFunc(fn, "io/ioutil", "TempFile")
		if s, ok := sinks[funcKey(fn)]; ok && len(call.Args) > s.path {
			temp = c.returnedTemp(u, call, c.tails(u, call.Args[s.path], 0))
			if s.kind == openFile && (len(call.Args) < 2 || !c.openFlags(u, fn.Pkg(), call.Args[1], flagsWrite)) {
				temp = false
			}
		}
		if !temp || c.suppressed(call.Pos()) {
			continue
		}
		i := c.returnedResult(u, call)
		if t := u.fn.Signature().Results(); i < 0 || !isOSFile(t.At(i).Type()) && !isString(t.At(i).Type()) {
			continue // not returned, or inside a value the caller cannot rename by
		}
		tf := tempFact{Result: i, Synced: c.openedSynced(u, call) || c.syncedAfter(u, call)}
		var old tempFact
		if c.pass.ImportObjectFact(u.fn, &old) && old == tf {
			return false
		}
		c.pass.ExportObjectFact(u.fn, &tf)
		return true
	}
	return false
}

// syncedAfter reports whether the file that call returns is synced in u
// after the call.
func (c *checker) syncedAfter(u *unit, call *ast.CallExpr) bool {
	f := u.dest[call]
	if f == nil {
		return false
	}
	for _, m := range u.methods[f] {
		if m.Pos() > call.Pos() && isMethod(c.callee(u, m), "os", "File", "Sync") {
			return true
		}
	}
	return false
}

// isOSFile reports whether t is *os.File.
func isOSFile(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Name() == "File" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "os"
}

// holdsInLiteral reports whether e is a composite literal (or its address)
// with f, or f.Name(), among its elements.
func holdsInLiteral(info *types.Info, e ast.Expr, f types.Object) bool {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return false
	}
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			el = kv.Value
		}
		el = ast.Unparen(el)
		if identObj(info, el) == f || isNameCall(info, el, f) {
			return true
		}
	}
	return false
}
