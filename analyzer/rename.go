package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
)

// Hand-rolled atomic writes: write a temp file, rename it over the target.
// Without (*os.File).Sync before the rename, ext4, xfs and btrfs may commit
// the rename before the data, so a power cut leaves an empty target.

// renameCall is a rename: os.Rename, or a call of a function with a
// renameFact, which renames its argument src onto dst.
type renameCall struct {
	call     *ast.CallExpr
	name     string // as shown in messages
	src, dst ast.Expr
	synced   bool // the helper syncs the file src before renaming it
}

// renameOf returns call as a rename, if it is one.
func (c *checker) renameOf(u *unit, call *ast.CallExpr) (renameCall, bool) {
	fn := c.callee(u, call)
	if fn == nil {
		return renameCall{}, false
	}
	// os.Rename, and the helper's Rename (a rename and a directory fsync;
	// the pass exports no facts for the helper, whose code it skips).
	if isFunc(fn, "os", "Rename") || isFunc(fn, c.cfg.helper, "Rename") {
		if len(call.Args) != 2 {
			return renameCall{}, false
		}
		return renameCall{call: call, name: c.calleeName(fn), src: call.Args[0], dst: call.Args[1]}, true
	}
	var rf renameFact
	if fn.Pkg() == nil || !c.pass.ImportObjectFact(fn, &rf) {
		return renameCall{}, false
	}
	src, dst := c.argAt(call, rf.Src), c.argAt(call, rf.Dst)
	if src == nil || dst == nil {
		return renameCall{}, false
	}
	return renameCall{call: call, name: c.calleeName(fn), src: src, dst: dst, synced: rf.File && rf.Synced}, true
}

// renames returns the renames of u.
func (c *checker) renames(u *unit) []renameCall {
	if u.renameCalls == nil {
		u.renameCalls = []renameCall{}
		for _, call := range u.calls {
			if r, ok := c.renameOf(u, call); ok {
				u.renameCalls = append(u.renameCalls, r)
			}
		}
	}
	return u.renameCalls
}

// renamedTemp reports whether the file that write (a sink call) writes is
// later renamed by a rename of the same declaration.
func (c *checker) renamedTemp(u *unit, write *ast.CallExpr) bool {
	for _, r := range c.renames(u) {
		if r.call.Pos() > write.Pos() && c.writes(u, write, r.src) {
			return true
		}
	}
	return false
}

// writes reports whether call writes or creates the file named src: its path
// argument is the same value, or src is f.Name() of the file it returns, or
// the call is of a function with a tempFact and src is the file or name it
// returns.
func (c *checker) writes(u *unit, call *ast.CallExpr, src ast.Expr) bool {
	fn := c.callee(u, call)
	if fn == nil {
		return false
	}
	tempFile := isFunc(fn, "os", "CreateTemp") || isFunc(fn, "io/ioutil", "TempFile")
	s, isSink := sinks[funcKey(fn)]
	var tf tempFact
	helper := !isSink && !tempFile && fn.Pkg() != nil && c.pass.ImportObjectFact(fn, &tf) && tf.Result == 0
	if !isSink && !tempFile && !helper {
		return false
	}
	if isSink && s.kind == openFile && (len(call.Args) < 2 || !c.openFlags(u, fn.Pkg(), call.Args[1], flagsWrite)) {
		return false // opened for reading (or with unknown flags): nothing written
	}
	if isSink && len(call.Args) > s.path && c.sameValue(u, call.Args[s.path], src) {
		return true
	}
	// src is f.Name(), or a variable holding it.
	f := u.dest[call]
	if f == nil {
		return false
	}
	if obj := identObj(c.pass.TypesInfo, c.resolve(u, src, 0)); obj == f && (isOSFile(f.Type()) || helper && isString(f.Type())) {
		return true // commit(f, dst); name, err := writeTemp(dir, b)
	}
	if n, ok := c.resolve(u, src, 0).(*ast.CallExpr); ok {
		if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Name" {
			return identObj(c.pass.TypesInfo, sel.X) == f
		}
	}
	return false
}

// checkRename checks a rename of src onto dst: reported when src was
// written in this declaration, nothing synced it before the rename, and
// dst (or the written data) is JSON.
func (c *checker) checkRename(u *unit, r renameCall) bool {
	src, dst := r.src, r.dst
	var write *ast.CallExpr
	for _, call := range u.calls {
		if call.Pos() >= r.call.Pos() {
			break
		}
		if c.writes(u, call, src) {
			write = call
		}
	}
	if write == nil {
		if c.suppressed(r.call.Pos()) {
			return false // a generated file's, or one the author vouched for
		}
		return c.exportRename(u, r)
	}
	if r.synced || c.syncedBefore(u, write, r.call, src) || c.handedOff(u, write, r.call) {
		return false
	}
	ts := c.tails(u, dst, 0)
	ev := c.pathEvidence(ts, dst.Pos())
	if fn := c.callee(u, write); !ev.found() && fn != nil && !c.notJSON(ts) {
		if s, ok := sinks[funcKey(fn)]; ok && s.data >= 0 && len(write.Args) > s.data {
			ev, _ = c.dataEvidence(u, write.Args[s.data], 0)
		}
		if !ev.found() {
			ev = c.fileEvidence(u, write)
		}
	}
	if !ev.found() {
		if c.suppressed(r.call.Pos()) {
			return false
		}
		return c.exportWrapper(u, wrapperFact{Sink: "os.Rename", PathParam: paramTail(ts), DataParam: -1})
	}
	if !c.final {
		return false
	}
	msg := fmt.Sprintf("%s replaces %s without fsyncing the temp file first: %s", r.name, c.describePath(dst), ev)
	if c.fixedTempName(u, src) {
		msg += fmt.Sprintf("; the temp name %s is fixed", c.describeExpr(c.resolve(u, src, 0)))
	}
	c.addDiag(u, r.call, msg, nil)
	if fix, ok := c.syncFix(u, write, r); ok {
		d := &u.diags[len(u.diags)-1]
		d.fixes = append(d.fixes, fix)
	}
	return false
}

// exportRename exports a renameFact for u's function when the rename moves
// one of its parameters onto another, unchanged.
func (c *checker) exportRename(u *unit, r renameCall) bool {
	rf := renameFact{Src: c.paramOf(u, r.src), Dst: c.paramOf(u, r.dst)}
	if call, ok := ast.Unparen(r.src).(*ast.CallExpr); ok && rf.Src < 0 {
		// os.Rename(f.Name(), dst) of an *os.File parameter f.
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && len(call.Args) == 0 && sel.Sel.Name == "Name" {
			if rf.Src = c.paramOf(u, sel.X); rf.Src >= 0 && isOSFile(c.pass.TypesInfo.TypeOf(sel.X)) {
				rf.File = true
				rf.Synced = c.paramSynced(u, identObj(c.pass.TypesInfo, sel.X), r.call)
			} else {
				rf.Src = -1
			}
		}
	}
	if u.fn == nil || rf.Src < 0 || rf.Dst < 0 {
		return false
	}
	var old renameFact
	if c.pass.ImportObjectFact(u.fn, &old) {
		return false
	}
	c.pass.ExportObjectFact(u.fn, &rf)
	return true
}

// paramSynced reports whether the file f is synced before the rename.
func (c *checker) paramSynced(u *unit, f types.Object, rename *ast.CallExpr) bool {
	for _, m := range u.methods[f] {
		if m.Pos() < rename.Pos() && isMethod(c.callee(u, m), "os", "File", "Sync") {
			return true
		}
	}
	return false
}

// paramOf returns the index of the parameter of u's function that e is,
// with its value on entry, or -1.
func (c *checker) paramOf(u *unit, e ast.Expr) int {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return -1
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return -1
	}
	i, ok := u.params[v]
	if !ok {
		return -1
	}
	if _, entry := u.reaching(v, id.Pos()); !entry {
		return -1
	}
	return i
}

// syncedBefore reports whether the file that write wrote is synced between
// the write and the rename: (*os.File).Sync on the file write returned (or
// on a file opened on the renamed path src), or an fsync system call
// (unix/syscall Fsync, Fdatasync) whose argument uses that file, as in
// unix.Fsync(int(f.Fd())). A Sync on anything else — a logger, the
// directory — does not make the temp file's data durable.
func (c *checker) syncedBefore(u *unit, write, rename *ast.CallExpr, src ast.Expr) bool {
	if c.openedSynced(u, write) || c.helperSynced(u, write) {
		return true
	}
	info := c.pass.TypesInfo
	isFile := func(obj types.Object) bool {
		if obj == nil {
			return false
		}
		if f := u.dest[write]; f != nil && obj == f {
			return true
		}
		for _, r := range u.assigns[obj] {
			if call, ok := ast.Unparen(r.expr).(*ast.CallExpr); ok && r.index <= 0 {
				fn := c.callee(u, call)
				if (isFunc(fn, "os", "OpenFile") || isFunc(fn, "os", "Open")) && len(call.Args) > 0 && c.sameValue(u, call.Args[0], src) {
					return true
				}
			}
		}
		return false
	}
	mentions := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && isFile(info.Uses[id]) {
				found = true
			}
			return !found
		})
		return found
	}
	for _, s := range u.calls {
		if s.Pos() <= write.Pos() {
			continue
		}
		if s.Pos() >= rename.Pos() {
			return false
		}
		fn := c.callee(u, s)
		switch {
		case isMethod(fn, "os", "File", "Sync"):
			sel, ok := ast.Unparen(s.Fun).(*ast.SelectorExpr)
			if !ok {
				continue
			}
			if obj := identObj(info, sel.X); obj == nil || isFile(obj) {
				return true // t.f.Sync(): a file the pass cannot name; stay quiet
			}
		case fn != nil && fn.Pkg() != nil && (fn.Pkg().Path() == "golang.org/x/sys/unix" || fn.Pkg().Path() == "syscall") &&
			(fn.Name() == "Fsync" || fn.Name() == "Fdatasync"):
			if len(s.Args) > 0 && mentions(s.Args[0]) {
				return true
			}
		}
	}
	return false
}

// fixedTempName reports whether the temp name src is derived from constants
// alone, such as path+".tmp", rather than made unique by os.CreateTemp.
func (c *checker) fixedTempName(u *unit, src ast.Expr) bool {
	for _, t := range c.tails(u, src, 0) {
		if t.s != "" {
			return true
		}
	}
	return false
}

// resolve follows a local variable with a single assignment to the
// assigned expression.
func (c *checker) resolve(u *unit, e ast.Expr, depth int) ast.Expr {
	e = ast.Unparen(e)
	id, ok := e.(*ast.Ident)
	if !ok || depth > maxDepth || u == nil {
		return e
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok {
		return e
	}
	if as := u.assigns[v]; len(as) == 1 && as[0].index < 0 && !as[0].add {
		return c.resolve(u, as[0].expr, depth+1)
	}
	return e
}

// sameValue reports whether a and b denote the same path: the same
// variable, equal constants, or the same expression after following
// single-assignment locals.
func (c *checker) sameValue(u *unit, a, b ast.Expr) bool {
	info := c.pass.TypesInfo
	a, b = c.resolve(u, a, 0), c.resolve(u, b, 0)
	if oa, ob := identObj(info, a), identObj(info, b); oa != nil || ob != nil {
		return oa == ob
	}
	ta, tb := info.Types[a], info.Types[b]
	if ta.Value != nil && tb.Value != nil {
		return ta.Value.ExactString() == tb.Value.ExactString()
	}
	return types.ExprString(a) == types.ExprString(b)
}

// handedOff reports whether the file that write returns is passed, before
// the rename, to a function outside the standard library, which may well
// sync it (say writeAndSync(f)): the pass cannot tell, so it stays quiet.
func (c *checker) handedOff(u *unit, write, rename *ast.CallExpr) bool {
	f := u.dest[write]
	if f == nil {
		return false
	}
	for _, call := range u.calls {
		if call.Pos() <= write.Pos() {
			continue
		}
		if call.Pos() >= rename.Pos() {
			return false
		}
		fn := c.callee(u, call)
		if fn == nil || fn.Pkg() == nil || isStdPath(fn.Pkg().Path()) && fn.Pkg() != c.pass.Pkg {
			continue
		}
		for _, a := range call.Args {
			if identObj(c.pass.TypesInfo, a) == f {
				return true
			}
		}
	}
	return false
}
