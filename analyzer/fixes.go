package analyzer

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/tools/go/analysis"
)

// fixPlan is a suggested rewrite of one finding onto the helper package.
type fixPlan struct {
	file     *ast.File
	pos, end token.Pos           // the source range to replace
	text     func(string) string // its replacement, given the helper's name in the file
	keep     []ast.Node          // parts of the range the replacement prints again
	title    string
}

// fileFacts is what the fixes of one file need: every fix of a file is
// planned together, because import edits are right only for the file as a
// whole.
type fileFacts struct {
	uses   map[*types.PkgName][]token.Pos // references to each imported package
	refs   []pkgRef                       // all of them, in source order
	idents map[string]bool                // every identifier spelled in the file
	plans  []*fixPlan                     // the fixes of the file's reported findings
	fix    *analysis.SuggestedFix         // the file's fix, once computed; nil edits: none
}

// pkgRef is a reference to an imported package.
type pkgRef struct {
	pos token.Pos
	pn  *types.PkgName
}

// planFix plans the rewrite of a reported sink call, or returns nil when no
// rewrite is known to be equivalent.
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
			title: fmt.Sprintf("Replace %s with %s.WriteFile", s.name, c.helperName()),
		}
	case create:
		return c.planWriteJSON(u, call)
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
//		return err
//	}
//	defer f.Close()
//	return json.NewEncoder(f).Encode(V)
//
// into return atomicfs.WriteJSON(P, V, 0o666). The error branch must return
// err itself: anything else it does (wrapping, recording, a sentinel) would
// be lost. V must be free of side effects, since the rewrite evaluates it
// before the file is created. Any other use of f or err makes the rewrite
// unsafe, so the finding gets a message only.
func (c *checker) planWriteJSON(u *unit, call *ast.CallExpr) *fixPlan {
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
	if errVar == nil {
		return nil // err discarded as _: the error branch cannot be the plain one
	}
	ifs, ok := block.List[at+1].(*ast.IfStmt)
	if !ok || ifs.Init != nil || ifs.Else != nil || len(ifs.Body.List) != 1 {
		return nil
	}
	if cond, ok := ifs.Cond.(*ast.BinaryExpr); !ok || cond.Op != token.NEQ || identObj(info, cond.X) != errVar || !isNil(info, cond.Y) {
		return nil
	}
	if r, ok := ifs.Body.List[0].(*ast.ReturnStmt); !ok || len(r.Results) != 1 || !isIdentOf(info, r.Results[0], errVar) {
		return nil
	}
	def, ok := block.List[at+2].(*ast.DeferStmt)
	if !ok || len(def.Call.Args) != 0 {
		return nil
	}
	if cs, ok := def.Call.Fun.(*ast.SelectorExpr); !ok || cs.Sel.Name != "Close" || !isIdentOf(info, cs.X, f) {
		return nil
	}
	ret, ok := block.List[at+3].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil
	}
	enc, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || len(enc.Args) != 1 || enc.Ellipsis.IsValid() || !c.pure(enc.Args[0]) {
		return nil
	}
	encSel, ok := enc.Fun.(*ast.SelectorExpr)
	if !ok || encSel.Sel.Name != "Encode" || !isMethod(c.selected(encSel), "encoding/json", "Encoder", "Encode") {
		return nil
	}
	newEnc, ok := encSel.X.(*ast.CallExpr)
	if !ok || len(newEnc.Args) != 1 || !isIdentOf(info, newEnc.Args[0], f) || !isFunc(c.callee(u, newEnc), "encoding/json", "NewEncoder") {
		return nil
	}
	newEncSel, ok := newEnc.Fun.(*ast.SelectorExpr)
	if !ok || !c.isPkgRef(newEncSel) {
		return nil
	}
	// f must appear exactly in the two places above, err only in the if.
	uses := map[types.Object]int{}
	ast.Inspect(u.decl, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			switch obj := info.Uses[id]; {
			case obj == f:
				uses[f]++
			case obj == errVar && (id.Pos() < ifs.Pos() || id.End() > ifs.End()):
				uses[errVar]++ // err may be used in the if statement only
			}
		}
		return true
	})
	if uses[f] != 2 || uses[errVar] != 0 {
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
		keep:  []ast.Node{call.Args[0], enc.Args[0]},
		title: fmt.Sprintf("Replace os.Create and json.Encoder with %s.WriteJSON", c.helperName()),
	}
}

// selected returns the function or method a selector names, or nil.
func (c *checker) selected(sel *ast.SelectorExpr) *types.Func {
	fn, _ := c.pass.TypesInfo.Uses[sel.Sel].(*types.Func)
	return fn
}

// isIdentOf reports whether e is exactly an identifier referring to obj.
func isIdentOf(info *types.Info, e ast.Expr, obj types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && obj != nil && info.Uses[id] == obj
}

// isNil reports whether e is the predeclared nil.
func isNil(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	_, isNil := info.Uses[id].(*types.Nil)
	return isNil
}

// pure reports whether evaluating e has no side effect and cannot fail, so
// that evaluating it earlier changes nothing: constants, variables, their
// addresses and the fields of struct values.
func (c *checker) pure(e ast.Expr) bool {
	info := c.pass.TypesInfo
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		return true
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.pure(e.X)
	case *ast.Ident:
		_, isVar := info.Uses[e].(*types.Var)
		return isVar
	case *ast.UnaryExpr:
		return e.Op == token.AND && c.pure(e.X)
	case *ast.SelectorExpr:
		if s := info.Selections[e]; s != nil {
			// A field of a struct value; through a pointer it could fault.
			return s.Kind() == types.FieldVal && !s.Indirect() && c.pure(e.X)
		}
		_, isVar := info.Uses[e.Sel].(*types.Var) // pkg.Var
		return isVar
	}
	return false
}

// source prints an expression as Go source.
func (c *checker) source(e ast.Expr) (string, bool) {
	var buf bytes.Buffer
	if err := format.Node(&buf, c.pass.Fset, e); err != nil {
		return "", false
	}
	return buf.String(), true
}

// factsOf walks file once for the facts its fixes need, and gathers the
// fixes of its findings that will be reported.
func (c *checker) factsOf(file *ast.File) *fileFacts {
	ff := &fileFacts{uses: map[*types.PkgName][]token.Pos{}, idents: map[string]bool{}}
	ast.Inspect(file, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			ff.idents[id.Name] = true
			if pn, ok := c.pass.TypesInfo.Uses[id].(*types.PkgName); ok {
				ff.uses[pn] = append(ff.uses[pn], id.Pos())
				ff.refs = append(ff.refs, pkgRef{id.Pos(), pn})
			}
		}
		return true
	})
	for _, d := range c.diags {
		if d.fix != nil && d.fix.file == file && !c.suppressed(d.d.Pos) && !c.generatedByCgo(d.d.Pos) {
			ff.plans = append(ff.plans, d.fix)
		}
	}
	return ff
}

// suggestedFix returns the fix of the finding planned as p: one fix that
// rewrites every fixable finding of the file at once, with the import edits
// the file as a whole needs. Each finding carries the same fix, so drivers
// that apply every fix (merging identical edits) and editors that apply one
// at a time both leave a file whose imports match its uses. It returns
// false when no such fix is known to be safe.
func (c *checker) suggestedFix(p *fixPlan, ff *fileFacts) (analysis.SuggestedFix, bool) {
	if ff.fix == nil {
		edits := c.fileEdits(p.file, ff)
		ff.fix = &analysis.SuggestedFix{TextEdits: edits}
	}
	if len(ff.fix.TextEdits) == 0 {
		return analysis.SuggestedFix{}, false
	}
	msg := p.title
	if n := len(ff.plans) - 1; n == 1 {
		msg += ", and the file's other fixable write with it"
	} else if n > 1 {
		msg += fmt.Sprintf(", and the file's %d other fixable writes with it", n)
	}
	msg += fmt.Sprintf(" (a module that does not require %s yet needs: go get %s)", c.helperModule(), c.helperModule())
	// The edits are shared, not copied: a file's findings would otherwise
	// cost memory quadratic in their number. Drivers only read them.
	return analysis.SuggestedFix{Message: msg, TextEdits: ff.fix.TextEdits}, true
}

// helperModule is what go get needs for the helper: this module for the
// default helper, else the helper's import path.
func (c *checker) helperModule() string {
	if c.cfg.helper == DefaultHelper {
		return "github.com/atomicjson/atomicjson"
	}
	return c.cfg.helper
}

// fileEdits computes the edits of the file's fix: every planned rewrite,
// the helper's import under a name that refers to it at every rewrite, and
// the removal of each import the rewrites leave without a use. It returns
// nil when the result would not parse or the file's source is unknown.
func (c *checker) fileEdits(file *ast.File, ff *fileFacts) []analysis.TextEdit {
	tf := c.pass.Fset.File(file.Pos())
	src := c.readSource(tf)
	if src == nil || len(ff.plans) == 0 {
		return nil
	}
	name, spec, ok := c.helperRef(file, ff)
	if !ok {
		return nil
	}
	var edits []analysis.TextEdit
	gone := map[*types.PkgName]int{}
	for _, p := range ff.plans {
		edits = append(edits, analysis.TextEdit{Pos: p.pos, End: p.end, NewText: []byte(p.text(name))})
		i, _ := slices.BinarySearchFunc(ff.refs, p.pos, func(r pkgRef, pos token.Pos) int { return int(r.pos) - int(pos) })
		for ; i < len(ff.refs) && ff.refs[i].pos < p.end; i++ {
			if !inAny(p.keep, ff.refs[i].pos) {
				gone[ff.refs[i].pn]++
			}
		}
	}
	var unused []*types.PkgName
	for pn, n := range gone {
		if n == len(ff.uses[pn]) {
			unused = append(unused, pn)
		}
	}
	edits = append(edits, c.importEdits(tf, src, file, unused, spec)...)
	sortEdits(edits)
	for i := 1; i < len(edits); i++ {
		if edits[i-1].End > edits[i].Pos {
			return nil // overlapping edits: no fix rather than a broken one
		}
	}
	// The last line of defence: the fixed file must parse.
	fixed := applyEdits(tf, src, edits)
	if _, err := parser.ParseFile(token.NewFileSet(), tf.Name(), fixed, parser.SkipObjectResolution); err != nil {
		return nil
	}
	return edits
}

// readSource returns the content the file was parsed from, or nil when it
// cannot be read or has changed since. golangci-lint provides no ReadFile.
func (c *checker) readSource(tf *token.File) []byte {
	if tf == nil {
		return nil
	}
	read := c.pass.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(tf.Name())
	if err != nil || len(src) != tf.Size() {
		return nil
	}
	return src
}

// inAny reports whether pos lies within one of nodes.
func inAny(nodes []ast.Node, pos token.Pos) bool {
	for _, n := range nodes {
		if n.Pos() <= pos && pos < n.End() {
			return true
		}
	}
	return false
}

// applyEdits applies sorted, non-overlapping edits to src.
func applyEdits(tf *token.File, src []byte, edits []analysis.TextEdit) []byte {
	var out []byte
	last := 0
	for _, e := range edits {
		start, end := tf.Offset(e.Pos), tf.Offset(e.End)
		out = append(out, src[last:start]...)
		out = append(out, e.NewText...)
		last = end
	}
	return append(out, src[last:]...)
}

// helperRef returns the name under which the fixed file refers to the
// helper package at every planned rewrite, and the import spec to add
// when the file does not import it under such a name already ("" when it
// does). A new name is the helper's package name unless an identifier of
// the file spells it or a declaration in scope at a rewrite takes it.
func (c *checker) helperRef(file *ast.File, ff *fileFacts) (name, spec string, ok bool) {
	refersAt := func(name string, want types.Object) bool {
		for _, p := range ff.plans {
			if c.lookup(name, p.pos) != want {
				return false
			}
		}
		return true
	}
	for _, imp := range file.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err != nil || p != c.cfg.helper {
			continue
		}
		pn := c.importedAs(imp)
		if pn != nil && pn.Name() != "_" && pn.Name() != "." && refersAt(pn.Name(), pn) {
			return pn.Name(), "", true
		}
	}
	base := c.helperName()
	if !token.IsIdentifier(base) {
		base = "atomicfs"
	}
	name = base
	for i := 2; ff.idents[name] || !refersAt(name, nil); i++ {
		if i > 100 {
			return "", "", false
		}
		name = base + strconv.Itoa(i)
	}
	spec = strconv.Quote(c.cfg.helper)
	if pkg := c.helperPkg(); (pkg != nil && name != pkg.Name()) || (pkg == nil && name != path.Base(c.cfg.helper)) {
		spec = name + " " + spec // the name the import path does not imply
	}
	return name, spec, true
}

// lookup returns the object name refers to at pos in the package, nil if
// none, the universe's included.
func (c *checker) lookup(name string, pos token.Pos) types.Object {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		scope = c.pass.Pkg.Scope()
	}
	_, obj := scope.LookupParent(name, pos)
	return obj
}

// importedAs returns the package name an import spec declares.
func (c *checker) importedAs(is *ast.ImportSpec) *types.PkgName {
	obj := c.pass.TypesInfo.Implicits[is]
	if is.Name != nil {
		obj = c.pass.TypesInfo.Defs[is.Name]
	}
	pn, _ := obj.(*types.PkgName)
	return pn
}

// helperPkg returns the helper package when the package being checked
// imports it, which gives its real name.
func (c *checker) helperPkg() *types.Package {
	for _, imp := range c.pass.Pkg.Imports() {
		if imp.Path() == c.cfg.helper {
			return imp
		}
	}
	return nil
}

// helperName is the package name of the helper, as written in messages and
// fixes: its real name when the package imports it, else the name the go
// command's conventions imply for its import path ("safewrite" for
// example.com/safewrite/v2, "yaml" for gopkg.in/yaml.v3).
func (c *checker) helperName() string {
	if pkg := c.helperPkg(); pkg != nil {
		return pkg.Name()
	}
	return assumedName(c.cfg.helper)
}

// assumedName is the package name an import path implies, as goimports
// assumes it: the last element, skipping a major version suffix, without a
// "go-" prefix, up to its first character that cannot be in an identifier.
func assumedName(importPath string) string {
	base := path.Base(importPath)
	if strings.HasPrefix(base, "v") {
		if _, err := strconv.Atoi(base[1:]); err == nil {
			if dir := path.Dir(importPath); dir != "." {
				base = path.Base(dir)
			}
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}); i >= 0 {
		base = base[:i]
	}
	return base
}

// importEdits returns the edits that remove the imports of unused and add
// the import spec (when not ""), whatever the layout of the import
// declarations: grouped or not, several specs on a line separated by
// semicolons, parentheses on the lines of specs.
func (c *checker) importEdits(tf *token.File, src []byte, file *ast.File, unused []*types.PkgName, spec string) []analysis.TextEdit {
	var decls []*ast.GenDecl
	for _, d := range file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			decls = append(decls, gd)
		}
	}
	drop := func(is *ast.ImportSpec) bool {
		pn := c.importedAs(is)
		return pn != nil && slices.Contains(unused, pn)
	}
	off := func(p token.Pos) int { return tf.Offset(p) }
	var edits []analysis.TextEdit
	var into *ast.GenDecl // the last grouped declaration that keeps a spec
	var after *ast.GenDecl
	var firstGone *ast.GenDecl
	goneEdit := -1
	for _, gd := range decls {
		var kept []*ast.ImportSpec
		for _, s := range gd.Specs {
			if !drop(s.(*ast.ImportSpec)) {
				kept = append(kept, s.(*ast.ImportSpec))
			}
		}
		cgo := slices.ContainsFunc(gd.Specs, func(s ast.Spec) bool { return s.(*ast.ImportSpec).Path.Value == `"C"` })
		switch {
		case len(kept) == 0:
			start, end := deletion(src, off(gd.Pos()), off(gd.End()))
			if firstGone == nil {
				firstGone = gd
				goneEdit = len(edits)
			}
			edits = append(edits, analysis.TextEdit{Pos: tf.Pos(start), End: tf.Pos(end)})
			continue
		case len(kept) < len(gd.Specs):
			for _, s := range gd.Specs {
				if is := s.(*ast.ImportSpec); drop(is) {
					start, end := deletion(src, off(is.Pos()), off(is.End()))
					edits = append(edits, analysis.TextEdit{Pos: tf.Pos(start), End: tf.Pos(end)})
				}
			}
		}
		if !cgo {
			after = gd
			if gd.Lparen.IsValid() {
				into = gd
			}
		}
	}
	if spec == "" {
		return edits
	}
	switch {
	case into != nil:
		lastSpec := into.Specs[len(into.Specs)-1]
		text := "\t" + spec + "\n"
		if tf.Line(into.Rparen) == tf.Line(lastSpec.End()) {
			text = "\n" + text // ("fmt"; "os"): the spec needs a line of its own
		} else if kept := lastKept(into, drop); kept != nil && isStd(kept) && !isStdPath(c.cfg.helper) {
			text = "\n" + text // a group of its own after the standard library
		}
		edits = append(edits, analysis.TextEdit{Pos: into.Rparen, End: into.Rparen, NewText: []byte(text)})
	case after != nil:
		// After an import declaration that stays: never between a cgo
		// preamble and its import "C".
		edits = append(edits, analysis.TextEdit{Pos: after.End(), End: after.End(), NewText: []byte("\nimport " + spec)})
	case firstGone != nil:
		// Every import goes: the first declaration becomes the helper's.
		edits[goneEdit] = analysis.TextEdit{Pos: firstGone.Pos(), End: firstGone.End(), NewText: []byte("import " + spec)}
	default:
		edits = append(edits, analysis.TextEdit{Pos: file.Name.End(), End: file.Name.End(), NewText: []byte("\n\nimport " + spec)})
	}
	return edits
}

// lastKept returns the last spec of gd that stays, or nil.
func lastKept(gd *ast.GenDecl, drop func(*ast.ImportSpec) bool) *ast.ImportSpec {
	for i := len(gd.Specs) - 1; i >= 0; i-- {
		if is := gd.Specs[i].(*ast.ImportSpec); !drop(is) {
			return is
		}
	}
	return nil
}

// deletion widens the byte range [start, end) of a spec or declaration to
// delete: with the explicit semicolon that ends it and the blanks around,
// and to its whole line when nothing else is on the line but a comment
// that follows it.
func deletion(src []byte, start, end int) (int, int) {
	blank := func(b byte) bool { return b == ' ' || b == '\t' }
	for end < len(src) && blank(src[end]) {
		end++
	}
	if end < len(src) && src[end] == ';' {
		end++
		for end < len(src) && blank(src[end]) {
			end++
		}
	}
	lineStart := start
	for lineStart > 0 && blank(src[lineStart-1]) {
		lineStart--
	}
	if lineStart > 0 && src[lineStart-1] != '\n' {
		return start, end // code before it on its line
	}
	rest := end
	if bytes.HasPrefix(src[rest:], []byte("//")) {
		for rest < len(src) && src[rest] != '\n' {
			rest++ // its line comment goes with it
		}
	}
	switch {
	case rest == len(src):
		return lineStart, rest
	case src[rest] == '\n':
		return lineStart, rest + 1
	case src[rest] == '\r' && rest+1 < len(src) && src[rest+1] == '\n':
		return lineStart, rest + 2
	}
	return start, end
}

// sortEdits orders edits by position, as drivers expect.
func sortEdits(edits []analysis.TextEdit) {
	slices.SortStableFunc(edits, func(a, b analysis.TextEdit) int { return int(a.Pos) - int(b.Pos) })
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
