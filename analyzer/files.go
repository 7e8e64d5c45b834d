package analyzer

import (
	"cmp"
	"go/ast"
	"go/types"
	"slices"
)

// fileEvidence says whether the *os.File that call (os.Create, os.OpenFile)
// returns is written with JSON: fed to a JSON encoder, or written JSON
// bytes (fileWrites), or a copy of them.
func (c *checker) fileEvidence(u *unit, call *ast.CallExpr) evidence {
	f := u.dest[call]
	if f == nil {
		return evidence{}
	}
	for _, fl := range c.encoderFills(u)[f] {
		if fl.ev.kind == evFile {
			return fl.ev
		}
	}
	for _, e := range c.fileWrites(u, f) {
		if ev, _ := c.dataEvidence(u, e, 0); ev.found() {
			return ev
		}
	}
	return c.copyEvidence(u, f)
}

// fileDataParam returns the parameter of u's function whose bytes are the
// only thing written into the file that call (os.Create, os.OpenFile)
// returns — f.Write(b), bufio.NewWriter(f).Write(b), io.Copy(f,
// bytes.NewReader(b)) — or -1: such a function is a wrapper of the data as
// well as of the path.
func (c *checker) fileDataParam(u *unit, call *ast.CallExpr) int {
	f := u.dest[call]
	if f == nil {
		return -1
	}
	param := -1
	for _, e := range c.fileWrites(u, f) {
		ev, p := c.dataEvidence(u, e, 0)
		if ev.found() || p < 0 || param >= 0 && p != param {
			return -1
		}
		param = p
	}
	return param
}

// fileWrites returns the data expressions written into the file f, directly
// or through a bufio.Writer made on it: the arguments of Write and
// WriteString, of io.WriteString and fmt.Fprint, Fprintln and Fprintf, and
// b of io.Copy(f, bytes.NewReader(b)).
func (c *checker) fileWrites(u *unit, f types.Object) []ast.Expr {
	writers := []types.Object{f}
	for _, use := range c.argUses(u)[f] {
		if fn := c.callee(u, use.call); use.index == 0 && (isFunc(fn, "bufio", "NewWriter") || isFunc(fn, "bufio", "NewWriterSize")) {
			if w := u.dest[use.call]; w != nil {
				writers = append(writers, w)
			}
		}
	}
	var out []ast.Expr
	for _, w := range writers {
		for _, m := range u.methods[w] {
			if fn := c.callee(u, m); fn != nil && (fn.Name() == "Write" || fn.Name() == "WriteString") && len(m.Args) == 1 {
				out = append(out, m.Args[0])
			}
		}
	}
	for _, use := range c.argUses(u)[f] {
		w := use.call
		if use.index != 0 || len(w.Args) < 2 {
			continue
		}
		fn := c.callee(u, w)
		switch {
		case isFunc(fn, "io", "WriteString"), isFunc(fn, "fmt", "Fprint"), isFunc(fn, "fmt", "Fprintln"), isFunc(fn, "fmt", "Fprintf"):
			out = append(out, w.Args[1:]...)
		case isFunc(fn, "io", "Copy"):
			if r, ok := ast.Unparen(w.Args[1]).(*ast.CallExpr); ok && len(r.Args) == 1 {
				if rf := c.callee(u, r); isFunc(rf, "bytes", "NewReader") || isFunc(rf, "strings", "NewReader") {
					out = append(out, r.Args[0])
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b ast.Expr) int { return cmp.Compare(a.Pos(), b.Pos()) })
	return out
}

// copyEvidence says whether JSON reaches the file f by a copy from a buffer
// holding JSON (io.Copy(f, &buf), buf.WriteTo(f), io.Copy(f,
// bytes.NewReader(b))) or through a function of this package that feeds its
// io.Writer parameter to a JSON encoder (writeJSON(f, v)).
func (c *checker) copyEvidence(u *unit, f types.Object) evidence {
	for _, use := range c.argUses(u)[f] {
		w := use.call
		fn := c.callee(u, w)
		if fn == nil {
			continue
		}
		switch {
		case isFunc(fn, "io", "Copy") || isFunc(fn, "io", "CopyBuffer") || isFunc(fn, "io", "CopyN"):
			if use.index == 0 && len(w.Args) >= 2 {
				if ev := c.bufferEvidence(u, w.Args[1], 0); ev.found() {
					return ev
				}
			}
		case isMethod(fn, "bytes", "Buffer", "WriteTo") || isMethod(fn, "bytes", "Reader", "WriteTo") || isMethod(fn, "strings", "Reader", "WriteTo"):
			if sel, ok := ast.Unparen(w.Fun).(*ast.SelectorExpr); ok && len(w.Args) == 1 {
				if ev := c.bufferEvidence(u, sel.X, 0); ev.found() {
					return ev
				}
			}
		case fn.Pkg() == c.pass.Pkg:
			if ev := c.encodesInto(fn, use.index); ev.found() {
				return ev.through(funcName(fn))
			}
		}
	}
	return evidence{}
}

// bufferEvidence says whether the reader or buffer e holds JSON where it is
// read: a buffer filled by a JSON encoder (or json.Indent/Compact), or a
// reader or buffer made from JSON bytes (bytes.NewReader(b), bytes.NewBuffer(b)).
func (c *checker) bufferEvidence(u *unit, e ast.Expr, depth int) evidence {
	if depth > maxDepth {
		return evidence{}
	}
	e = ast.Unparen(e)
	if obj := identObj(c.pass.TypesInfo, e); obj != nil {
		if ev := c.bufferHolds(u, obj, e.Pos()); ev.found() {
			return ev
		}
		if v, ok := obj.(*types.Var); ok {
			defs, _ := u.reaching(v, e.Pos())
			for _, r := range defs {
				if r.index < 0 {
					if ev := c.bufferEvidence(u, r.expr, depth+1); ev.found() {
						return ev
					}
				}
			}
		}
		return evidence{}
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return evidence{}
	}
	fn := c.callee(u, call)
	if isFunc(fn, "bytes", "NewReader") || isFunc(fn, "bytes", "NewBuffer") ||
		isFunc(fn, "strings", "NewReader") || isFunc(fn, "bytes", "NewBufferString") {
		ev, _ := c.dataEvidence(u, call.Args[0], 0)
		return ev
	}
	return evidence{}
}

// encodesInto says whether fn, a function of this package, feeds its
// parameter i to a JSON encoder and does nothing else with it: a function
// that also writes other things there (an object file with a JSON section)
// does not make the file JSON.
func (c *checker) encodesInto(fn *types.Func, i int) evidence {
	sig := fn.Signature()
	if i >= sig.Params().Len() {
		return evidence{}
	}
	param := sig.Params().At(i)
	info := c.pass.TypesInfo
	u := c.declUnit(fn)
	if u == nil {
		return evidence{}
	}
	var ev evidence
	for _, f := range c.encoderFills(u)[param] {
		if f.ev.kind == evFile {
			ev = f.ev
		}
	}
	if !ev.found() {
		return evidence{}
	}
	uses, encoded := 0, 0
	ast.Inspect(u.decl, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if info.Uses[n] == param {
				uses++
			}
		case *ast.CallExpr:
			if r, ok := jsonRule(c.jsonCallee(u, n)); ok && r.role == roleEncoder && len(n.Args) > 0 && identObj(info, n.Args[0]) == param {
				encoded++
			}
		}
		return true
	})
	if uses != encoded {
		return evidence{}
	}
	return ev
}

// argUse is a call that takes a variable as its argument index.
type argUse struct {
	call  *ast.CallExpr
	index int
}

// argUses indexes, once per unit, the calls that take each variable as an
// argument (io.Copy(f, r), bufio.NewWriter(f), writeJSON(f, v)), so that a
// file's writers are found without a scan of every call per file.
func (c *checker) argUses(u *unit) map[types.Object][]argUse {
	if u.argUse != nil {
		return u.argUse
	}
	u.argUse = make(map[types.Object][]argUse)
	for _, call := range u.calls {
		for i, a := range call.Args {
			if obj := identObj(c.pass.TypesInfo, a); obj != nil {
				u.argUse[obj] = append(u.argUse[obj], argUse{call, i})
			}
		}
	}
	return u.argUse
}
