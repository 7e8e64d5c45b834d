package analyzer

import (
	"go/token"
	"go/types"
	"sort"
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
//
// The cost is logarithmic in the size of the function plus the number of
// assignments looked at, which are those returned and the few that hold
// the read: the assignments of a variable are in source order, and loops
// and function literals nest, so each question is a binary search.
func (u *unit) reaching(v types.Object, pos token.Pos) ([]rhs, bool) {
	all := u.assigns[v]
	ix := u.reachIndex()
	// Assignments before k start before the read.
	k := sort.Search(len(all), func(i int) bool { return all[i].pos >= pos })
	dom := -1
	for i := k - 1; i >= 0; i-- {
		if r := all[i]; r.end <= pos && r.block[0] <= pos && pos < r.block[1] {
			dom = i
			break
		}
	}
	lo := max(dom, 0)
	// A statement that holds the read, as in x = x + "a", is not what is
	// read: its own result comes after. Without one, the assignments before
	// the read are a slice of all, shared rather than copied (its capacity
	// cut, so that an append by the caller copies): a read that every
	// earlier branch's assignment reaches costs no copy of them.
	holds := false
	for i := lo; i < k && !holds; i++ {
		holds = all[i].end > pos
	}
	out := all[lo:k:k]
	if holds {
		out = nil
		for i := lo; i < k; i++ {
			if all[i].end <= pos {
				out = append(out, all[i])
			}
		}
	}
	// Assignments after the read reach it through the outermost loop that
	// holds the read, up to the loop's end, and from outside the innermost
	// function literal that holds it, from the literal's end on.
	after := sort.Search(len(all), func(i int) bool { return all[i].pos > pos })
	loopTo, litFrom := after, len(all)
	if l := ix.loops.outermost(pos); l >= 0 {
		end := ix.loops.spans[l][1]
		loopTo = sort.Search(len(all), func(i int) bool { return all[i].pos >= end })
	}
	if l := ix.lits.innermost(pos); l >= 0 {
		end := ix.lits.spans[l][1]
		litFrom = sort.Search(len(all), func(i int) bool { return all[i].pos >= end })
	}
	if loopTo > after || litFrom < len(all) {
		out = append(out, all[after:loopTo]...)
		out = append(out, all[max(litFrom, loopTo):]...)
	}
	return out, dom < 0
}

// reachIndex is what reaching needs to answer each question by binary
// search: the loops and the function literals of a unit as forests of
// nested extents.
type reachIndex struct {
	loops, lits nesting
}

// reachIndex returns the unit's index, building it on first use.
func (u *unit) reachIndex() *reachIndex {
	if u.reach == nil {
		u.reach = &reachIndex{loops: newNesting(u.loops), lits: newNesting(u.lits)}
	}
	return u.reach
}

// nesting holds extents that nest or are disjoint (the syntax tree's), in
// order of their starts, with the index of each one's closest enclosing
// extent.
type nesting struct {
	spans  [][2]token.Pos
	parent []int // -1 for an outermost extent
}

// newNesting indexes spans, which are in order of their starts.
func newNesting(spans [][2]token.Pos) nesting {
	n := nesting{spans: spans, parent: make([]int, len(spans))}
	var stack []int
	for i, s := range spans {
		for len(stack) > 0 && spans[stack[len(stack)-1]][1] <= s[0] {
			stack = stack[:len(stack)-1]
		}
		n.parent[i] = -1
		if len(stack) > 0 {
			n.parent[i] = stack[len(stack)-1]
		}
		stack = append(stack, i)
	}
	return n
}

// innermost returns the index of the smallest extent holding pos, or -1.
func (n nesting) innermost(pos token.Pos) int {
	// The last extent starting at or before pos, then outwards until one
	// holds pos: an extent that does not hold pos ended before it, and so
	// did everything it holds.
	i := sort.Search(len(n.spans), func(i int) bool { return n.spans[i][0] > pos }) - 1
	for i >= 0 && !(n.spans[i][0] <= pos && pos < n.spans[i][1]) {
		i = n.parent[i]
	}
	return i
}

// outermost returns the index of the largest extent holding pos, or -1.
func (n nesting) outermost(pos token.Pos) int {
	i := n.innermost(pos)
	for i >= 0 && n.parent[i] >= 0 {
		i = n.parent[i]
	}
	return i
}
