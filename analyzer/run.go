package analyzer

import (
	"go/ast"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// checker holds the state of one run of the pass over one package.
type checker struct {
	pass  *analysis.Pass
	cfg   *config
	pv    *pkgVars
	units map[ast.Node]*unit
	diags []diag // collected by a scan, reported once facts are stable
	// litWrappers are the wrapper facts of function literals bound to a
	// variable, kept in the pass (closures.go).
	litWrappers map[*ast.FuncLit]wrapperFact
	sup         map[*token.File]suppressions
}

// diag is a finding waiting to be reported.
type diag struct {
	d   analysis.Diagnostic
	fix *fixPlan
}

func (c *config) run(pass *analysis.Pass) (any, error) {
	path := pass.Pkg.Path()
	if path == c.helper || path == c.helper+"_test" {
		return nil, nil // the helper is where the durable write is implemented
	}
	ch := &checker{pass: pass, cfg: c, units: make(map[ast.Node]*unit)}
	ch.exportResultFacts()
	ch.exportVarFacts()
	ch.checkSuppressions()
	if !ch.mayWrite() {
		return nil, nil
	}
	// Within the package, wrappers may call wrappers declared later: scan
	// until no new wrapper fact appears, then report the last scan.
	for range 8 {
		ch.diags = ch.diags[:0]
		if !ch.scan() {
			break
		}
	}
	ch.report()
	return nil, nil
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
		case *wrapperFact:
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

// scan checks every call of the package, collecting diagnostics and
// exporting wrapper facts; it reports whether a new fact was exported.
func (c *checker) scan() bool {
	changed := false
	for _, file := range c.pass.Files {
		if !c.checked(file) {
			continue
		}
		for _, d := range file.Decls {
			if !hasCalls(d) {
				continue
			}
			u := c.unitOf(file, d)
			if c.scanUnit(u) {
				changed = true
			}
		}
	}
	return changed
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
// their suggested fixes.
func (c *checker) report() {
	files := map[*ast.File]*fileFacts{}
	for _, d := range c.diags {
		if c.suppressed(d.d.Pos) {
			continue
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
		c.pass.Report(d.d)
	}
}

// generatedByCgo reports whether pos lies in a file that cgo rewrote: its
// //line directives point back to a different file than the one parsed.
func (c *checker) generatedByCgo(pos token.Pos) bool {
	tf := c.pass.Fset.File(pos)
	return tf == nil || tf.Name() != c.pass.Fset.PositionFor(pos, true).Filename
}
