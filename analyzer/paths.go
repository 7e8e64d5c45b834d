package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// A tail is what is known about the end of a string value: its suffix s,
// which is the whole value when whole is set, or which follows the value of
// parameter param (>= 0) of the enclosing function — of the function
// literal lit when lit is set.
type tail struct {
	s     string
	whole bool
	param int
	lit   *ast.FuncLit
}

const (
	maxDepth = 8  // how far a value is followed back
	maxTails = 16 // how many alternative values are kept
	// maxTailLen is how much of the end of a value is kept, more than any
	// extension check needs.
	maxTailLen = 512
)

// tails returns the known tails of the string expression e in unit u: one
// per way the value can be produced (any assignment of a local variable, as
// a phi node would merge them).
func (c *checker) tails(u *unit, e ast.Expr, depth int) []tail {
	if depth > maxDepth || e == nil {
		return nil
	}
	info := c.pass.TypesInfo
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() == constant.String {
			return []tail{{s: constant.StringVal(tv.Value), whole: true, param: -1}}
		}
		return nil
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.tails(u, e.X, depth+1)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return nil
		}
		return concat(c.tails(u, e.X, depth+1), c.tails(u, e.Y, depth+1))
	case *ast.Ident:
		return c.varTails(u, info.Uses[e], e.Pos(), depth)
	case *ast.SelectorExpr:
		s := info.Selections[e]
		if s == nil { // a qualified identifier: pkg.Var
			return c.varTails(u, info.Uses[e.Sel], e.Pos(), depth)
		}
		if s.Kind() != types.FieldVal {
			return nil
		}
		f, _ := s.Obj().(*types.Var)
		var out []tail
		if u != nil {
			v := identObj(info, e.X)
			for _, x := range u.fields[fieldKey{v, f}] {
				out = appendTails(out, c.tails(u, x, depth+1)...)
			}
		}
		if len(out) == 0 {
			out = c.fieldTails(f) // s.path, set where s was made
		}
		return out
	case *ast.CallExpr:
		return c.callTails(u, e, 0, depth)
	}
	return nil
}

// varTails returns the tails of the variable obj read at pos.
func (c *checker) varTails(u *unit, obj types.Object, pos token.Pos, depth int) []tail {
	v, ok := obj.(*types.Var)
	if !ok {
		return nil
	}
	if c.isPkgVar(v) {
		if c.pkgVarReassigned(v) {
			return nil
		}
		return c.tails(nil, c.pkgVarInit(v), depth+1)
	}
	if v.Pkg() != nil && v.Pkg() != c.pass.Pkg && v.Parent() == v.Pkg().Scope() {
		var f varFact // paths.DefaultState
		if c.pass.ImportObjectFact(v, &f) && f.Tail != "" {
			return []tail{{s: f.Tail, param: -1}}
		}
		return nil
	}
	if u == nil {
		return nil
	}
	// Each read is followed once: the memo keeps the walk linear in the
	// size of the function, and a read already being followed (a cycle
	// through x = x + "a" or a loop) adds nothing.
	k := useKey{v, pos}
	if ts, ok := u.tailMemo[k]; ok {
		return ts
	}
	if u.busy[k] {
		return nil
	}
	u.busy[k] = true
	defs, entry := u.reaching(v, pos)
	var out []tail
	if i, ok := u.params[v]; ok && entry {
		out = append(out, tail{param: i})
	} else if lp, ok := u.litParams[v]; ok && entry {
		out = append(out, tail{param: lp.index, lit: lp.lit})
	} else if x, ok := u.rangeOf[v]; ok && entry {
		out = c.elemTails(u, x)
	}
	for _, r := range defs {
		if len(out) >= maxTails {
			break // nothing more would be kept
		}
		// An assignment reaches many reads (every later read, when each
		// branch of a long function assigns): its value is computed once.
		dk := useKey{v, r.pos}
		ts, ok := u.defTails[dk]
		if !ok {
			if r.index >= 0 {
				if call, ok := ast.Unparen(r.expr).(*ast.CallExpr); ok {
					ts = c.callTails(u, call, r.index, 0)
				}
			} else {
				ts = c.tails(u, r.expr, 0)
			}
			if r.add { // x += e: e follows the value x had before
				ts = concat(c.varTails(u, v, r.pos, 0), ts)
			}
			u.defTails[dk] = ts
		}
		out = appendTails(out, ts...)
	}
	delete(u.busy, k)
	u.tailMemo[k] = out
	return out
}

// elemTails returns the tails of the elements of x, the operand of a range
// statement: a composite literal, or a local or package-level variable
// holding one (names := []string{"a.json", "b.json"}).
func (c *checker) elemTails(u *unit, x ast.Expr) []tail {
	x = c.resolve(u, x, 0)
	if id, ok := x.(*ast.Ident); ok {
		if v, ok := c.pass.TypesInfo.Uses[id].(*types.Var); ok && c.isPkgVar(v) && !c.pkgVarReassigned(v) {
			x = ast.Unparen(c.pkgVarInit(v))
		}
	}
	lit, ok := x.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var out []tail
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			e = kv.Value
		}
		out = appendTails(out, c.tails(u, e, 0)...)
	}
	return out
}

// lastElemTails returns the tails of the last element of the string slice
// x — append(s, a, b), a composite literal, or the unit's variadic
// parameter (append([]string{root}, elem...)) — and whether an element is
// known to come before it.
func (c *checker) lastElemTails(u *unit, x ast.Expr, depth int) ([]tail, bool) {
	if depth > maxDepth {
		return nil, false
	}
	switch x := c.resolve(u, x, 0).(type) {
	case *ast.CallExpr:
		id, ok := ast.Unparen(x.Fun).(*ast.Ident)
		if !ok || len(x.Args) < 2 {
			break
		}
		if b, ok := c.pass.TypesInfo.Uses[id].(*types.Builtin); !ok || b.Name() != "append" {
			break
		}
		if x.Ellipsis.IsValid() {
			// append(prefix, elem...): the last element is elem's.
			ts, _ := c.lastElemTails(u, x.Args[1], depth+1)
			return ts, c.knownNonEmpty(u, x.Args[0])
		}
		return c.tails(u, x.Args[len(x.Args)-1], depth), len(x.Args) > 2 || c.knownNonEmpty(u, x.Args[0])
	case *ast.CompositeLit:
		if n := len(x.Elts); n > 0 {
			if _, kv := x.Elts[n-1].(*ast.KeyValueExpr); !kv {
				return c.tails(u, x.Elts[n-1], depth), n > 1
			}
		}
	case *ast.Ident:
		if v, ok := c.pass.TypesInfo.Uses[x].(*types.Var); ok && u != nil && v == u.variadic {
			if _, entry := u.reaching(v, x.Pos()); entry {
				return []tail{{param: u.fn.Signature().Params().Len() - 1}}, false
			}
		}
	}
	return nil, false
}

// knownNonEmpty reports whether the slice x is a composite literal with
// elements (or a variable holding one).
func (c *checker) knownNonEmpty(u *unit, x ast.Expr) bool {
	lit, ok := c.resolve(u, x, 0).(*ast.CompositeLit)
	return ok && len(lit.Elts) > 0
}

// callTails returns the tails of result index of call.
func (c *checker) callTails(u *unit, call *ast.CallExpr, index, depth int) []tail {
	info := c.pass.TypesInfo
	if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
		if len(call.Args) == 1 && index == 0 {
			return c.tails(u, call.Args[0], depth+1) // string(x)
		}
		return nil
	}
	fn := c.callee(u, call)
	if fn == nil {
		return nil
	}
	last := func() ast.Expr {
		if len(call.Args) == 0 || call.Ellipsis.IsValid() {
			return nil
		}
		return call.Args[len(call.Args)-1]
	}
	suffixOf := func(ts []tail) []tail { // the value ends with ts but may have a prefix
		for i := range ts {
			if ts[i].param < 0 {
				ts[i].whole = false
			}
		}
		return ts
	}
	switch k := funcKey(fn); k {
	case [2]string{"path/filepath", "Join"}, [2]string{"path", "Join"}:
		if index == 0 && call.Ellipsis.IsValid() && len(call.Args) == 1 {
			// filepath.Join(append(parts, "v.json")...), filepath.Join([]string{dir, "v.json"}...)
			ts, _ := c.lastElemTails(u, call.Args[0], depth+1)
			return suffixOf(ts)
		}
		if index == 0 {
			return suffixOf(c.tails(u, last(), depth+1))
		}
	case [2]string{"path/filepath", "Clean"}, [2]string{"path", "Clean"},
		[2]string{"path/filepath", "Abs"}, [2]string{"path/filepath", "FromSlash"},
		[2]string{"path/filepath", "ToSlash"}:
		if index == 0 && len(call.Args) == 1 {
			return suffixOf(c.tails(u, call.Args[0], depth+1))
		}
	case [2]string{"fmt", "Sprintf"}:
		if index == 0 && len(call.Args) > 0 && !call.Ellipsis.IsValid() {
			return c.sprintfTails(u, call, depth)
		}
	case [2]string{"fmt", "Sprint"}:
		if index == 0 {
			if l := last(); l != nil && isString(info.TypeOf(l)) {
				return suffixOf(c.tails(u, l, depth+1))
			}
		}
	case [2]string{"strings", "Join"}:
		if index == 0 && len(call.Args) == 2 {
			// strings.Join([]string{base, "json"}, "."): with an element
			// before the last, the value ends in sep+last.
			ts, more := c.lastElemTails(u, call.Args[0], depth+1)
			if sep := c.tails(u, call.Args[1], depth+1); more && len(sep) == 1 && sep[0].whole {
				ts = concat([]tail{{s: sep[0].s, param: -1}}, ts)
			}
			return suffixOf(ts)
		}
	default:
		var f pathFact
		if c.importPathFact(fn, &f) && f.Result == index {
			if f.Param >= 0 { // the path ends with the argument: Named("index.json")
				sig := fn.Signature()
				if sig.Variadic() && f.Param == sig.Params().Len()-1 && call.Ellipsis.IsValid() {
					ts, _ := c.lastElemTails(u, call.Args[len(call.Args)-1], depth+1)
					return suffixOf(ts)
				}
				if a := c.argFor(call, sig, f.Param); a != nil {
					return suffixOf(c.tails(u, a, depth+1))
				}
				return nil
			}
			return []tail{{s: f.Tail, param: -1}}
		}
	}
	return nil
}

// sprintfTails handles fmt.Sprintf with a constant format: the text after
// the last verb, or the tail of the last operand when the format ends in %s
// or %v.
func (c *checker) sprintfTails(u *unit, call *ast.CallExpr, depth int) []tail {
	tv, ok := c.pass.TypesInfo.Types[call.Args[0]]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return nil
	}
	format := constant.StringVal(tv.Value)
	verbs, lastVerb, rest, indexed := 0, byte(0), format, false
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.[]*", format[j]) >= 0 {
			if format[j] == '*' || format[j] == '[' {
				indexed = true // operands are not in order: only the literal tail counts
			}
			j++
		}
		if j >= len(format) {
			return nil
		}
		if format[j] != '%' {
			verbs++
			lastVerb = format[j]
		}
		rest = format[j+1:]
		i = j
	}
	rest = strings.ReplaceAll(rest, "%%", "%")
	if verbs == 0 {
		return []tail{{s: strings.ReplaceAll(format, "%%", "%"), whole: true, param: -1}}
	}
	if rest != "" {
		return []tail{{s: rest, param: -1}}
	}
	if !indexed && (lastVerb == 's' || lastVerb == 'v') && verbs == len(call.Args)-1 {
		ts := c.tails(u, call.Args[verbs], depth+1)
		for i := range ts {
			ts[i].whole = false
		}
		return ts
	}
	return nil
}

// concat returns the tails of x + y.
func concat(xs, ys []tail) []tail {
	var out []tail
	for _, y := range ys {
		if !y.whole {
			out = appendTails(out, y)
			continue
		}
		if len(xs) == 0 {
			out = appendTails(out, tail{s: y.s, param: -1})
		}
		for _, x := range xs {
			t := tail{s: x.s + y.s, whole: x.whole, param: x.param, lit: x.lit}
			if len(t.s) > maxTailLen {
				// Only the end of a path says what it is; a value built by
				// thousands of appends would cost quadratic copying.
				t = tail{s: t.s[len(t.s)-maxTailLen:], param: -1}
			}
			out = appendTails(out, t)
		}
	}
	return out
}

// appendTails appends ts to out, dropping duplicates and keeping at most maxTails.
func appendTails(out []tail, ts ...tail) []tail {
	for _, t := range ts {
		if len(out) >= maxTails {
			break
		}
		dup := false
		for _, o := range out {
			if o == t {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}

// jsonTail returns the first tail that ends in one of the configured
// extensions, and the extension.
func (c *checker) jsonTail(ts []tail) (tail, string, bool) {
	for _, t := range ts {
		low := strings.ToLower(t.s)
		for _, ext := range c.cfg.exts {
			if strings.HasSuffix(low, ext) {
				return t, ext, true
			}
		}
	}
	return tail{}, "", false
}

// notJSON reports whether every known value of a path (its tails ts) ends
// in a file extension outside the configured list, such as "events.jsonl",
// "audit.log" or "values.yaml": such a target is not a JSON file by name, so
// bytes from encoding/json written there (a JSON-lines log, a YAML file,
// which JSON is a subset of) are not evidence. A path that may be a
// parameter, or whose last element has no extension, is not provably
// anything.
func (c *checker) notJSON(ts []tail) bool {
	if len(ts) == 0 {
		return false
	}
	if _, _, ok := c.jsonTail(ts); ok {
		return false
	}
	for _, t := range ts {
		ext := strings.ToLower(fileExt(t.s))
		if ext == "" || slices.Contains(c.cfg.exts, ext) {
			return false
		}
	}
	return true
}

// copySuffixes mark a copy of another file, such as "state.json.bak": the
// extension before them says what the content is.
var copySuffixes = []string{".bak", ".backup", ".old", ".orig", ".new", ".tmp", ".temp"}

// fileExt returns the extension of the last element of the path tail s:
// a dot followed by one to ten letters or digits, at least one a letter,
// looking through copy suffixes (".bak"); otherwise "" (no extension, or the
// tail is too short to tell).
func fileExt(s string) string {
	for _, cp := range copySuffixes {
		if len(s) >= len(cp) && strings.EqualFold(s[len(s)-len(cp):], cp) {
			return fileExt(s[:len(s)-len(cp)])
		}
	}
	i := strings.LastIndexByte(s, '.')
	if i < 0 || len(s)-i-1 < 1 || len(s)-i-1 > 10 {
		return ""
	}
	letter := false
	for _, r := range s[i+1:] {
		switch {
		case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
			letter = true
		case '0' <= r && r <= '9':
		default:
			return ""
		}
	}
	if !letter {
		return ""
	}
	return s[i:]
}

// paramTail returns the parameter whose value decides the extension of one
// of ts (the value ends with the parameter), or -1.
func paramTail(ts []tail) int {
	for _, t := range ts {
		if t.param >= 0 && t.s == "" && t.lit == nil {
			return t.param
		}
	}
	return -1
}

func isString(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// isBytes reports whether t is a byte slice.
func isBytes(t types.Type) bool {
	if t == nil {
		return false
	}
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}
