package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
)

// A unit is one top-level declaration (a function, or a package-level var
// with function literals) indexed once, so that values can be followed back
// to their assignments without SSA. Objects are unique, so closures share
// their enclosing declaration's index.
type unit struct {
	decl   ast.Node    // *ast.FuncDecl or *ast.GenDecl
	file   *ast.File   // the file holding decl
	fn     *types.Func // the declared function, or nil
	params map[*types.Var]int

	assigns map[types.Object][]rhs           // every value stored in a local variable
	fields  map[fieldKey][]ast.Expr          // values stored in v.f for a local v
	calls   []*ast.CallExpr                  // every call, in source order
	dest    map[*ast.CallExpr]types.Object   // the variable receiving a call's (first) result
	methods map[types.Object][]*ast.CallExpr // method calls on a variable, e.g. f.Sync()

	renameCalls []*ast.CallExpr         // os.Rename calls, computed on first use
	encRoots    map[types.Object]string // variables that reach a json encoder or json.Indent/Compact, with the evidence
}

// rhs is one value stored in a variable: expr, or result index of the call
// expr when index >= 0; add marks x += expr.
type rhs struct {
	expr  ast.Expr
	index int
	add   bool
}

// fieldKey names the field f of the local variable v in v.f.
type fieldKey struct {
	v types.Object
	f *types.Var
}

// newUnit indexes decl.
func (c *checker) newUnit(file *ast.File, decl ast.Node) *unit {
	u := &unit{
		decl:    decl,
		file:    file,
		assigns: make(map[types.Object][]rhs),
		fields:  make(map[fieldKey][]ast.Expr),
		dest:    make(map[*ast.CallExpr]types.Object),
		methods: make(map[types.Object][]*ast.CallExpr),
	}
	info := c.pass.TypesInfo
	if fd, ok := decl.(*ast.FuncDecl); ok {
		if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
			u.fn = fn
			sig := fn.Signature()
			u.params = make(map[*types.Var]int)
			for i := 0; i < sig.Params().Len(); i++ {
				if sig.Variadic() && i == sig.Params().Len()-1 {
					break
				}
				u.params[sig.Params().At(i)] = i
			}
		}
		if fd.Body == nil {
			return u
		}
	}
	ast.Inspect(decl, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			u.addAssign(info, n.Lhs, n.Rhs, n.Tok)
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			u.addAssign(info, lhs, n.Values, token.DEFINE)
		case *ast.CallExpr:
			u.calls = append(u.calls, n)
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				if s := info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
					if obj := identObj(info, sel.X); obj != nil {
						u.methods[obj] = append(u.methods[obj], n)
					}
				}
			}
		}
		return true
	})
	return u
}

// addAssign records lhs = rhs (or :=, +=).
func (u *unit) addAssign(info *types.Info, lhs, values []ast.Expr, tok token.Token) {
	for i, l := range lhs {
		var r rhs
		switch {
		case len(lhs) == len(values):
			r = rhs{expr: values[i], index: -1, add: tok == token.ADD_ASSIGN}
		case len(values) == 1:
			r = rhs{expr: values[0], index: i}
		default:
			continue
		}
		switch l := ast.Unparen(l).(type) {
		case *ast.Ident:
			obj := info.Defs[l]
			if obj == nil {
				obj = info.Uses[l]
			}
			if obj == nil {
				continue
			}
			u.assigns[obj] = append(u.assigns[obj], r)
			if call, ok := ast.Unparen(r.expr).(*ast.CallExpr); ok && r.index <= 0 {
				u.dest[call] = obj
			}
			if r.index < 0 {
				u.addLiteralFields(info, obj, r.expr)
			}
		case *ast.SelectorExpr:
			if s := info.Selections[l]; s != nil && s.Kind() == types.FieldVal && r.index < 0 {
				if v := identObj(info, l.X); v != nil {
					if f, ok := s.Obj().(*types.Var); ok {
						k := fieldKey{v, f}
						u.fields[k] = append(u.fields[k], r.expr)
					}
				}
			}
		}
	}
}

// addLiteralFields records the keyed fields of v := T{F: x} and v := &T{F: x}.
func (u *unit) addLiteralFields(info *types.Info, v types.Object, e ast.Expr) {
	e = ast.Unparen(e)
	if ue, ok := e.(*ast.UnaryExpr); ok && ue.Op == token.AND {
		e = ast.Unparen(ue.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		if f, ok := info.Uses[key].(*types.Var); ok && f.IsField() {
			k := fieldKey{v, f}
			u.fields[k] = append(u.fields[k], kv.Value)
		}
	}
}

// identObj returns the object of e when e is a (possibly parenthesized or
// dereferenced or address-taken) identifier.
func identObj(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return nil
			}
			e = x.X
		case *ast.Ident:
			if obj := info.Uses[x]; obj != nil {
				return obj
			}
			return info.Defs[x]
		default:
			return nil
		}
	}
}
