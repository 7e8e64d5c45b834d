package analyzer

import (
	"go/token"
	"strings"
)

// ignoreDirective silences a finding on its line or the line below; it
// must give a reason.
const ignoreDirective = "//atomicjson:ignore"

// suppressions maps the line of each directive with a reason in one file.
type suppressions map[int]bool

// checkSuppressions indexes the directives of every checked file and
// reports those without a reason (which silence nothing).
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
		var s suppressions
		for _, cg := range file.Comments {
			for _, cm := range cg.List {
				if !strings.HasPrefix(cm.Text, ignoreDirective) {
					continue
				}
				rest := cm.Text[len(ignoreDirective):]
				if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
					continue // another directive, e.g. //atomicjson:ignorefoo
				}
				if i := strings.Index(rest, "//"); i >= 0 {
					rest = rest[:i] // a trailing comment is not a reason
				}
				if strings.TrimSpace(rest) == "" {
					c.pass.Reportf(cm.Pos(), "%s needs a reason: %s <why a non-atomic write is fine here>", ignoreDirective, ignoreDirective)
					continue
				}
				if s == nil {
					s = make(suppressions)
				}
				s[tf.Line(cm.Pos())] = true
			}
		}
		if s != nil {
			c.sup[tf] = s
		}
	}
}

// suppressed reports whether a directive on the line of pos, or the line
// above, silences a finding at pos.
func (c *checker) suppressed(pos token.Pos) bool {
	tf := c.pass.Fset.File(pos)
	s := c.sup[tf]
	if tf == nil || s == nil {
		return false
	}
	line := tf.Line(pos)
	return s[line] || s[line-1]
}
