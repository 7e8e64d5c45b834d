package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"
)

// scanUnit checks the calls of one declaration; it reports whether it
// exported a new or wider fact.
func (c *checker) scanUnit(u *unit) bool {
	changed := false
	for _, call := range u.calls {
		fn := c.callee(u, call)
		if fn == nil {
			if name, lit := c.calledLit(u, call); lit != nil {
				c.litJudged[lit] = true
				if wf, ok := c.litWrappers[lit]; ok {
					sig, _ := c.pass.TypesInfo.TypeOf(lit).(*types.Signature)
					changed = c.checkWrapperCall(u, call, name, sig, &wf) || changed
				}
			}
			continue
		}
		if s, ok := sinks[funcKey(fn)]; ok {
			changed = c.checkSink(u, call, fn, s) || changed
		} else if r, ok := c.renameOf(u, call); ok {
			changed = c.checkRename(u, r) || changed
		} else if fn.Pkg() != nil {
			var wf wrapperFact
			if c.pass.ImportObjectFact(fn, &wf) {
				changed = c.checkWrapperCall(u, call, c.calleeName(fn), fn.Signature(), &wf) || changed
			}
		}
	}
	return c.exportTemps(u) || changed
}

// checkSink checks a direct call of a sink.
func (c *checker) checkSink(u *unit, call *ast.CallExpr, fn *types.Func, s sink) bool {
	if len(call.Args) <= s.path || (s.data >= 0 && len(call.Args) <= s.data) {
		return false
	}
	if s.kind == openFile && (len(call.Args) < 2 || !c.openFlags(u, fn.Pkg(), call.Args[1], flagsTruncate) && !c.truncatedLater(u, call, fn.Pkg())) {
		return false
	}
	if c.renamedTemp(u, call) {
		return false // the temp file of a rename: checkRename decides
	}
	pathArg := call.Args[s.path]
	if c.privateTarget(u, pathArg) {
		return false
	}
	ts := c.tails(u, pathArg, 0)
	if c.returnedTemp(u, call, ts) {
		return false // a temp file handed to the caller: the caller's rename decides
	}
	ev := c.pathEvidence(ts, pathArg.Pos())
	dataParam := -1
	notJSON := c.notJSON(ts) // then what is written does not matter
	if !ev.found() && s.data >= 0 && !notJSON {
		var d evidence
		d, dataParam = c.dataEvidence(u, call.Args[s.data], 0)
		ev.merge(d)
	}
	if !ev.found() && s.kind != writeFile && !notJSON {
		ev.merge(c.fileEvidence(u, call))
		if !ev.found() {
			dataParam = c.fileDataParam(u, call)
		}
	}
	if ev.found() {
		if c.final {
			c.addDiag(u, call, fmt.Sprintf("%s writes %s non-atomically: %s", s.name, c.describePath(pathArg), ev), c.planFix(u, call, s))
		}
		return false
	}
	if c.suppressed(call.Pos()) {
		return false // the author vouched for this write: callers are not blamed either
	}
	changed := false
	if s.data >= 0 && !notJSON {
		changed = c.litWrapper(u, s.name, ts, call.Args[s.data])
	} else {
		changed = c.litWrapper(u, s.name, ts, nil)
	}
	return c.exportWrapper(u, wrapperFact{Sink: s.name, PathParam: paramTail(ts), DataParam: dataParam}) || changed
}

// checkWrapperCall checks a call of a function with a wrapper fact, with the
// arguments it passes.
func (c *checker) checkWrapperCall(u *unit, call *ast.CallExpr, name string, sig *types.Signature, wf *wrapperFact) bool {
	pathArg, dataArg := c.argFor(call, sig, wf.PathParam), c.argFor(call, sig, wf.DataParam)
	var ev evidence
	pathParam, dataParam := -1, -1
	notJSON := false
	if pathArg != nil {
		ts := c.tails(u, pathArg, 0)
		ev = c.pathEvidence(ts, pathArg.Pos())
		pathParam = paramTail(ts)
		notJSON = c.notJSON(ts)
	}
	if notJSON {
		dataArg = nil
	}
	if !ev.found() && dataArg != nil {
		var d evidence
		d, dataParam = c.dataEvidence(u, dataArg, 0)
		ev.merge(d)
	}
	if !ev.found() && !notJSON && wf.opensFile() {
		ev.merge(c.fileEvidence(u, call))
	}
	if ev.found() {
		if c.final {
			c.addDiag(u, call, c.wrapperMessage(name, wf, pathArg, dataArg, ev), nil)
		}
		return false
	}
	if c.suppressed(call.Pos()) {
		return false
	}
	return c.exportWrapper(u, wrapperFact{Sink: wf.Sink, PathParam: pathParam, DataParam: dataParam})
}

// wrapperMessage says what a reported call of a wrapper writes, naming the
// argument that decides it: the path when the wrapper takes one, else the
// data.
func (c *checker) wrapperMessage(name string, wf *wrapperFact, pathArg, dataArg ast.Expr, ev evidence) string {
	what := "its data argument"
	if pathArg != nil {
		if what = c.describePath(pathArg); what == "its target" {
			what = "its path argument"
		}
	} else if dataArg != nil {
		what += " " + c.describeExpr(dataArg)
	}
	if wf.Sink == "os.Rename" {
		return fmt.Sprintf("%s replaces %s without fsyncing the temp file first: %s", name, what, ev)
	}
	return fmt.Sprintf("%s writes %s non-atomically: %s", name, what, ev)
}

// argAt returns the argument of call that binds parameter i of the callee, or nil.
func (c *checker) argAt(call *ast.CallExpr, i int) ast.Expr {
	if i < 0 {
		return nil
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := c.pass.TypesInfo.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
			i++ // T.M(recv, args...)
		}
	}
	if i >= len(call.Args) || call.Ellipsis.IsValid() {
		return nil
	}
	return call.Args[i]
}

// argFor is argAt for a callee with signature sig (nil if unknown): the
// variadic parameter binds the last argument, unless the call spreads a
// slice.
func (c *checker) argFor(call *ast.CallExpr, sig *types.Signature, i int) ast.Expr {
	if sig == nil || !sig.Variadic() || i != sig.Params().Len()-1 {
		return c.argAt(call, i)
	}
	if call.Ellipsis.IsValid() || len(call.Args) == 0 || c.argAt(call, i) == nil {
		return nil
	}
	return call.Args[len(call.Args)-1]
}

// exportWrapper exports (or widens) the wrapper fact of u's function when a
// parameter reaches a sink; it reports whether the fact is new.
func (c *checker) exportWrapper(u *unit, wf wrapperFact) bool {
	if u.fn == nil || (wf.PathParam < 0 && wf.DataParam < 0) {
		return false
	}
	var old wrapperFact
	if c.pass.ImportObjectFact(u.fn, &old) {
		if old.PathParam >= 0 || wf.PathParam < 0 {
			wf.PathParam = old.PathParam
		}
		if old.DataParam >= 0 || wf.DataParam < 0 {
			wf.DataParam = old.DataParam
		}
		wf.Sink = old.Sink
		if wf == old {
			return false
		}
	}
	c.pass.ExportObjectFact(u.fn, &wf)
	return true
}

// addDiag records a finding at call.
func (c *checker) addDiag(u *unit, call *ast.CallExpr, msg string, fix *fixPlan) {
	u.diags = append(u.diags, diag{
		d:   analysis.Diagnostic{Pos: call.Pos(), End: call.End(), Message: msg},
		fix: fix,
	})
}

// describePath shows the path in a message: its value when constant, else
// the expression when short.
func (c *checker) describePath(e ast.Expr) string {
	if tv, ok := c.pass.TypesInfo.Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
		return strconv.Quote(constant.StringVal(tv.Value))
	}
	if s := types.ExprString(e); len(s) <= 40 {
		return s
	}
	return "its target"
}

// describeExpr shows an expression in a message when it is short.
func (c *checker) describeExpr(e ast.Expr) string {
	if s := types.ExprString(e); len(s) <= 40 {
		return s
	}
	return "…"
}

// calleeName names a called function in messages: funcName, qualified by
// its package's name when it is another package's (fsutil.Replace).
func (c *checker) calleeName(fn *types.Func) string {
	if fn.Pkg() != nil && fn.Pkg() != c.pass.Pkg {
		return fn.Pkg().Name() + "." + funcName(fn)
	}
	return funcName(fn)
}

// funcName names a function or method for messages.
func funcName(fn *types.Func) string {
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok {
			return n.Obj().Name() + "." + fn.Name()
		}
	}
	return fn.Name()
}
