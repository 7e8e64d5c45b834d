package analyzer

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"
)

// pathFact marks a function whose string result is known to be a JSON path,
// such as func IndexPath() string { return filepath.Join(root, "index.json") },
// or ends with one of its parameters, such as
// func Named(n string) string { return filepath.Join(root, n) }: then the
// argument a call passes decides the result's extension.
type pathFact struct {
	Result int    // index of the result that holds the path
	Tail   string // known tail of the path, e.g. "index.json"; "" when Param is set
	Param  int    // index of the parameter the path ends with, or -1
}

func (*pathFact) AFact() {}

func (f *pathFact) String() string {
	if f.Param >= 0 {
		return fmt.Sprintf("pathEndsWithParam(%d)", f.Param)
	}
	return fmt.Sprintf("jsonPath(%q)", f.Tail)
}

// wrapperFact marks a function that passes a parameter, unchanged in the part
// that decides the target's extension, into the path or data of a
// non-atomic write; callers are checked with the argument they pass.
type wrapperFact struct {
	Sink      string // the write the parameter reaches, e.g. "os.WriteFile"
	PathParam int    // index of the parameter that becomes the path, or -1
	DataParam int    // index of the parameter that becomes the data, or -1
}

func (*wrapperFact) AFact() {}

func (f *wrapperFact) String() string {
	return fmt.Sprintf("writes(%s, path=%d, data=%d)", f.Sink, f.PathParam, f.DataParam)
}

// opensFile reports whether the wrapper's sink returns an open file (os.Create,
// os.OpenFile) rather than writing data itself.
func (f *wrapperFact) opensFile() bool {
	for _, s := range sinks {
		if s.name == f.Sink {
			return s.kind != writeFile
		}
	}
	return false
}

// renameFact marks a function that renames its parameter Src onto its
// parameter Dst, such as a Replace that calls os.Rename and then fsyncs the
// directory: its calls are checked as renames. With File, Src is an
// *os.File renamed by its Name() (commit(f, dst)), and Synced says
// whether the function syncs it first.
type renameFact struct {
	Src, Dst     int
	File, Synced bool
}

func (*renameFact) AFact() {}

func (f *renameFact) String() string {
	switch {
	case f.File && f.Synced:
		return fmt.Sprintf("renamesFile(%d, %d, synced)", f.Src, f.Dst)
	case f.File:
		return fmt.Sprintf("renamesFile(%d, %d)", f.Src, f.Dst)
	}
	return fmt.Sprintf("renames(%d, %d)", f.Src, f.Dst)
}

// tempFact marks a function that creates a file under a name of its own
// choosing (os.CreateTemp, a fixed name in a directory) and returns the
// file, or its name, as result Result: the caller decides its fate, by a
// rename or otherwise. Synced says whether the function fsynced it.
type tempFact struct {
	Result int
	Synced bool
}

func (*tempFact) AFact() {}

func (f *tempFact) String() string {
	if f.Synced {
		return fmt.Sprintf("tempFile(%d, synced)", f.Result)
	}
	return fmt.Sprintf("tempFile(%d)", f.Result)
}

// dataFact marks a function whose []byte result holds JSON, such as
// func (c *Config) encode() ([]byte, error) { return json.Marshal(c) }.
type dataFact struct {
	Result   int    // index of the result that holds the bytes
	Producer string // the JSON producer, e.g. "json.MarshalIndent"
}

func (*dataFact) AFact() {}

func (f *dataFact) String() string { return fmt.Sprintf("jsonData(%s)", f.Producer) }

// varFact marks an exported package-level variable never reassigned in its
// package (assigned once in init at most), whose value is known to callers
// in other packages: a JSON path (var DefaultState = "state.json"), or a
// sink (var WriteFn = os.WriteFile).
type varFact struct {
	Tail string // known JSON tail of a string variable, or ""
	Sink string // "pkgpath.Name" of the sink a function variable holds, or ""
}

func (*varFact) AFact() {}

func (f *varFact) String() string {
	if f.Sink != "" {
		return fmt.Sprintf("holds(%s)", f.Sink)
	}
	return fmt.Sprintf("jsonPath(%q)", f.Tail)
}

// exportVarFacts exports a varFact for each exported package-level variable
// whose value is known and useful elsewhere.
func (c *checker) exportVarFacts() {
	scope := c.pass.Pkg.Scope()
	for _, name := range scope.Names() {
		v, ok := scope.Lookup(name).(*types.Var)
		if !ok || !v.Exported() || c.pkgVarReassigned(v) {
			continue
		}
		init := c.pkgVarInit(v)
		if init == nil {
			continue
		}
		switch {
		case isString(v.Type()):
			if t, _, ok := c.jsonTail(c.tails(nil, init, 0)); ok {
				c.pass.ExportObjectFact(v, &varFact{Tail: shortTail(t.s)})
			}
		default:
			if _, ok := v.Type().Underlying().(*types.Signature); !ok {
				continue
			}
			if fn := funcValue(c.pass.TypesInfo, init); fn != nil {
				if _, ok := sinks[funcKey(fn)]; ok {
					c.pass.ExportObjectFact(v, &varFact{Sink: fn.Pkg().Path() + "." + fn.Name()})
				}
			}
		}
	}
}

// exportResultFacts exports a pathFact for every function of the package
// that returns a known JSON path, and a dataFact for one that returns JSON
// bytes, callees first (order.go) so that such functions may call each
// other at any depth. It runs for every package, even one that writes
// nothing.
func (c *checker) exportResultFacts() {
	var nodes []*unit
	cand := map[*unit]bool{}
	for fn, r := range c.funcs {
		res := fn.Signature().Results()
		for i := 0; i < res.Len(); i++ {
			if isString(res.At(i).Type()) || isBytes(res.At(i).Type()) {
				u := c.unitOf(r.file, r.decl)
				cand[u] = true
				nodes = append(nodes, u)
				break
			}
		}
	}
	// Map order would make the components' order, and so the work done,
	// vary from run to run: sort by position.
	slices.SortFunc(nodes, func(a, b *unit) int { return cmp.Compare(a.decl.Pos(), b.decl.Pos()) })
	comps := components(nodes, func(u *unit) []*unit { return c.callees(u, func(v *unit) bool { return cand[v] }) })
	solve(comps, func(u *unit, final bool) bool {
		if !final {
			u.resetMemos()
		}
		return c.resultFacts(u)
	})
}

// resultFacts exports the path and data facts of u's function; it
// reports whether one changed.
func (c *checker) resultFacts(u *unit) bool {
	decl := u.decl.(*ast.FuncDecl)
	changed := false
	// A known JSON tail replaces a parameter form found earlier.
	var old, f pathFact
	had := c.pass.ImportObjectFact(u.fn, &old)
	if (!had || old.Param >= 0) && c.findPathResult(u, decl, u.fn, &f) && (!had || f != old) {
		c.pass.ExportObjectFact(u.fn, &f)
		changed = true
	}
	var df dataFact
	if !c.pass.ImportObjectFact(u.fn, &df) && c.findDataResult(u, decl, u.fn, &df) {
		c.pass.ExportObjectFact(u.fn, &df)
		changed = true
	}
	return changed
}

// findDataResult looks for a return statement of decl whose []byte result
// holds JSON.
func (c *checker) findDataResult(u *unit, decl *ast.FuncDecl, fn *types.Func, f *dataFact) bool {
	res := fn.Signature().Results()
	return ownReturns(decl.Body, func(ret *ast.ReturnStmt) bool {
		if len(ret.Results) == 1 && res.Len() > 1 {
			// return json.Marshal(v): the results of the call are the results.
			call, ok := ast.Unparen(ret.Results[0]).(*ast.CallExpr)
			if !ok {
				return false
			}
			for i := 0; i < res.Len(); i++ {
				if isBytes(res.At(i).Type()) {
					if ev := c.jsonProducer(u, call, i); ev.found() {
						*f = dataFact{Result: i, Producer: ev.producer}
						return true
					}
				}
			}
			return false
		}
		if len(ret.Results) != res.Len() {
			return false
		}
		for i, r := range ret.Results {
			if !isBytes(res.At(i).Type()) {
				continue
			}
			if ev, _ := c.dataEvidence(u, r, 0); ev.found() && ev.kind != evValidated {
				*f = dataFact{Result: i, Producer: ev.producer}
				return true
			}
		}
		return false
	})
}

// ownReturns calls found for each return statement of body, not of the
// function literals nested in it, until found reports true; it reports
// whether it did.
func ownReturns(body *ast.BlockStmt, found func(*ast.ReturnStmt) bool) bool {
	done := false
	ast.Inspect(body, func(n ast.Node) bool {
		if done {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			done = found(n)
		}
		return !done
	})
	return done
}

// findPathResult looks for a return statement of decl (not of a nested
// function literal) whose string result is a JSON path or, failing that,
// for a string result that ends with the same parameter in every return
// statement (a function that may return something else, such as
// strings.TrimSuffix, gets no fact).
func (c *checker) findPathResult(u *unit, decl *ast.FuncDecl, fn *types.Func, f *pathFact) bool {
	res := fn.Signature().Results()
	// byParam[i] is the parameter that result i ends with in every return
	// so far; -2 once a return breaks the pattern.
	byParam := make([]int, res.Len())
	for i := range byParam {
		byParam[i] = -1
	}
	if ownReturns(decl.Body, func(ret *ast.ReturnStmt) bool {
		if len(ret.Results) != res.Len() {
			return false
		}
		for i, r := range ret.Results {
			if !isString(res.At(i).Type()) {
				continue
			}
			ts := c.tails(u, r, 0)
			if t, _, ok := c.jsonTail(ts); ok {
				*f = pathFact{Result: i, Tail: shortTail(t.s), Param: -1}
				return true
			}
			p := onlyParam(ts)
			if p < 0 || byParam[i] != -1 && byParam[i] != p {
				byParam[i] = -2
			} else if byParam[i] == -1 {
				byParam[i] = p
			}
		}
		return false
	}) {
		return true
	}
	for i, p := range byParam {
		if p >= 0 {
			*f = pathFact{Result: i, Param: p}
			return true
		}
	}
	return false
}

// onlyParam returns the parameter that every tail of ts is, unchanged at
// its end, or -1.
func onlyParam(ts []tail) int {
	p := -1
	for _, t := range ts {
		if t.s != "" || t.lit != nil || t.param < 0 || p >= 0 && t.param != p {
			return -1
		}
		p = t.param
	}
	return p
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
