package analyzer

// Facts flow from callees to callers. The pass orders the package's
// functions by the static call graph, callees first (the strongly connected
// components of Tarjan's algorithm, which come out in that order), so that
// each function is analysed once, when every fact it depends on is final;
// only mutually recursive functions are analysed again, until their facts
// stop changing. Depth is unbounded and the cost linear, as for printf's
// wrapper detection.

// callees returns the units of the package's functions and package-level
// function literals that u calls, among those keep accepts.
func (c *checker) callees(u *unit, keep func(*unit) bool) []*unit {
	if u.calleeUnits == nil {
		u.calleeUnits = []*unit{}
		seen := map[*unit]bool{}
		for _, call := range u.calls {
			var v *unit
			if fn := c.callee(u, call); fn != nil {
				if fn.Pkg() == c.pass.Pkg {
					v = c.declUnit(fn)
				}
			} else if _, lit := c.calledLit(u, call); lit != nil {
				v = c.litUnit(lit)
			}
			if v != nil && !seen[v] {
				seen[v] = true
				u.calleeUnits = append(u.calleeUnits, v)
			}
		}
	}
	var out []*unit
	for _, v := range u.calleeUnits {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// component is a strongly connected component of the call graph.
type component struct {
	units     []*unit
	recursive bool // its functions call each other, or one calls itself
}

// components returns the strongly connected components of the graph over
// nodes whose edges succ gives, callees before callers.
func components(nodes []*unit, succ func(*unit) []*unit) []component {
	type state struct{ index, low int }
	st := make(map[*unit]*state, len(nodes))
	var stack []*unit
	onStack := map[*unit]bool{}
	var out []component
	next := 0
	var visit func(v *unit)
	visit = func(v *unit) {
		s := &state{next, next}
		next++
		st[v] = s
		stack = append(stack, v)
		onStack[v] = true
		self := false
		for _, w := range succ(v) {
			if w == v {
				self = true
			}
			if ws, ok := st[w]; !ok {
				visit(w)
				s.low = min(s.low, st[w].low)
			} else if onStack[w] {
				s.low = min(s.low, ws.index)
			}
		}
		if s.low != s.index {
			return
		}
		var comp component
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			comp.units = append(comp.units, w)
			if w == v {
				break
			}
		}
		comp.recursive = self || len(comp.units) > 1
		out = append(out, comp)
	}
	for _, v := range nodes {
		if _, ok := st[v]; !ok {
			visit(v)
		}
	}
	return out
}

// solve runs analyse over the components in order: once for a function
// outside any cycle, and for a recursive component until no call of
// analyse reports a change (facts only widen, so this ends), then once more
// with final set, the only call that builds diagnostics.
func solve(comps []component, analyse func(u *unit, final bool) bool) {
	for _, comp := range comps {
		if comp.recursive {
			for changed := true; changed; {
				changed = false
				for _, u := range comp.units {
					changed = analyse(u, false) || changed
				}
			}
		}
		for _, u := range comp.units {
			analyse(u, true)
		}
	}
}
