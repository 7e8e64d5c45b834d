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
	// rangeOf maps the value variable of for _, v := range x to x.
	rangeOf map[types.Object]ast.Expr
	// litParams are the parameters of the function literals in decl.
	litParams map[*types.Var]litParam

	assigns map[types.Object][]rhs           // every value stored in a local variable
	fields  map[fieldKey][]ast.Expr          // values stored in v.f for a local v
	calls   []*ast.CallExpr                  // every call, in source order
	loops   [][2]token.Pos                   // the extent of every for and range statement
	lits    [][2]token.Pos                   // the extent of every function literal
	reach   *reachIndex                      // loops and lits indexed for reaching, on first use
	dest    map[*ast.CallExpr]types.Object   // the variable receiving a call's (first) result
	methods map[types.Object][]*ast.CallExpr // method calls on a variable, e.g. f.Sync()

	renameCalls []renameCall // renames (os.Rename and helpers with a renameFact), computed on first use
	fills       map[types.Object][]fill
	decoded     map[types.Object][]*ast.CallExpr // JSON decoder calls per variable parsed (evidence.go)        // where JSON enters a writer variable (buffers.go)
	stmtBlock   map[*ast.CallExpr][2]token.Pos   // the block that holds a call statement directly
	variadic    *types.Var                       // the variadic parameter of fn, or nil
	calleeUnits []*unit                          // the package's functions u calls (order.go)
	argUse      map[types.Object][]argUse        // calls taking each variable as an argument (files.go)
	returns     []*ast.ReturnStmt                // the function's own return statements with every result, computed on first use (temps.go)
	diags       []diag                           // the findings of the last scan

	// Memos of the value-following walks, keyed by a variable read, so that
	// each read is followed once however many paths lead to it; busy marks
	// the reads being followed, which contribute nothing new when met again
	// (x = x + "a" refers to itself).
	tailMemo map[useKey][]tail
	defTails map[useKey][]tail // the tails of each assignment's value, by variable and statement
	dataMemo map[useKey]dataResult
	busy     map[useKey]bool
}

// litParam is parameter index of the function literal lit.
type litParam struct {
	lit   *ast.FuncLit
	index int
}

// useKey names a read of variable v at pos.
type useKey struct {
	v   types.Object
	pos token.Pos
}

// dataResult is a memoized dataEvidence result.
type dataResult struct {
	ev    evidence
	param int
}

// resetMemos forgets what the walks learnt from facts that may still change
// (within a recursive component of the call graph).
func (u *unit) resetMemos() {
	clear(u.tailMemo)
	clear(u.dataMemo)
	u.renameCalls = nil
}

// rhs is one value stored in a variable: expr, or result index of the call
// expr when index >= 0; add marks x += expr, and or x |= expr. pos is the position of the
// assigning statement, and block the extent of the block that holds it
// directly (zero when the statement is not a direct child of a block, as in
// if x := f(); ...): such an assignment runs before every later statement of
// its block.
type rhs struct {
	expr  ast.Expr
	index int
	add   bool
	or    bool
	pos   token.Pos
	end   token.Pos
	block [2]token.Pos
}

// fieldKey names the field f of the local variable v in v.f.
type fieldKey struct {
	v types.Object
	f *types.Var
}

// newUnit indexes decl.
func (c *checker) newUnit(file *ast.File, decl ast.Node) *unit {
	u := &unit{
		decl:      decl,
		file:      file,
		assigns:   make(map[types.Object][]rhs),
		fields:    make(map[fieldKey][]ast.Expr),
		dest:      make(map[*ast.CallExpr]types.Object),
		stmtBlock: make(map[*ast.CallExpr][2]token.Pos),
		methods:   make(map[types.Object][]*ast.CallExpr),

		tailMemo: make(map[useKey][]tail),
		defTails: make(map[useKey][]tail),
		dataMemo: make(map[useKey]dataResult),
		busy:     make(map[useKey]bool),

		litParams: make(map[*types.Var]litParam),
		rangeOf:   make(map[types.Object]ast.Expr),
	}
	info := c.pass.TypesInfo
	if fd, ok := decl.(*ast.FuncDecl); ok {
		if fn, ok := info.Defs[fd.Name].(*types.Func); ok {
			u.fn = fn
			sig := fn.Signature()
			u.params = make(map[*types.Var]int)
			for i := 0; i < sig.Params().Len(); i++ {
				if sig.Variadic() && i == sig.Params().Len()-1 {
					u.variadic = sig.Params().At(i)
					break
				}
				u.params[sig.Params().At(i)] = i
			}
		}
		if fd.Body == nil {
			return u
		}
	}
	blocks := make(map[ast.Node][2]token.Pos) // statement -> extent of the block holding it
	inBlock := func(b ast.Node, list []ast.Stmt) {
		for _, st := range list {
			blocks[st] = [2]token.Pos{b.Pos(), b.End()}
		}
	}
	ast.Inspect(decl, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			inBlock(n, n.List)
		case *ast.ForStmt:
			u.loops = append(u.loops, [2]token.Pos{n.Pos(), n.End()})
		case *ast.RangeStmt:
			u.loops = append(u.loops, [2]token.Pos{n.Pos(), n.End()})
			if id, ok := n.Value.(*ast.Ident); ok && n.Tok == token.DEFINE {
				if obj := info.Defs[id]; obj != nil {
					u.rangeOf[obj] = n.X
				}
			}
		case *ast.ExprStmt:
			if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
				u.stmtBlock[call] = blocks[n]
			}
		case *ast.CaseClause:
			inBlock(n, n.Body)
		case *ast.CommClause:
			inBlock(n, n.Body)
		case *ast.DeclStmt:
			if gd, ok := n.Decl.(*ast.GenDecl); ok {
				for _, spec := range gd.Specs {
					blocks[spec] = blocks[n]
				}
			}
		case *ast.FuncLit:
			u.lits = append(u.lits, [2]token.Pos{n.Pos(), n.End()})
			i := 0
			for _, field := range n.Type.Params.List {
				for _, name := range field.Names {
					if v, ok := info.Defs[name].(*types.Var); ok {
						u.litParams[v] = litParam{n, i}
					}
					i++
				}
				if len(field.Names) == 0 {
					i++
				}
			}
		case *ast.AssignStmt:
			u.addAssign(info, n.Lhs, n.Rhs, n.Tok, n, blocks[n])
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			u.addAssign(info, lhs, n.Values, token.DEFINE, n, blocks[n])
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
func (u *unit) addAssign(info *types.Info, lhs, values []ast.Expr, tok token.Token, stmt ast.Node, block [2]token.Pos) {
	for i, l := range lhs {
		var r rhs
		switch {
		case len(lhs) == len(values):
			r = rhs{expr: values[i], index: -1, add: tok == token.ADD_ASSIGN, or: tok == token.OR_ASSIGN, pos: stmt.Pos(), end: stmt.End(), block: block}
		case len(values) == 1:
			r = rhs{expr: values[0], index: i, pos: stmt.Pos(), end: stmt.End(), block: block}
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
