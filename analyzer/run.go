package analyzer

import (
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
	diags []diag // collected by a scan, reported once facts are stable
	sup   map[*token.File]suppressions
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
	ch.exportPathFacts()
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
// io/ioutil, or that imports a package with a wrapper fact, can hold a sink.
func (c *checker) mayWrite() bool {
	for _, imp := range c.pass.Pkg.Imports() {
		switch imp.Path() {
		case "os", "io/ioutil":
			return true
		}
	}
	for _, f := range c.pass.AllObjectFacts() {
		if _, ok := f.Fact.(*wrapperFact); ok {
			return true
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

// exportPathFacts exports a pathFact for every function of the package that
// returns a known JSON path, iterating so that such functions may call each
// other. It runs for every package, even one that writes nothing.
func (c *checker) exportPathFacts() {
	type cand struct {
		file *ast.File
		decl *ast.FuncDecl
		fn   *types.Func
	}
	var cands []cand
	for _, file := range c.pass.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			res := fn.Signature().Results()
			for i := 0; i < res.Len(); i++ {
				if isString(res.At(i).Type()) || isBytes(res.At(i).Type()) {
					cands = append(cands, cand{file, fd, fn})
					break
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, k := range cands {
			var f pathFact
			if !c.pass.ImportObjectFact(k.fn, &f) && c.findPathResult(c.unitOf(k.file, k.decl), k.decl, k.fn, &f) {
				c.pass.ExportObjectFact(k.fn, &f)
				changed = true
			}
			var df dataFact
			if !c.pass.ImportObjectFact(k.fn, &df) && c.findDataResult(c.unitOf(k.file, k.decl), k.decl, k.fn, &df) {
				c.pass.ExportObjectFact(k.fn, &df)
				changed = true
			}
		}
	}
}

// findDataResult looks for a return statement of decl whose []byte result
// comes from encoding/json.
func (c *checker) findDataResult(u *unit, decl *ast.FuncDecl, fn *types.Func, f *dataFact) bool {
	res := fn.Signature().Results()
	found := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) == 1 && res.Len() > 1 {
				// return json.Marshal(v): the results of the call are the results.
				if call, ok := ast.Unparen(n.Results[0]).(*ast.CallExpr); ok {
					for i := 0; i < res.Len(); i++ {
						if isBytes(res.At(i).Type()) {
							if ev := c.jsonProducer(u, call, i); ev != "" {
								*f = dataFact{Result: i, Producer: producer(ev)}
								found = true
								return false
							}
						}
					}
				}
				return true
			}
			if len(n.Results) != res.Len() {
				return true
			}
			for i, r := range n.Results {
				if !isBytes(res.At(i).Type()) {
					continue
				}
				if ev, _ := c.dataEvidence(u, r, 0); ev != "" {
					*f = dataFact{Result: i, Producer: producer(ev)}
					found = true
					return false
				}
			}
		}
		return true
	})
	return found
}

// producer extracts the encoding/json call from evidence such as
// "data from json.Marshal (via encode)".
func producer(ev string) string {
	ev = strings.TrimPrefix(ev, "data from ")
	if i := strings.Index(ev, " (via "); i >= 0 {
		ev = ev[:i]
	}
	return ev
}

// findPathResult looks for a return statement of decl (not of a nested
// function literal) whose string result is a JSON path.
func (c *checker) findPathResult(u *unit, decl *ast.FuncDecl, fn *types.Func, f *pathFact) bool {
	res := fn.Signature().Results()
	found := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) != res.Len() {
				return true
			}
			for i, r := range n.Results {
				if !isString(res.At(i).Type()) {
					continue
				}
				if t, _, ok := c.jsonTail(c.tails(u, r, 0)); ok {
					*f = pathFact{Result: i, Tail: shortTail(t.s)}
					found = true
					return false
				}
			}
		}
		return true
	})
	return found
}

// shortTail keeps the last element of a path tail, for messages and facts.
func shortTail(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// importPathFact is ImportObjectFact for a possibly foreign function.
func (c *checker) importPathFact(fn *types.Func, f *pathFact) bool {
	return fn.Pkg() != nil && c.pass.ImportObjectFact(fn, f)
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
		if d.fix != nil {
			ff := files[d.fix.file]
			if ff == nil {
				ff = c.factsOf(d.fix.file)
				files[d.fix.file] = ff
			}
			d.d.SuggestedFixes = []analysis.SuggestedFix{c.suggestedFix(d.fix, ff)}
		}
		c.pass.Report(d.d)
	}
}
