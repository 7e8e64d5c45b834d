package analyzer

import (
	"go/ast"
	"go/constant"
	"go/types"

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
	info := c.pass.TypesInfo
	if fn := typeutil.StaticCallee(info, call); fn != nil {
		return fn.Origin()
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
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
	if len(values) != 1 || values[0].index >= 0 {
		return nil
	}
	var ref ast.Expr = ast.Unparen(values[0].expr)
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

// openFlagsTruncate reports whether the os.OpenFile flags argument is a
// constant that creates or truncates the file for writing without O_APPEND.
func openFlagsTruncate(info *types.Info, osPkg *types.Package, flags ast.Expr) bool {
	tv, ok := info.Types[flags]
	if !ok || tv.Value == nil || osPkg == nil {
		return false
	}
	v, ok := constant.Int64Val(constant.ToInt(tv.Value))
	if !ok {
		return false
	}
	flag := func(name string) int64 {
		if k, ok := osPkg.Scope().Lookup(name).(*types.Const); ok {
			if x, ok := constant.Int64Val(constant.ToInt(k.Val())); ok {
				return x
			}
		}
		return 0
	}
	wr, rdwr, acc := flag("O_WRONLY"), flag("O_RDWR"), flag("O_WRONLY")|flag("O_RDWR")|flag("O_RDONLY")
	if acc == 0 {
		acc = 3 // O_ACCMODE on every Unix and on Windows
	}
	mode := v & acc
	if mode != wr && mode != rdwr {
		return false
	}
	if a := flag("O_APPEND"); a != 0 && v&a != 0 {
		return false
	}
	if x := flag("O_EXCL"); x != 0 && v&x != 0 {
		return false // creates a new file only: nothing existing is truncated, and rename could not keep that guarantee
	}
	return v&(flag("O_CREATE")|flag("O_TRUNC")) != 0
}
