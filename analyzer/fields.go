package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Struct fields set in one function and read in another, as a constructor
// sets s.path = filepath.Join(dir, "state.json") for the Save method: an
// unexported field of a type of this package can only be stored by this
// package, so the values stored anywhere in it are all the values the
// field can hold (besides its zero value).

// fieldTails returns the tails of the values the package stores in the
// field f — keyed and positional composite literal elements, assignments
// x.f = e — when every one of them is a JSON path; otherwise (a value
// unknown, from a parameter of the storing function, or not JSON; the
// field exported or another package's) nil.
func (c *checker) fieldTails(f *types.Var) []tail {
	if f == nil || f.Exported() || f.Pkg() != c.pass.Pkg || !f.IsField() || !isString(f.Type()) {
		return nil
	}
	if ts, ok := c.fieldMemo[f]; ok {
		return ts
	}
	if c.fieldMemo == nil {
		c.fieldMemo = make(map[*types.Var][]tail)
	}
	c.fieldMemo[f] = nil // a store of the field's own value adds nothing
	var out []tail
	for _, st := range c.fieldStores()[f] {
		if st.value == nil {
			return nil // its address is taken: the field may hold anything
		}
		// The field is followed only when every value stored is JSON by
		// name: a type reused for JSON and YAML files proves nothing.
		ts := c.tails(c.unitOf(st.file, st.decl), st.value, 0)
		for _, t := range ts {
			if _, _, ok := c.jsonTail([]tail{t}); !ok || t.param >= 0 || t.lit != nil {
				return nil
			}
		}
		if len(ts) == 0 {
			return nil
		}
		out = appendTails(out, ts...)
	}
	c.fieldMemo[f] = out
	return out
}

// fieldStore is one value stored in a field, in the declaration decl; a
// zero fieldStore marks a field whose address is taken.
type fieldStore struct {
	file  *ast.File
	decl  ast.Node
	value ast.Expr
}

// fieldStores indexes, once per package, the values stored in the
// unexported string fields of the package's struct types.
func (c *checker) fieldStores() map[*types.Var][]fieldStore {
	if c.stores != nil {
		return c.stores
	}
	c.stores = make(map[*types.Var][]fieldStore)
	info := c.pass.TypesInfo
	add := func(file *ast.File, decl ast.Node, f *types.Var, value ast.Expr) {
		if f != nil && f.Pkg() == c.pass.Pkg && !f.Exported() && isString(f.Type()) {
			c.stores[f] = append(c.stores[f], fieldStore{file, decl, value})
		}
	}
	for _, file := range c.pass.Files {
		for _, decl := range file.Decls {
			ast.Inspect(decl, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					st, ok := info.TypeOf(n).Underlying().(*types.Struct)
					if !ok {
						return true
					}
					for i, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if id, ok := kv.Key.(*ast.Ident); ok {
								f, _ := info.Uses[id].(*types.Var)
								add(file, decl, f, kv.Value)
							}
						} else if i < st.NumFields() {
							add(file, decl, st.Field(i), el)
						}
					}
				case *ast.UnaryExpr:
					// &s.path handed to flag.StringVar or a decoder: any value.
					if sel, ok := ast.Unparen(n.X).(*ast.SelectorExpr); ok && n.Op == token.AND {
						if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
							if f, ok := s.Obj().(*types.Var); ok {
								c.stores[f] = append(c.stores[f], fieldStore{})
							}
						}
					}
				case *ast.AssignStmt:
					if n.Tok != token.ASSIGN || len(n.Lhs) != len(n.Rhs) {
						return true // x.f += e and tuple assignments are not followed
					}
					for i, l := range n.Lhs {
						if sel, ok := ast.Unparen(l).(*ast.SelectorExpr); ok {
							if s := info.Selections[sel]; s != nil && s.Kind() == types.FieldVal {
								f, _ := s.Obj().(*types.Var)
								add(file, decl, f, n.Rhs[i])
							}
						}
					}
				}
				return true
			})
		}
	}
	return c.stores
}
