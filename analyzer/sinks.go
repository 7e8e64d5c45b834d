package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// sinkKind says how a sink writes its target.
type sinkKind int

const (
	writeFile sinkKind = iota // writes data to path, truncating it first
	create                    // opens path truncated for writing
	openFile                  // os.OpenFile: a sink only with truncating flags
)

// sink describes one function that writes a file non-atomically.
type sink struct {
	name string // as shown in messages, e.g. "os.WriteFile"
	kind sinkKind
	path int // index of the path argument
	data int // index of the data argument, or -1
}

// sinks is keyed by package path and function name.
var sinks = map[[2]string]sink{
	{"os", "WriteFile"}:        {"os.WriteFile", writeFile, 0, 1},
	{"io/ioutil", "WriteFile"}: {"ioutil.WriteFile", writeFile, 0, 1},
	{"os", "Create"}:           {"os.Create", create, 0, -1},
	{"os", "OpenFile"}:         {"os.OpenFile", openFile, 0, -1},
}

// funcKey returns the package path and name of a package-level function, or
// zero values for methods and nil.
func funcKey(fn *types.Func) [2]string {
	if fn == nil || fn.Pkg() == nil || fn.Signature().Recv() != nil {
		return [2]string{}
	}
	return [2]string{fn.Pkg().Path(), fn.Name()}
}

// isFunc reports whether fn is the package-level function path.name.
func isFunc(fn *types.Func, path, name string) bool {
	return fn != nil && fn.Name() == name && fn.Pkg() != nil && fn.Pkg().Path() == path && fn.Signature().Recv() == nil
}

// isMethod reports whether fn is the method path.typ.name (pointer or value receiver).
func isMethod(fn *types.Func, path, typ, name string) bool {
	if fn == nil || fn.Name() != name {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Name() == typ && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == path
}

// callee returns the function a call statically invokes: a named function
// or concrete method (the generic origin), or the function held by a
// variable whose only value is that function (w := os.WriteFile; w(...)).
func (c *checker) callee(u *unit, call *ast.CallExpr) *types.Func {
	if fn, ok := c.calleeMemo[call]; ok {
		return fn
	}
	fn := c.findCallee(u, call)
	if c.calleeMemo == nil {
		c.calleeMemo = make(map[*ast.CallExpr]*types.Func)
	}
	c.calleeMemo[call] = fn
	return fn
}

// findCallee is callee without the memo.
func (c *checker) findCallee(u *unit, call *ast.CallExpr) *types.Func {
	info := c.pass.TypesInfo
	if fn := typeutil.StaticCallee(info, call); fn != nil {
		return fn.Origin()
	}
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		if info.Selections[f] != nil {
			return nil
		}
		id = f.Sel // a qualified identifier: pkg.Var
	default:
		return nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	var values []rhs
	if c.isPkgVar(v) {
		if c.pkgVarReassigned(v) {
			return nil
		}
		if init := c.pkgVarInit(v); init != nil {
			values = []rhs{{expr: init, index: -1}}
		}
	} else if u != nil {
		values = u.assigns[v]
	}
	if v.Pkg() != nil && v.Pkg() != c.pass.Pkg && v.Parent() == v.Pkg().Scope() {
		return c.foreignVarSink(v) // wrappers.WriteFn("x.json", ...)
	}
	if len(values) != 1 || values[0].index >= 0 {
		return nil
	}
	return funcValue(info, values[0].expr)
}

// funcValue returns the package-level function that e names (os.WriteFile),
// or nil.
func funcValue(info *types.Info, e ast.Expr) *types.Func {
	ref := ast.Unparen(e)
	if sel, ok := ref.(*ast.SelectorExpr); ok {
		ref = sel.Sel
	}
	if rid, ok := ref.(*ast.Ident); ok {
		if fn, ok := info.Uses[rid].(*types.Func); ok && fn.Signature().Recv() == nil {
			return fn.Origin()
		}
	}
	return nil
}

// foreignVarSink returns the sink held by a package-level variable of
// another package, known from its varFact, found among the packages that
// package imports.
func (c *checker) foreignVarSink(v *types.Var) *types.Func {
	var f varFact
	if !c.pass.ImportObjectFact(v, &f) || f.Sink == "" {
		return nil
	}
	i := strings.LastIndexByte(f.Sink, '.')
	path, name := f.Sink[:i], f.Sink[i+1:]
	for _, p := range append([]*types.Package{v.Pkg()}, v.Pkg().Imports()...) {
		if p.Path() == path {
			fn, _ := p.Scope().Lookup(name).(*types.Func)
			return fn
		}
	}
	return nil
}

// openFlagValues returns the possible values of an os.OpenFile flags
// argument: a constant, or a local variable whose reaching assignments are
// constants, possibly widened with |= (flags := os.O_WRONLY|os.O_CREATE;
// if trunc { flags |= os.O_TRUNC }). ok is false when a value is unknown.
func (c *checker) openFlagValues(u *unit, e ast.Expr, depth int) (vals []int64, ok bool) {
	info := c.pass.TypesInfo
	e = ast.Unparen(e)
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		v, ok := constant.Int64Val(constant.ToInt(tv.Value))
		return []int64{v}, ok
	}
	id, isID := e.(*ast.Ident)
	if !isID || u == nil {
		return nil, false
	}
	v, isVar := info.Uses[id].(*types.Var)
	if !isVar || c.isPkgVar(v) {
		return nil, false
	}
	return c.varFlagValues(u, v, id.Pos(), depth)
}

// varFlagValues is openFlagValues for the variable v read at pos.
func (c *checker) varFlagValues(u *unit, v *types.Var, pos token.Pos, depth int) (vals []int64, ok bool) {
	if depth > maxDepth {
		return nil, false
	}
	defs, entry := u.reaching(v, pos)
	if entry || len(defs) == 0 {
		return nil, false
	}
	for _, r := range defs {
		if r.index >= 0 || r.add {
			return nil, false
		}
		xs, ok := c.openFlagValues(u, r.expr, depth+1)
		if !ok {
			return nil, false
		}
		if r.or {
			prev, ok := c.varFlagValues(u, v, r.pos, depth+1)
			if !ok {
				return nil, false
			}
			for _, p := range prev {
				for _, x := range xs {
					vals = append(vals, p|x)
				}
			}
			continue
		}
		vals = append(vals, xs...)
	}
	return vals, true
}

// osFlag returns the value of the os package's constant name, or 0.
func osFlag(osPkg *types.Package, name string) int64 {
	if k, ok := osPkg.Scope().Lookup(name).(*types.Const); ok {
		if x, ok := constant.Int64Val(constant.ToInt(k.Val())); ok {
			return x
		}
	}
	return 0
}

// flagsWrite reports whether open flags v open the file for writing.
func flagsWrite(osPkg *types.Package, v int64) bool {
	wr, rdwr := osFlag(osPkg, "O_WRONLY"), osFlag(osPkg, "O_RDWR")
	acc := wr | rdwr | osFlag(osPkg, "O_RDONLY")
	if acc == 0 {
		acc = 3 // O_ACCMODE on every Unix and on Windows
	}
	mode := v & acc
	return mode == wr || mode == rdwr
}

// flagsTruncate reports whether open flags v create or truncate the file
// for writing without O_APPEND or O_EXCL.
func flagsTruncate(osPkg *types.Package, v int64) bool {
	if !flagsWrite(osPkg, v) {
		return false
	}
	if a := osFlag(osPkg, "O_APPEND"); a != 0 && v&a != 0 {
		return false
	}
	if x := osFlag(osPkg, "O_EXCL"); x != 0 && v&x != 0 {
		return false // creates a new file only: nothing existing is truncated, and rename could not keep that guarantee
	}
	return v&(osFlag(osPkg, "O_CREATE")|osFlag(osPkg, "O_TRUNC")) != 0
}

// openFlags reports whether some known value of the flags argument of
// os.OpenFile satisfies pred.
func (c *checker) openFlags(u *unit, osPkg *types.Package, flags ast.Expr, pred func(*types.Package, int64) bool) bool {
	if osPkg == nil {
		return false
	}
	vals, _ := c.openFlagValues(u, flags, 0)
	for _, v := range vals {
		if pred(osPkg, v) {
			return true
		}
	}
	return false
}

// truncatedLater reports whether the file that call (os.OpenFile) opens for
// writing without O_TRUNC is truncated by f.Truncate afterwards: a rewrite
// in place, as non-atomic as O_TRUNC.
func (c *checker) truncatedLater(u *unit, call *ast.CallExpr, osPkg *types.Package) bool {
	f := u.dest[call]
	if f == nil || !c.openFlags(u, osPkg, call.Args[1], flagsWrite) {
		return false
	}
	for _, m := range u.methods[f] {
		if m.Pos() > call.End() && isMethod(c.callee(u, m), "os", "File", "Truncate") {
			return true
		}
	}
	return false
}
