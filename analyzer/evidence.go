package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
)

// dataEvidence says whether the byte slice (or string) e comes from
// encoding/json, naming the producer ("data from json.Marshal"), or else
// which parameter of the unit's function it is (-1 if none).
func (c *checker) dataEvidence(u *unit, e ast.Expr, depth int) (string, int) {
	if depth > maxDepth || e == nil {
		return "", -1
	}
	info := c.pass.TypesInfo
	if n, ok := types.Unalias(info.TypeOf(e)).(*types.Named); ok && n.Obj().Name() == "RawMessage" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "encoding/json" {
		return "data of type json.RawMessage", -1
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.dataEvidence(u, e.X, depth+1)
	case *ast.SliceExpr:
		return c.dataEvidence(u, e.X, depth+1)
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok || u == nil {
			return "", -1
		}
		return c.varData(u, v, e.Pos())
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() {
			if len(e.Args) == 1 {
				return c.dataEvidence(u, e.Args[0], depth+1) // []byte(s), string(b)
			}
			return "", -1
		}
		if id, ok := ast.Unparen(e.Fun).(*ast.Ident); ok && len(e.Args) > 0 {
			if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "append" {
				return c.dataEvidence(u, e.Args[0], depth+1)
			}
		}
		return c.jsonProducer(u, e, 0), -1
	}
	return "", -1
}

// varData is dataEvidence for the variable v read at pos, memoized per read
// as varTails is.
func (c *checker) varData(u *unit, v *types.Var, pos token.Pos) (string, int) {
	k := useKey{v, pos}
	if r, ok := u.dataMemo[k]; ok {
		return r.ev, r.param
	}
	if u.busy[k] {
		return "", -1
	}
	u.busy[k] = true
	defs, entry := u.reaching(v, pos)
	res := dataResult{param: -1}
	if i, ok := u.params[v]; ok && entry {
		res.param = i
	}
	for _, r := range defs {
		var ev string
		if r.index >= 0 {
			if call, ok := ast.Unparen(r.expr).(*ast.CallExpr); ok {
				ev = c.jsonProducer(u, call, r.index)
			}
		} else {
			ev, _ = c.dataEvidence(u, r.expr, 0)
		}
		if ev != "" {
			res = dataResult{ev: ev, param: -1}
			break
		}
	}
	delete(u.busy, k)
	u.dataMemo[k] = res
	return res.ev, res.param
}

// jsonProducer names the encoding/json call that produced the bytes of
// result index of call: json.Marshal, json.MarshalIndent, buf.Bytes() or
// buf.String() of a buffer written by a json.Encoder, json.Indent or
// json.Compact, or a function (any package) with a dataFact.
func (c *checker) jsonProducer(u *unit, call *ast.CallExpr, index int) string {
	fn := c.callee(u, call)
	if fn == nil {
		return ""
	}
	if index == 0 && (isFunc(fn, "encoding/json", "Marshal") || isFunc(fn, "encoding/json", "MarshalIndent")) {
		return "data from json." + fn.Name()
	}
	var df dataFact
	if fn.Pkg() != nil && c.pass.ImportObjectFact(fn, &df) && df.Result == index {
		return "data from " + df.Producer + " (via " + funcName(fn) + ")"
	}
	if index != 0 {
		return ""
	}
	if isMethod(fn, "bytes", "Buffer", "Bytes") || isMethod(fn, "bytes", "Buffer", "String") {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && u != nil {
			if obj := identObj(c.pass.TypesInfo, sel.X); obj != nil {
				if ev := c.encoderRoots(u)[obj]; ev != "" {
					return "data from " + ev
				}
			}
		}
	}
	return ""
}

// encoderRoots returns the variables of u whose value reaches a json
// encoder (json.NewEncoder's writer, directly or through bufio.NewWriter or
// io.MultiWriter) or receives json.Indent/json.Compact output, each with the
// evidence that names the encoder.
func (c *checker) encoderRoots(u *unit) map[types.Object]string {
	if u.encRoots != nil {
		return u.encRoots
	}
	u.encRoots = make(map[types.Object]string)
	for _, call := range u.calls {
		fn := c.callee(u, call)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "encoding/json" || len(call.Args) == 0 {
			continue
		}
		switch fn.Name() {
		case "NewEncoder":
			c.markRoots(u, call.Args[0], "json.NewEncoder", 0)
		case "Indent", "Compact":
			c.markRoots(u, call.Args[0], "json."+fn.Name(), 0)
		}
	}
	return u.encRoots
}

// markRoots marks the variables that writer expression e is built from.
func (c *checker) markRoots(u *unit, e ast.Expr, ev string, depth int) {
	if depth > maxDepth {
		return
	}
	info := c.pass.TypesInfo
	if obj := identObj(info, e); obj != nil {
		if _, seen := u.encRoots[obj]; seen {
			return
		}
		u.encRoots[obj] = ev
		for _, r := range u.assigns[obj] {
			if r.index <= 0 {
				c.markRoots(u, r.expr, ev, depth+1)
			}
		}
		return
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return
	}
	fn := c.callee(u, call)
	switch {
	case isFunc(fn, "bufio", "NewWriter"), isFunc(fn, "bufio", "NewWriterSize"):
		c.markRoots(u, call.Args[0], ev, depth+1)
	case isFunc(fn, "io", "MultiWriter"):
		for _, a := range call.Args {
			c.markRoots(u, a, ev, depth+1)
		}
	}
}

// fileEvidence says whether the *os.File that call (os.Create, os.OpenFile)
// returns is written with JSON: fed to a json.Encoder, or written with
// f.Write/f.WriteString of JSON bytes.
func (c *checker) fileEvidence(u *unit, call *ast.CallExpr) string {
	f := u.dest[call]
	if f == nil {
		return ""
	}
	if ev := c.encoderRoots(u)[f]; ev == "json.NewEncoder" {
		return "file fed to json.NewEncoder"
	}
	for _, m := range u.methods[f] {
		fn := c.callee(u, m)
		if (isMethod(fn, "os", "File", "Write") || isMethod(fn, "os", "File", "WriteString")) && len(m.Args) == 1 {
			if ev, _ := c.dataEvidence(u, m.Args[0], 0); ev != "" {
				return ev
			}
		}
	}
	if ev := c.copyEvidence(u, f); ev != "" {
		return ev
	}
	// io.WriteString(f, s), fmt.Fprint(f, ...), fmt.Fprintf(f, format, ...).
	for _, w := range u.calls {
		if len(w.Args) < 2 || identObj(c.pass.TypesInfo, w.Args[0]) != f {
			continue
		}
		fn := c.callee(u, w)
		if !isFunc(fn, "io", "WriteString") && !isFunc(fn, "fmt", "Fprint") && !isFunc(fn, "fmt", "Fprintln") && !isFunc(fn, "fmt", "Fprintf") {
			continue
		}
		for _, a := range w.Args[1:] {
			if ev, _ := c.dataEvidence(u, a, 0); ev != "" {
				return ev
			}
		}
	}
	return ""
}

// copyEvidence says whether JSON reaches the file f by a copy from a buffer
// holding JSON (io.Copy(f, &buf), buf.WriteTo(f), io.Copy(f,
// bytes.NewReader(b))) or through a function of this package that feeds its
// io.Writer parameter to json.NewEncoder (writeJSON(f, v)).
func (c *checker) copyEvidence(u *unit, f types.Object) string {
	info := c.pass.TypesInfo
	for _, w := range u.calls {
		fn := c.callee(u, w)
		if fn == nil {
			continue
		}
		switch {
		case isFunc(fn, "io", "Copy") || isFunc(fn, "io", "CopyBuffer") || isFunc(fn, "io", "CopyN"):
			if len(w.Args) >= 2 && identObj(info, w.Args[0]) == f {
				if ev := c.bufferEvidence(u, w.Args[1], 0); ev != "" {
					return ev
				}
			}
		case isMethod(fn, "bytes", "Buffer", "WriteTo") || isMethod(fn, "bytes", "Reader", "WriteTo") || isMethod(fn, "strings", "Reader", "WriteTo"):
			if sel, ok := ast.Unparen(w.Fun).(*ast.SelectorExpr); ok && len(w.Args) == 1 && identObj(info, w.Args[0]) == f {
				if ev := c.bufferEvidence(u, sel.X, 0); ev != "" {
					return ev
				}
			}
		case fn.Pkg() == c.pass.Pkg:
			for i, a := range w.Args {
				if identObj(info, a) == f && c.encodesInto(fn, i) {
					return "file fed to json.NewEncoder (in " + funcName(fn) + ")"
				}
			}
		}
	}
	return ""
}

// bufferEvidence says whether the reader or buffer e holds JSON: a buffer
// written by a json.Encoder (or json.Indent/Compact), or a reader or buffer
// made from JSON bytes (bytes.NewReader(b), bytes.NewBuffer(b)).
func (c *checker) bufferEvidence(u *unit, e ast.Expr, depth int) string {
	if depth > maxDepth {
		return ""
	}
	e = ast.Unparen(e)
	if obj := identObj(c.pass.TypesInfo, e); obj != nil {
		if ev := c.encoderRoots(u)[obj]; ev != "" {
			return "data from " + ev
		}
		if v, ok := obj.(*types.Var); ok {
			defs, _ := u.reaching(v, e.Pos())
			for _, r := range defs {
				if r.index < 0 {
					if ev := c.bufferEvidence(u, r.expr, depth+1); ev != "" {
						return ev
					}
				}
			}
		}
		return ""
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return ""
	}
	fn := c.callee(u, call)
	if isFunc(fn, "bytes", "NewReader") || isFunc(fn, "bytes", "NewBuffer") ||
		isFunc(fn, "strings", "NewReader") || isFunc(fn, "bytes", "NewBufferString") {
		ev, _ := c.dataEvidence(u, call.Args[0], 0)
		return ev
	}
	return ""
}

// encodesInto reports whether fn, a function of this package, feeds its
// parameter i to json.NewEncoder and does nothing else with it: a function
// that also writes other things there (an object file with a JSON section)
// does not make the file JSON.
func (c *checker) encodesInto(fn *types.Func, i int) bool {
	sig := fn.Signature()
	if i >= sig.Params().Len() {
		return false
	}
	param := sig.Params().At(i)
	info := c.pass.TypesInfo
	for _, file := range c.pass.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || info.Defs[fd.Name] != fn {
				continue
			}
			u := c.unitOf(file, fd)
			if c.encoderRoots(u)[param] != "json.NewEncoder" {
				return false
			}
			uses, encoded := 0, 0
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Ident:
					if info.Uses[n] == param {
						uses++
					}
				case *ast.CallExpr:
					if isFunc(c.callee(u, n), "encoding/json", "NewEncoder") && len(n.Args) == 1 && identObj(info, n.Args[0]) == param {
						encoded++
					}
				}
				return true
			})
			return uses == encoded
		}
	}
	return false
}
