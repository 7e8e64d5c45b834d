package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// evKind is the kind of proof that a write's target is JSON, ordered from
// the weakest to the one that names the target most directly.
type evKind uint8

const (
	evNone      evKind = iota
	evValidated        // the bytes were parsed as JSON before the write
	evFile             // the file is fed to a JSON encoder
	evData             // the bytes come from a JSON producer
	evType             // the bytes have a JSON type (json.RawMessage)
	evPath             // the path ends in a JSON extension
)

// evidence is one proof that a write's target is JSON.
type evidence struct {
	kind     evKind
	producer string    // the extension for evPath, else the JSON function or type, e.g. "json.Marshal"
	via      string    // the function the evidence comes through (encode, for b, err := encode(v)), or ""
	pos      token.Pos // where the evidence is, for related information
}

// found reports whether e proves anything.
func (e evidence) found() bool { return e.kind != evNone }

// merge keeps the stronger of e and o; of two of a kind, the first found.
func (e *evidence) merge(o evidence) {
	if o.kind > e.kind {
		*e = o
	}
}

// through returns e as seen through a call of the function named via.
func (e evidence) through(via string) evidence {
	if e.found() && e.via == "" {
		e.via = via
	}
	return e
}

func (e evidence) String() string {
	var s string
	switch e.kind {
	case evNone:
		return ""
	case evPath:
		s = "path ends in " + e.producer
	case evData:
		s = "data from " + e.producer
	case evType:
		s = "data of type " + e.producer
	case evValidated:
		s = "data parsed by " + e.producer
	case evFile:
		s = "file fed to " + e.producer
	}
	if e.via != "" {
		s += " (via " + e.via + ")"
	}
	return s
}

// pathEvidence is the evidence of a path's tails.
func (c *checker) pathEvidence(ts []tail, pos token.Pos) evidence {
	if _, ext, ok := c.jsonTail(ts); ok {
		return evidence{kind: evPath, producer: ext, pos: pos}
	}
	return evidence{}
}

// dataEvidence says whether the byte slice (or string) e holds JSON, or
// else which parameter of the unit's function it is (-1 if none).
func (c *checker) dataEvidence(u *unit, e ast.Expr, depth int) (evidence, int) {
	if depth > maxDepth || e == nil {
		return evidence{}, -1
	}
	info := c.pass.TypesInfo
	if name := jsonValueType(info.TypeOf(e)); name != "" {
		return evidence{kind: evType, producer: name, pos: e.Pos()}, -1
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.dataEvidence(u, e.X, depth+1)
	case *ast.SliceExpr:
		return c.dataEvidence(u, e.X, depth+1)
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok || u == nil {
			return evidence{}, -1
		}
		return c.varData(u, v, e.Pos())
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() {
			if len(e.Args) == 1 {
				return c.dataEvidence(u, e.Args[0], depth+1) // []byte(s), string(b)
			}
			return evidence{}, -1
		}
		if id, ok := ast.Unparen(e.Fun).(*ast.Ident); ok && len(e.Args) > 0 {
			if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "append" {
				if emptied(info, e.Args[0]) { // append(b[:0], x...) holds x
					if len(e.Args) == 2 && e.Ellipsis.IsValid() {
						return c.dataEvidence(u, e.Args[1], depth+1)
					}
					return evidence{}, -1
				}
				return c.dataEvidence(u, e.Args[0], depth+1)
			}
		}
		return c.jsonProducer(u, e, 0), -1
	}
	return evidence{}, -1
}

// marshalVar names the function variable call invokes when it is a
// Marshal-like variable of a project's own json package (var Marshal =
// jsoniter.ConfigCompatibleWithStandardLibrary.Marshal), as jsonRule's
// general rule names its functions; otherwise "".
func (c *checker) marshalVar(call *ast.CallExpr) string {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || c.pass.TypesInfo.Selections[sel] != nil {
		return ""
	}
	v, ok := c.pass.TypesInfo.Uses[sel.Sel].(*types.Var)
	if !ok || v.Pkg() == nil || !strings.HasPrefix(v.Name(), "Marshal") || !strings.HasSuffix(v.Pkg().Name(), "json") {
		return ""
	}
	sig, ok := v.Type().Underlying().(*types.Signature)
	if !ok || sig.Results().Len() == 0 || !isBytes(sig.Results().At(0).Type()) && !isString(sig.Results().At(0).Type()) {
		return ""
	}
	return v.Pkg().Name() + "." + v.Name()
}

// emptied reports whether e is the empty slice x[:0] (or x[0:0]).
func emptied(info *types.Info, e ast.Expr) bool {
	se, ok := ast.Unparen(e).(*ast.SliceExpr)
	if !ok || se.High == nil || se.Slice3 {
		return false
	}
	tv := info.Types[se.High]
	return tv.Value != nil && tv.Value.ExactString() == "0"
}

// varData is dataEvidence for the variable v read at pos, memoized per read
// as varTails is: the assignments that reach the read, and a JSON decoder
// that parsed the value on every path to it.
func (c *checker) varData(u *unit, v *types.Var, pos token.Pos) (evidence, int) {
	k := useKey{v, pos}
	if r, ok := u.dataMemo[k]; ok {
		return r.ev, r.param
	}
	if u.busy[k] {
		return evidence{}, -1
	}
	u.busy[k] = true
	defs, entry := u.reaching(v, pos)
	res := dataResult{param: -1}
	if i, ok := u.params[v]; ok && entry {
		res.param = i
	}
	for _, r := range defs {
		var ev evidence
		if r.index >= 0 {
			if call, ok := ast.Unparen(r.expr).(*ast.CallExpr); ok {
				ev = c.jsonProducer(u, call, r.index)
			}
		} else {
			ev, _ = c.dataEvidence(u, r.expr, 0)
		}
		if ev.found() {
			res = dataResult{ev: ev, param: -1}
			break
		}
	}
	if !res.ev.found() {
		if ev := c.validated(u, v, pos); ev.found() {
			res = dataResult{ev: ev, param: -1}
		}
	}
	delete(u.busy, k)
	u.dataMemo[k] = res
	return res.ev, res.param
}

// validated says whether v was handed to a JSON decoder (json.Unmarshal,
// json.Valid, any decoder of the table) before pos with no assignment of v
// in between: bytes that parse as JSON and are then written are a JSON
// document.
func (c *checker) validated(u *unit, v *types.Var, pos token.Pos) evidence {
	for _, d := range c.decodes(u)[v] {
		if d.Pos() >= pos {
			break
		}
		reassigned := false
		for _, a := range u.assigns[v] {
			if a.pos > d.End() && a.pos < pos {
				reassigned = true
			}
		}
		if !reassigned {
			r, _ := jsonRule(c.jsonCallee(u, d))
			return evidence{kind: evValidated, producer: r.name, pos: d.Pos()}
		}
	}
	return evidence{}
}

// decodes returns, for each variable of u, the calls of JSON decoders that
// parse it, in source order; computed once per unit.
func (c *checker) decodes(u *unit) map[types.Object][]*ast.CallExpr {
	if u.decoded != nil {
		return u.decoded
	}
	u.decoded = make(map[types.Object][]*ast.CallExpr)
	for _, call := range u.calls {
		r, ok := jsonRule(c.jsonCallee(u, call))
		if !ok || r.role != roleValidate || len(call.Args) == 0 {
			continue
		}
		if v := c.baseVar(call.Args[0]); v != nil {
			u.decoded[v] = append(u.decoded[v], call)
		}
	}
	return u.decoded
}

// baseVar returns the variable that e reads, looking through parentheses,
// slicing and conversions ([]byte(s)), or nil.
func (c *checker) baseVar(e ast.Expr) types.Object {
	info := c.pass.TypesInfo
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.SliceExpr:
			e = x.X
		case *ast.CallExpr:
			if tv, ok := info.Types[x.Fun]; !ok || !tv.IsType() || len(x.Args) != 1 {
				return nil
			}
			e = x.Args[0]
		case *ast.Ident:
			return info.Uses[x]
		default:
			return nil
		}
	}
}

// jsonProducer says whether result index of call holds JSON: a producer of
// the encoder table or a general rule (jsonRule), buf.Bytes() or
// buf.String() of a buffer that a JSON encoder filled and nothing emptied
// since, or a function (any package) with a dataFact.
func (c *checker) jsonProducer(u *unit, call *ast.CallExpr, index int) evidence {
	fn := c.jsonCallee(u, call)
	if fn == nil {
		if name := c.marshalVar(call); name != "" && index == 0 {
			return evidence{kind: evData, producer: name, pos: call.Pos()}
		}
		return evidence{}
	}
	if r, ok := jsonRule(fn); ok && r.role == roleMarshal && index == 0 {
		return evidence{kind: evData, producer: r.name, pos: call.Pos()}
	}
	var df dataFact
	if fn.Pkg() != nil && c.pass.ImportObjectFact(fn, &df) && df.Result == index {
		return evidence{kind: evData, producer: df.Producer, via: c.calleeName(fn), pos: call.Pos()}
	}
	if index != 0 {
		return evidence{}
	}
	if isMethod(fn, "bytes", "Buffer", "Bytes") || isMethod(fn, "bytes", "Buffer", "String") {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && u != nil {
			if obj := identObj(c.pass.TypesInfo, sel.X); obj != nil {
				return c.bufferHolds(u, obj, call.Pos())
			}
		}
	}
	return evidence{}
}
