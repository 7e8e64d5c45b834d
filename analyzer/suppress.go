package analyzer

import (
	"go/ast"
	"go/token"
	"strings"
)

// ignoreDirective silences the findings of the lines it is written for; it
// must give a reason. At the end of a line of code it covers that line's
// finding (a call spanning several lines counts as each of them); alone on
// its line it covers the line below its comment group, as //nolint and
// staticcheck's //lint:ignore do.
const ignoreDirective = "//atomicjson:ignore"

// directivePrefix starts every directive of this analyzer. A comment that
// starts with it but is not a well-formed directive silences nothing and
// is reported, so a typo never passes for a suppression.
const directivePrefix = "//atomicjson:"

// suppressions records what is silenced in one file.
type suppressions struct {
	generated bool         // the file is generated: nothing in it is reported
	lines     map[int]bool // lines whose findings directives silence
}

// checkSuppressions indexes the directives of every checked file, reports
// the malformed ones (which silence nothing), and marks generated files.
func (c *checker) checkSuppressions() {
	c.sup = make(map[*token.File]suppressions)
	for _, file := range c.pass.Files {
		if !c.checked(file) {
			continue
		}
		tf := c.pass.Fset.File(file.Pos())
		if tf == nil {
			continue
		}
		if ast.IsGenerated(file) && !c.rewrittenByCgo(tf, file) {
			c.sup[tf] = suppressions{generated: true}
			continue
		}
		var found []*ast.Comment // well-formed directives
		for _, cg := range file.Comments {
			for _, cm := range cg.List {
				if c.checkDirective(cm) {
					found = append(found, cm)
				}
			}
		}
		if len(found) == 0 {
			continue
		}
		trailing := trailingComments(tf, file, found)
		s := suppressions{lines: make(map[int]bool)}
		for _, cg := range file.Comments {
			for _, cm := range cg.List {
				switch isTrailing, ok := trailing[cm]; {
				case !ok:
				case isTrailing:
					s.lines[tf.Line(cm.Pos())] = true
				default:
					s.lines[tf.Line(cg.End())+1] = true
				}
			}
		}
		c.sup[tf] = s
	}
}

// rewrittenByCgo reports whether file is cgo's rewrite of a user's file:
// cgo marks its output generated, but its //line directives lead back to
// the file the user wrote, which is checked like any other.
func (c *checker) rewrittenByCgo(tf *token.File, file *ast.File) bool {
	return c.pass.Fset.PositionFor(file.Package, true).Filename != tf.Name()
}

// checkDirective reports whether cm is a well-formed ignore directive with
// a reason, and reports comments in the directive namespace that are not.
func (c *checker) checkDirective(cm *ast.Comment) bool {
	text := cm.Text
	if rest, ok := strings.CutPrefix(text, "// "); ok && strings.HasPrefix(rest, "atomicjson:ignore") {
		// The directive with a space after //, which the go tools' own
		// convention (and //nolint's) does not allow; "// atomicjson: ..."
		// in prose, as in a package doc, is no directive.
		c.pass.Reportf(cm.Pos(), "malformed directive %q: write %s <reason>, with no space after //", firstWords(text), ignoreDirective)
		return false
	}
	if !strings.HasPrefix(text, directivePrefix) {
		return false
	}
	rest, ok := strings.CutPrefix(text, ignoreDirective)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		c.pass.Reportf(cm.Pos(), "malformed directive %q: the only directive is %s <reason>", firstWords(text), ignoreDirective)
		return false
	}
	if i := strings.Index(rest, "//"); i >= 0 {
		rest = rest[:i] // a trailing comment is not a reason
	}
	if strings.TrimSpace(rest) == "" {
		c.pass.Reportf(cm.Pos(), "%s needs a reason: %s <why a non-atomic write is fine here>", ignoreDirective, ignoreDirective)
		return false
	}
	return true
}

// firstWords returns the directive part of a comment for messages: up to
// the first space after the directive's name.
func firstWords(text string) string {
	text = strings.TrimPrefix(text, "// ")
	if i := strings.IndexAny(text, " \t"); i >= 0 {
		return text[:i]
	}
	return text
}

// trailingComments reports, for each of the comments cms, whether code
// precedes it on its line. A token before a comment on its line is the
// start or the end of a node of the syntax tree, or an opening bracket a
// node records, so the walk compares those positions with the comments.
func trailingComments(tf *token.File, file *ast.File, cms []*ast.Comment) map[*ast.Comment]bool {
	first := make(map[int]token.Pos) // line → position of its first directive
	for _, cm := range cms {
		l := tf.Line(cm.Pos())
		if p, ok := first[l]; !ok || cm.Pos() < p {
			first[l] = cm.Pos()
		}
	}
	codeBefore := make(map[int]bool)
	mark := func(p token.Pos) {
		if !p.IsValid() || int(p) < tf.Base() || int(p) > tf.Base()+tf.Size() {
			return
		}
		l := tf.Line(p)
		if d, ok := first[l]; ok && p <= d {
			codeBefore[l] = true
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil, *ast.CommentGroup, *ast.Comment:
			return false
		case *ast.CallExpr:
			mark(n.Lparen)
		case *ast.CompositeLit:
			mark(n.Lbrace)
		case *ast.GenDecl:
			mark(n.Lparen)
		case *ast.FieldList:
			mark(n.Opening)
		case *ast.IndexExpr:
			mark(n.Lbrack)
		}
		mark(n.Pos())
		mark(n.End())
		return true
	})
	out := make(map[*ast.Comment]bool, len(cms))
	for _, cm := range cms {
		out[cm] = codeBefore[tf.Line(cm.Pos())]
	}
	return out
}

// suppressed reports whether a finding at pos is silenced: by a directive
// written for its line, or because its file is generated. A silenced write
// makes its function no wrapper either: its callers are not blamed.
func (c *checker) suppressed(pos token.Pos) bool {
	tf := c.pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	s, ok := c.sup[tf]
	return ok && (s.generated || s.lines[tf.Line(pos)])
}
