package analyzer

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"path"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// fixPlan is a suggested rewrite of one finding onto the helper package.
type fixPlan struct {
	file     *ast.File
	pos, end token.Pos           // the source range to replace
	text     func(string) string // its replacement, given the helper's name in the file
	drops    []*ast.SelectorExpr // qualified names that disappear with the rewrite
	title    string
}

// fileFacts is what fixes need to know about one file.
type fileFacts struct {
	uses   map[*types.PkgName]int // references to each imported package
	idents map[string]bool        // every identifier spelled in the file
}

// planFix plans the rewrite of a reported sink call, or returns nil when no
// rewrite is known to be safe.
func (c *checker) planFix(u *unit, call *ast.CallExpr, s sink) *fixPlan {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !c.isPkgRef(sel) {
		return nil // a call through a function value: message only
	}
	if _, isFunc := c.pass.TypesInfo.Uses[sel.Sel].(*types.Func); !isFunc {
		return nil // pkg.WriteFn, a variable holding the sink: message only
	}
	switch s.kind {
	case writeFile:
		return &fixPlan{
			file:  u.file,
			pos:   call.Fun.Pos(),
			end:   call.Fun.End(),
			text:  func(name string) string { return name + ".WriteFile" },
			drops: []*ast.SelectorExpr{sel},
			title: fmt.Sprintf("Replace %s with %s.WriteFile", s.name, c.helperName()),
		}
	case create:
		return c.planWriteJSON(u, call, sel)
	}
	return nil
}

// isPkgRef reports whether sel is a qualified identifier pkg.Name.
func (c *checker) isPkgRef(sel *ast.SelectorExpr) bool {
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	_, ok = c.pass.TypesInfo.Uses[id].(*types.PkgName)
	return ok
}

// planWriteJSON rewrites exactly this shape, the last statements of a block:
//
//	f, err := os.Create(P)
//	if err != nil {
//		return ..., err
//	}
//	defer f.Close()
//	return json.NewEncoder(f).Encode(V)
//
// into return atomicfs.WriteJSON(P, V, 0o666). Any other use of f or err
// makes the rewrite unsafe, so the finding gets a message only.
func (c *checker) planWriteJSON(u *unit, call *ast.CallExpr, createSel *ast.SelectorExpr) *fixPlan {
	info := c.pass.TypesInfo
	f, errVar := u.dest[call], (types.Object)(nil)
	if f == nil {
		return nil
	}
	var block *ast.BlockStmt
	var at int
	ast.Inspect(u.decl, func(n ast.Node) bool {
		if b, ok := n.(*ast.BlockStmt); ok && block == nil {
			for i, st := range b.List {
				if as, ok := st.(*ast.AssignStmt); ok && len(as.Rhs) == 1 && as.Rhs[0] == call {
					block, at = b, i
				}
			}
		}
		return block == nil
	})
	if block == nil || at+4 != len(block.List) {
		return nil
	}
	as := block.List[at].(*ast.AssignStmt)
	if as.Tok != token.DEFINE || len(as.Lhs) != 2 {
		return nil
	}
	errVar = identObj(info, as.Lhs[1])
	ifs, ok := block.List[at+1].(*ast.IfStmt)
	if !ok || ifs.Init != nil || ifs.Else != nil || len(ifs.Body.List) != 1 {
		return nil
	}
	if cond, ok := ifs.Cond.(*ast.BinaryExpr); !ok || cond.Op != token.NEQ || identObj(info, cond.X) != errVar || types.ExprString(cond.Y) != "nil" {
		return nil
	}
	if _, ok := ifs.Body.List[0].(*ast.ReturnStmt); !ok {
		return nil
	}
	def, ok := block.List[at+2].(*ast.DeferStmt)
	if !ok || len(def.Call.Args) != 0 {
		return nil
	}
	if cs, ok := def.Call.Fun.(*ast.SelectorExpr); !ok || cs.Sel.Name != "Close" || identObj(info, cs.X) != f {
		return nil
	}
	ret, ok := block.List[at+3].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil
	}
	enc, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || len(enc.Args) != 1 || enc.Ellipsis.IsValid() {
		return nil
	}
	encSel, ok := enc.Fun.(*ast.SelectorExpr)
	if !ok || encSel.Sel.Name != "Encode" {
		return nil
	}
	newEnc, ok := encSel.X.(*ast.CallExpr)
	if !ok || len(newEnc.Args) != 1 || identObj(info, newEnc.Args[0]) != f || !isFunc(c.callee(u, newEnc), "encoding/json", "NewEncoder") {
		return nil
	}
	newEncSel, ok := newEnc.Fun.(*ast.SelectorExpr)
	if !ok || !c.isPkgRef(newEncSel) {
		return nil
	}
	// f must appear exactly in the three places above, err only in the if.
	uses := map[types.Object]int{}
	ast.Inspect(u.decl, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			switch obj := info.Uses[id]; {
			case obj == f:
				uses[f]++
			case obj == errVar && obj != nil && (id.Pos() < ifs.Pos() || id.End() > ifs.End()):
				uses[errVar]++ // err may be used in the if statement only
			}
		}
		return true
	})
	if uses[f] != 2 || (errVar != nil && uses[errVar] != 0) {
		return nil
	}
	pathText, ok1 := c.source(call.Args[0])
	valueText, ok2 := c.source(enc.Args[0])
	if !ok1 || !ok2 {
		return nil
	}
	return &fixPlan{
		file: u.file,
		pos:  as.Pos(),
		end:  ret.End(),
		text: func(name string) string {
			return fmt.Sprintf("return %s.WriteJSON(%s, %s, 0o666)", name, pathText, valueText)
		},
		drops: []*ast.SelectorExpr{createSel, newEncSel},
		title: fmt.Sprintf("Replace os.Create and json.Encoder with %s.WriteJSON", c.helperName()),
	}
}

// source prints an expression as Go source.
func (c *checker) source(e ast.Expr) (string, bool) {
	var buf bytes.Buffer
	if err := format.Node(&buf, c.pass.Fset, e); err != nil {
		return "", false
	}
	return buf.String(), true
}

// suggestedFix turns a plan into text edits: the rewrite, the helper's
// import when the file lacks it, and the removal of imports whose only use
// the rewrite removes.
func (c *checker) suggestedFix(p *fixPlan, ff *fileFacts) analysis.SuggestedFix {
	name, importEdit := c.helperImport(p.file, ff)
	edits := []analysis.TextEdit{{Pos: p.pos, End: p.end, NewText: []byte(p.text(name))}}
	if importEdit != nil {
		edits = append(edits, *importEdit)
	}
	dropped := map[*types.PkgName]int{}
	for _, sel := range p.drops {
		dropped[c.pass.TypesInfo.Uses[sel.X.(*ast.Ident)].(*types.PkgName)]++
	}
	for pn, n := range dropped {
		if ff.uses[pn] == n {
			if e := c.deleteImport(p.file, pn); e != nil {
				edits = append(edits, *e)
			}
		}
	}
	msg := p.title
	if c.cfg.helper == DefaultHelper {
		msg += " (a module that does not require github.com/atomicjson/atomicjson yet needs: go get github.com/atomicjson/atomicjson)"
	} else {
		msg += fmt.Sprintf(" (a module that does not require %s yet needs: go get %s)", c.cfg.helper, c.cfg.helper)
	}
	sortEdits(edits)
	return analysis.SuggestedFix{Message: msg, TextEdits: edits}
}

// helperImport returns the name under which file refers to the helper
// package, and the edit that imports it when the file does not yet. The
// name is the package's own unless an identifier of the file already spells
// it.
func (c *checker) helperImport(file *ast.File, ff *fileFacts) (string, *analysis.TextEdit) {
	for _, imp := range file.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil && p == c.cfg.helper {
			if imp.Name != nil && imp.Name.Name != "_" && imp.Name.Name != "." {
				return imp.Name.Name, nil
			}
			if imp.Name == nil {
				return path.Base(p), nil
			}
		}
	}
	base := path.Base(c.cfg.helper)
	name := base
	for i := 2; ff.idents[name] || types.Universe.Lookup(name) != nil || c.pass.Pkg.Scope().Lookup(name) != nil; i++ {
		name = base + strconv.Itoa(i)
	}
	spec := strconv.Quote(c.cfg.helper)
	if name != base {
		spec = name + " " + spec
	}
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if gd.Lparen.IsValid() {
			text := "\t" + spec + "\n"
			if n := len(gd.Specs); n > 0 && isStd(gd.Specs[n-1].(*ast.ImportSpec)) && !isStdPath(c.cfg.helper) {
				text = "\n" + text // a group of its own after the standard library
			}
			return name, &analysis.TextEdit{Pos: gd.Rparen, End: gd.Rparen, NewText: []byte(text)}
		}
	}
	// After the last import declaration: never between a cgo preamble and
	// its import "C".
	var last *ast.GenDecl
	for _, d := range file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			last = gd
		}
	}
	if last != nil {
		return name, &analysis.TextEdit{Pos: last.End(), End: last.End(), NewText: []byte("\nimport " + spec)}
	}
	return name, &analysis.TextEdit{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport " + spec)}
}

// deleteImport returns the edit that removes the import of pn from file.
func (c *checker) deleteImport(file *ast.File, pn *types.PkgName) *analysis.TextEdit {
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		for _, spec := range gd.Specs {
			is := spec.(*ast.ImportSpec)
			obj := c.pass.TypesInfo.Implicits[is]
			if is.Name != nil {
				obj = c.pass.TypesInfo.Defs[is.Name]
			}
			if obj != pn {
				continue
			}
			if !gd.Lparen.IsValid() {
				return &analysis.TextEdit{Pos: gd.Pos(), End: gd.End()}
			}
			tf := c.pass.Fset.File(is.Pos())
			line := tf.Line(is.Pos())
			if line >= tf.LineCount() || tf.Line(is.End()) != line {
				return &analysis.TextEdit{Pos: is.Pos(), End: is.End()}
			}
			return &analysis.TextEdit{Pos: tf.LineStart(line), End: tf.LineStart(line + 1)}
		}
	}
	return nil
}

// factsOf walks file once for the facts its fixes need.
func (c *checker) factsOf(file *ast.File) *fileFacts {
	ff := &fileFacts{uses: map[*types.PkgName]int{}, idents: map[string]bool{}}
	ast.Inspect(file, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			ff.idents[id.Name] = true
			if pn, ok := c.pass.TypesInfo.Uses[id].(*types.PkgName); ok {
				ff.uses[pn]++
			}
		}
		return true
	})
	return ff
}

// sortEdits orders edits by position, as drivers expect.
func sortEdits(edits []analysis.TextEdit) {
	for i := 1; i < len(edits); i++ {
		for j := i; j > 0 && edits[j].Pos < edits[j-1].Pos; j-- {
			edits[j], edits[j-1] = edits[j-1], edits[j]
		}
	}
}

// isStd reports whether an import spec names a standard library package.
func isStd(is *ast.ImportSpec) bool {
	p, err := strconv.Unquote(is.Path.Value)
	return err == nil && isStdPath(p)
}

// isStdPath reports whether p looks like a standard library path: no dot in
// its first element.
func isStdPath(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}
