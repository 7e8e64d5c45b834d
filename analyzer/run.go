package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// checker holds the state of one run of the pass over one package.
type checker struct {
	pass  *analysis.Pass
	cfg   *config
	pv    *pkgVars
	units map[ast.Node]*unit
	// funcs and litDecls locate the declarations of the package's
	// functions and of its package-level function literals.
	funcs    map[*types.Func]declRef
	litDecls map[*ast.FuncLit]declRef
	// litWrappers are the wrapper facts of function literals bound to a
	// variable, kept in the pass (closures.go).
	litWrappers map[*ast.FuncLit]wrapperFact
	litJudged   map[*ast.FuncLit]bool // literals whose calls a scan has judged
	litChanged  bool                  // a judged literal's wrapper fact changed during the current scan
	final       bool                  // the current scan builds diagnostics: facts are final
	sup         map[*token.File]suppressions
	fieldMemo   map[*types.Var][]tail         // fieldTails' answers (fields.go)
	stores      map[*types.Var][]fieldStore   // values stored in the package's fields (fields.go)
	diags       []diag                        // every finding, in source order, once the scans are done
	calleeMemo  map[*ast.CallExpr]*types.Func // callee's answers, per call
}

// declRef locates a top-level declaration.
type declRef struct {
	file *ast.File
	decl ast.Node
}

// diag is a finding waiting to be reported.
type diag struct {
	d     analysis.Diagnostic
	fix   *fixPlan                // a rewrite onto the helper package (fixes.go)
	fixes []analysis.SuggestedFix // fixes of their own, such as a missing Sync (syncfix.go)
}

func (c *config) run(pass *analysis.Pass) (any, error) {
	if c.err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", c.err)
	}
	path := pass.Pkg.Path()
	if path == c.helper || path == c.helper+"_test" {
		return nil, nil // the helper is where the durable write is implemented
	}
	ch := &checker{pass: pass, cfg: c, units: make(map[ast.Node]*unit), litJudged: make(map[*ast.FuncLit]bool)}
	ch.index()
	ch.exportResultFacts()
	ch.exportVarFacts()
	ch.checkSuppressions()
	if !ch.mayWrite() {
		return nil, nil
	}
	ch.checkCalls()
	ch.report()
	return nil, nil
}

// index locates the package's function declarations and package-level
// function literals.
func (c *checker) index() {
	c.funcs = make(map[*types.Func]declRef)
	c.litDecls = make(map[*ast.FuncLit]declRef)
	for _, file := range c.pass.Files {
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if fn, ok := c.pass.TypesInfo.Defs[d.Name].(*types.Func); ok && d.Body != nil {
					c.funcs[fn] = declRef{file, d}
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					for _, v := range spec.(*ast.ValueSpec).Values {
						if lit, ok := ast.Unparen(v).(*ast.FuncLit); ok {
							c.litDecls[lit] = declRef{file, d}
						}
					}
				}
			}
		}
	}
}

// declUnit returns the unit of the package's function fn, or nil.
func (c *checker) declUnit(fn *types.Func) *unit {
	r, ok := c.funcs[fn]
	if !ok {
		return nil
	}
	return c.unitOf(r.file, r.decl)
}

// litUnit returns the unit of the package-level declaration holding lit, or nil.
func (c *checker) litUnit(lit *ast.FuncLit) *unit {
	r, ok := c.litDecls[lit]
	if !ok {
		return nil
	}
	return c.unitOf(r.file, r.decl)
}

// mayWrite is the cheap pre-filter: only a package that imports os or
// io/ioutil, or that imports a package with a wrapper fact or a variable
// holding a sink, can hold a sink.
func (c *checker) mayWrite() bool {
	for _, imp := range c.pass.Pkg.Imports() {
		switch imp.Path() {
		case "os", "io/ioutil":
			return true
		}
	}
	for _, f := range c.pass.AllObjectFacts() {
		switch f := f.Fact.(type) {
		case *wrapperFact, *renameFact, *tempFact:
			return true
		case *varFact:
			if f.Sink != "" {
				return true // pkg.WriteFn(...) needs no import of os
			}
		}
	}
	return false
}

// checked reports whether findings in file are reported at all.
func (c *checker) checked(file *ast.File) bool {
	if c.cfg.includeTests {
		return true
	}
	tf := c.pass.Fset.File(file.Pos())
	return tf != nil && !strings.HasSuffix(tf.Name(), "_test.go")
}

// unitOf returns the (cached) index of a top-level declaration.
func (c *checker) unitOf(file *ast.File, decl ast.Node) *unit {
	if u := c.units[decl]; u != nil {
		return u
	}
	u := c.newUnit(file, decl)
	c.units[decl] = u
	return u
}

// checkCalls checks every call of the checked files, callees before
// callers, exporting the wrapper facts and collecting the diagnostics.
func (c *checker) checkCalls() {
	var nodes []*unit
	for _, file := range c.pass.Files {
		if !c.checked(file) {
			continue
		}
		for _, d := range file.Decls {
			if hasCalls(d) {
				nodes = append(nodes, c.unitOf(file, d))
			}
		}
	}
	inScope := func(v *unit) bool { return c.checked(v.file) && hasCalls(v.decl.(ast.Decl)) }
	comps := components(nodes, func(u *unit) []*unit { return c.callees(u, inScope) })
	solve(comps, func(u *unit, final bool) bool {
		c.final = final
		if !final {
			u.resetMemos()
		}
		changed := false
		// A scan that changes a literal's wrapper fact is repeated, so
		// that calls of the literal before the change are judged by it.
		for range len(u.lits) + 1 {
			u.diags = u.diags[:0]
			c.litChanged = false
			changed = c.scanUnit(u) || changed
			if !c.litChanged {
				break
			}
		}
		return changed
	})
}

// hasCalls reports whether a declaration can contain a call at all.
func hasCalls(d ast.Decl) bool {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return d.Body != nil && len(d.Body.List) > 0
	case *ast.GenDecl:
		return d.Tok == token.VAR
	}
	return false
}

// report emits the collected diagnostics that no directive silences, with
// their suggested fixes, in source order.
func (c *checker) report() {
	for _, file := range c.pass.Files {
		for _, decl := range file.Decls {
			if u := c.units[decl]; u != nil {
				c.diags = append(c.diags, u.diags...)
			}
		}
	}
	files := map[*ast.File]*fileFacts{}
	for _, d := range c.diags {
		c.emit(d, files)
	}
}

// emit reports one diagnostic unless a directive silences it.
func (c *checker) emit(d diag, files map[*ast.File]*fileFacts) {
	if c.suppressed(d.d.Pos) {
		return
	}
	if d.fix != nil && c.generatedByCgo(d.d.Pos) {
		d.fix = nil // its edits would land in cgo's output, not in the user's file
	}
	if d.fix != nil {
		ff := files[d.fix.file]
		if ff == nil {
			ff = c.factsOf(d.fix.file)
			files[d.fix.file] = ff
		}
		if fix, ok := c.suggestedFix(d.fix, ff); ok {
			d.d.SuggestedFixes = []analysis.SuggestedFix{fix}
		}
	}
	if !c.generatedByCgo(d.d.Pos) {
		d.d.SuggestedFixes = append(d.d.SuggestedFixes, d.fixes...)
	}
	c.pass.Report(d.d)
}

// generatedByCgo reports whether pos lies in a file that cgo rewrote: its
// //line directives point back to a different file than the one parsed.
func (c *checker) generatedByCgo(pos token.Pos) bool {
	tf := c.pass.Fset.File(pos)
	return tf == nil || tf.Name() != c.pass.Fset.PositionFor(pos, true).Filename
}
