package analyzer

import (
	"go/token"
	"go/types"
)

// reaching returns the assignments of v that can reach a read of v at pos,
// and whether v's value on entry (a parameter's argument, or a variable's
// zero value) can. It is a cheap stand-in for SSA's reaching definitions:
// the last assignment completed before pos that sits directly in a block
// enclosing pos runs on every path to the read, so it hides the assignments
// before it and the value on entry. Assignments in other branches are kept,
// and assignments after pos only when a loop holds both (a back edge) or
// the read is in a function literal that may run after them.
// Jumps (goto) are ignored.
func (u *unit) reaching(v types.Object, pos token.Pos) ([]rhs, bool) {
	all := u.assigns[v]
	var dom token.Pos
	for _, r := range all {
		if r.end <= pos && r.block[0] <= pos && pos < r.block[1] && r.pos > dom {
			dom = r.pos
		}
	}
	out := all[:0:0]
	for _, r := range all {
		switch {
		case r.end <= pos:
			if r.pos >= dom {
				out = append(out, r)
			}
		case r.pos > pos:
			if u.inOneLoop(pos, r.pos) || u.inLitWithout(pos, r.pos) {
				out = append(out, r)
			}
		}
		// Otherwise the statement holds the read, as in x = x + "a", and
		// its own result is not what is read.
	}
	return out, dom == token.NoPos
}

// inOneLoop reports whether a loop of u holds both a and b.
func (u *unit) inOneLoop(a, b token.Pos) bool {
	for _, l := range u.loops {
		if l[0] <= a && a < l[1] && l[0] <= b && b < l[1] {
			return true
		}
	}
	return false
}

// inLitWithout reports whether the read at pos lies in a function literal
// that does not hold the assignment at def: the closure may run later.
func (u *unit) inLitWithout(pos, def token.Pos) bool {
	for _, l := range u.lits {
		if l[0] <= pos && pos < l[1] && (def < l[0] || def >= l[1]) {
			return true
		}
	}
	return false
}
