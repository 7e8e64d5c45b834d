package analyzer

import (
	"fmt"
	"go/ast"
	"go/types"
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

// dataFact marks a function whose []byte result comes from encoding/json,
// such as func (c *Config) encode() ([]byte, error) { return json.Marshal(c) }.
type dataFact struct {
	Result   int    // index of the result that holds the bytes
	Producer string // the encoding/json call, e.g. "json.MarshalIndent"
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
// bytes, iterating so that such functions may call each
// other. It runs for every package, even one that writes nothing.
func (c *checker) exportResultFacts() {
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
			// A known JSON tail replaces a parameter form found earlier.
			var old, f pathFact
			had := c.pass.ImportObjectFact(k.fn, &old)
			if (!had || old.Param >= 0) && c.findPathResult(c.unitOf(k.file, k.decl), k.decl, k.fn, &f) && (!had || f != old) {
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
	return ownReturns(decl.Body, func(ret *ast.ReturnStmt) bool {
		if len(ret.Results) == 1 && res.Len() > 1 {
			// return json.Marshal(v): the results of the call are the results.
			call, ok := ast.Unparen(ret.Results[0]).(*ast.CallExpr)
			if !ok {
				return false
			}
			for i := 0; i < res.Len(); i++ {
				if isBytes(res.At(i).Type()) {
					if ev := c.jsonProducer(u, call, i); ev != "" {
						*f = dataFact{Result: i, Producer: producer(ev)}
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
			if ev, _ := c.dataEvidence(u, r, 0); ev != "" {
				*f = dataFact{Result: i, Producer: producer(ev)}
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
