package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
)

// What a writer variable holds, judged where it is read: a bytes.Buffer a
// JSON encoder filled holds JSON from that point until it is emptied
// (Reset, Truncate, a new value), so a buffer reused for a PEM key and then
// for a JSON document proves JSON only for the second write.

// fill is one point where JSON enters a writer variable.
type fill struct {
	pos token.Pos
	ev  evidence // evFile for an encoder's writer, evData for a json.Indent destination
}

// encoderFills returns, for each variable of u whose value reaches a JSON
// encoder (json.NewEncoder's writer, directly or through bufio.NewWriter or
// io.MultiWriter) or receives json.Indent/json.Compact output, the points
// where JSON enters it.
func (c *checker) encoderFills(u *unit) map[types.Object][]fill {
	if u.fills != nil {
		return u.fills
	}
	u.fills = make(map[types.Object][]fill)
	for _, call := range u.calls {
		r, ok := jsonRule(c.jsonCallee(u, call))
		if !ok || len(call.Args) == 0 {
			continue
		}
		switch r.role {
		case roleEncoder:
			ev := evidence{kind: evFile, producer: r.name, pos: call.Pos()}
			// enc := json.NewEncoder(&buf): JSON enters at each enc.Encode.
			var at []token.Pos
			if enc := u.dest[call]; enc != nil {
				for _, m := range u.methods[enc] {
					at = append(at, m.Pos())
				}
			}
			if len(at) == 0 {
				at = []token.Pos{call.Pos()}
			}
			for _, p := range at {
				c.markRoots(u, call.Args[0], fill{p, ev}, map[types.Object]bool{}, 0)
			}
		case roleDst:
			c.markRoots(u, call.Args[0], fill{call.Pos(), evidence{kind: evData, producer: r.name, pos: call.Pos()}}, map[types.Object]bool{}, 0)
		}
	}
	return u.fills
}

// markRoots records f for the variables that writer expression e is built from.
func (c *checker) markRoots(u *unit, e ast.Expr, f fill, seen map[types.Object]bool, depth int) {
	if depth > maxDepth {
		return
	}
	info := c.pass.TypesInfo
	if obj := identObj(info, e); obj != nil {
		if seen[obj] {
			return
		}
		seen[obj] = true
		u.fills[obj] = append(u.fills[obj], f)
		for _, r := range u.assigns[obj] {
			if r.index <= 0 {
				c.markRoots(u, r.expr, f, seen, depth+1)
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
		c.markRoots(u, call.Args[0], f, seen, depth+1)
	case isFunc(fn, "io", "MultiWriter"):
		for _, a := range call.Args {
			c.markRoots(u, a, f, seen, depth+1)
		}
	}
}

// bufferHolds says whether the buffer obj holds JSON when read at pos: JSON
// entered it before pos, and no Reset, Truncate or assignment that runs on
// every path from there to pos emptied it since.
func (c *checker) bufferHolds(u *unit, obj types.Object, pos token.Pos) evidence {
	for _, f := range c.encoderFills(u)[obj] {
		if f.pos >= pos || c.emptiedBetween(u, obj, f.pos, pos) {
			continue
		}
		ev := f.ev
		ev.kind = evData
		return ev
	}
	return evidence{}
}

// emptiedBetween reports whether obj is emptied after from and before the
// read at pos by a statement directly in a block that holds the read.
func (c *checker) emptiedBetween(u *unit, obj types.Object, from, pos token.Pos) bool {
	dominates := func(at token.Pos, block [2]token.Pos) bool {
		return at > from && at < pos && block[0] <= pos && pos < block[1]
	}
	for _, m := range u.methods[obj] {
		fn := c.callee(u, m)
		if (isMethod(fn, "bytes", "Buffer", "Reset") || isMethod(fn, "bytes", "Buffer", "Truncate")) && dominates(m.Pos(), u.stmtBlock[m]) {
			return true
		}
	}
	for _, r := range u.assigns[obj] {
		if dominates(r.pos, r.block) {
			return true
		}
	}
	return false
}
