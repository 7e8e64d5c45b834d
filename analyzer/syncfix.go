package analyzer

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
)

// syncFix suggests the missing Sync of a temp file renamed unsynced: a
// copy of the statement that closes the file, with Close replaced by Sync,
// inserted before it — so Sync's error is handled exactly as the code
// handles Close's (f.Close() gets f.Sync(); if err := f.Close(); err != nil
// { return err } gets the same if around f.Sync()). When the file is closed
// by a defer, the Sync goes before the rename's statement, in a function
// whose only result is an error. Any other shape gets no fix.
func (c *checker) syncFix(u *unit, write *ast.CallExpr, rename renameCall) (analysis.SuggestedFix, bool) {
	f := u.dest[write]
	if f == nil || !isOSFile(f.Type()) {
		return analysis.SuggestedFix{}, false
	}
	var last *ast.CallExpr
	var lastStmt ast.Stmt
	for _, m := range u.methods[f] {
		if m.Pos() <= write.End() || m.Pos() >= rename.call.Pos() || !isMethod(c.callee(u, m), "os", "File", "Close") {
			continue
		}
		if st, ok := c.closeStmt(u.file, m, rename.call.Pos()); ok {
			last, lastStmt = m, st
		}
	}
	if last != nil {
		return c.insertSync(lastStmt, last)
	}
	// defer f.Close(): sync before the rename.
	for _, m := range u.methods[f] {
		if m.Pos() <= write.End() || m.Pos() >= rename.call.Pos() || !isMethod(c.callee(u, m), "os", "File", "Close") {
			continue
		}
		path, _ := astutil.PathEnclosingInterval(u.file, m.Pos(), m.End())
		if len(path) < 2 {
			continue
		}
		if d, ok := path[1].(*ast.DeferStmt); !ok || d.Call != m {
			continue
		}
		if !c.returnsOnlyError(u) {
			return analysis.SuggestedFix{}, false
		}
		st, ok := c.blockStmtOf(u.file, rename.call)
		if !ok {
			return analysis.SuggestedFix{}, false
		}
		sel := ast.Unparen(m.Fun).(*ast.SelectorExpr)
		text := "if err := " + types.ExprString(sel.X) + ".Sync(); err != nil {\n\treturn err\n}"
		return c.insertBefore(st, text, "Sync the temp file before renaming it")
	}
	return analysis.SuggestedFix{}, false
}

// closeStmt returns the statement of the close call m when it is
// f.Close() or an if statement whose init assigns f.Close()'s error,
// directly in a block that also holds the rename at pos.
func (c *checker) closeStmt(file *ast.File, m *ast.CallExpr, pos token.Pos) (ast.Stmt, bool) {
	path, _ := astutil.PathEnclosingInterval(file, m.Pos(), m.End())
	if len(path) < 3 {
		return nil, false
	}
	var st ast.Stmt
	switch p := path[1].(type) {
	case *ast.ExprStmt:
		st = p
	case *ast.AssignStmt:
		// Only as an if's init: a copy of err = f.Close() before it would
		// have Close's result overwrite Sync's error.
		ifs, ok := path[2].(*ast.IfStmt)
		if len(p.Rhs) != 1 || p.Rhs[0] != m || !ok || ifs.Init != p {
			return nil, false
		}
		st = ifs
		path = path[1:]
	default:
		return nil, false
	}
	block, ok := path[2].(*ast.BlockStmt)
	if !ok || pos < block.Pos() || pos >= block.End() {
		return nil, false
	}
	return st, true
}

// blockStmtOf returns the statement directly in a block that holds call.
func (c *checker) blockStmtOf(file *ast.File, call *ast.CallExpr) (ast.Stmt, bool) {
	path, _ := astutil.PathEnclosingInterval(file, call.Pos(), call.End())
	for i := 1; i+1 < len(path); i++ {
		if _, ok := path[i+1].(*ast.BlockStmt); ok {
			st, ok := path[i].(ast.Stmt)
			return st, ok
		}
		if _, ok := path[i].(*ast.FuncLit); ok {
			return nil, false
		}
	}
	return nil, false
}

// returnsOnlyError reports whether u's function has the single result error.
func (c *checker) returnsOnlyError(u *unit) bool {
	if u.fn == nil {
		return false
	}
	res := u.fn.Signature().Results()
	return res.Len() == 1 && types.Identical(res.At(0).Type(), types.Universe.Lookup("error").Type())
}

// insertSync inserts a copy of st, the statement of the close call m, with
// Close replaced by Sync, before st.
func (c *checker) insertSync(st ast.Stmt, m *ast.CallExpr) (analysis.SuggestedFix, bool) {
	var buf bytes.Buffer
	if err := format.Node(&buf, c.pass.Fset, st); err != nil {
		return analysis.SuggestedFix{}, false
	}
	closeText := types.ExprString(m)
	text := buf.String()
	i := strings.Index(text, closeText)
	if i < 0 || !strings.HasSuffix(closeText, ".Close()") {
		return analysis.SuggestedFix{}, false
	}
	text = text[:i] + strings.TrimSuffix(closeText, "Close()") + "Sync()" + text[i+len(closeText):]
	return c.insertBefore(st, text, "Sync the temp file before closing it")
}

// insertBefore inserts the statement text before st, indented as st is.
func (c *checker) insertBefore(st ast.Stmt, text, msg string) (analysis.SuggestedFix, bool) {
	col := c.pass.Fset.Position(st.Pos()).Column
	if col < 1 {
		return analysis.SuggestedFix{}, false
	}
	indent := strings.Repeat("\t", col-1)
	text = strings.ReplaceAll(text, "\n", "\n"+indent) + "\n" + indent
	return analysis.SuggestedFix{
		Message:   msg + ", so that the rename never publishes data still in the page cache",
		TextEdits: []analysis.TextEdit{{Pos: st.Pos(), End: st.Pos(), NewText: []byte(text)}},
	}, true
}
