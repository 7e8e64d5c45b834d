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
// exported a new wrapper fact.
func (c *checker) scanUnit(u *unit) bool {
	changed := false
	for _, call := range u.calls {
		fn := c.callee(u, call)
		if fn == nil {
			if name, lit := c.calledLit(u, call); lit != nil {
				if wf, ok := c.litWrappers[lit]; ok {
					changed = c.checkWrapperCall(u, call, name, &wf) || changed
				}
			}
			continue
		}
		if s, ok := sinks[funcKey(fn)]; ok {
			changed = c.checkSink(u, call, fn, s) || changed
		} else if isFunc(fn, "os", "Rename") {
			changed = c.checkRename(u, call) || changed
		} else if fn.Pkg() != nil {
			var wf wrapperFact
			if c.pass.ImportObjectFact(fn, &wf) {
				changed = c.checkWrapperCall(u, call, funcName(fn), &wf) || changed
			}
		}
	}
	return changed
}

// checkSink checks a direct call of a sink.
func (c *checker) checkSink(u *unit, call *ast.CallExpr, fn *types.Func, s sink) bool {
	if len(call.Args) <= s.path || (s.data >= 0 && len(call.Args) <= s.data) {
		return false
	}
	if s.kind == openFile && (len(call.Args) < 2 || !c.openFlags(u, fn.Pkg(), call.Args[1], flagsTruncate)) {
		return false
	}
	if c.renamedTemp(u, call) {
		return false // the temp file of a rename: checkRename decides
	}
	if c.privateTarget(u, call.Args[s.path]) {
		return false
	}
	pathArg := call.Args[s.path]
	ts := c.tails(u, pathArg, 0)
	var ev string
	if _, ext, ok := c.jsonTail(ts); ok {
		ev = "path ends in " + ext
	}
	dataParam := -1
	notJSON := c.notJSON(ts) // then what is written does not matter
	if ev == "" && s.data >= 0 && !notJSON {
		ev, dataParam = c.dataEvidence(u, call.Args[s.data], 0)
	}
	if ev == "" && s.kind != writeFile && !notJSON {
		ev = c.fileEvidence(u, call)
	}
	if ev != "" {
		cure := "use " + c.helperName() + ".WriteFile"
		if s.kind != writeFile {
			cure = "use " + c.helperName() + ".WriteJSON, or " + c.helperName() + ".Create and Commit"
		}
		msg := fmt.Sprintf("%s writes %s non-atomically: %s; %s: temp file, fsync, verify, rename",
			s.name, c.describePath(pathArg), ev, cure)
		c.addDiag(call, msg, c.planFix(u, call, s))
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
func (c *checker) checkWrapperCall(u *unit, call *ast.CallExpr, name string, wf *wrapperFact) bool {
	pathArg, dataArg := c.argAt(call, wf.PathParam), c.argAt(call, wf.DataParam)
	var ev, which string
	pathParam, dataParam := -1, -1
	notJSON := false
	if pathArg != nil {
		ts := c.tails(u, pathArg, 0)
		if _, ext, ok := c.jsonTail(ts); ok {
			ev, which = "path ends in "+ext, "path"
		}
		pathParam = paramTail(ts)
		notJSON = c.notJSON(ts)
	}
	if notJSON {
		dataArg = nil
	}
	if ev == "" && dataArg != nil {
		if e, p := c.dataEvidence(u, dataArg, 0); e != "" {
			ev, which = e, "data"
		} else {
			dataParam = p
		}
	}
	if ev == "" && !notJSON && (wf.Sink == "os.Create" || wf.Sink == "os.OpenFile") {
		if ev = c.fileEvidence(u, call); ev != "" {
			which = "path"
		}
	}
	if ev != "" {
		how := "non-atomically"
		if wf.Sink == "os.Rename" {
			how = "by renaming a temp file over it without fsync"
		}
		cure := c.helperName() + ".WriteFile"
		if wf.Sink == "os.Create" || wf.Sink == "os.OpenFile" {
			cure = c.helperName() + ".WriteJSON, or " + c.helperName() + ".Create and Commit"
		}
		msg := fmt.Sprintf("%s writes its %s argument %s: %s; make it use %s: temp file, fsync, verify, rename",
			name, which, how, ev, cure)
		c.addDiag(call, msg, nil)
		return false
	}
	if c.suppressed(call.Pos()) {
		return false
	}
	return c.exportWrapper(u, wrapperFact{Sink: wf.Sink, PathParam: pathParam, DataParam: dataParam})
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
func (c *checker) addDiag(call *ast.CallExpr, msg string, fix *fixPlan) {
	c.diags = append(c.diags, diag{
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
