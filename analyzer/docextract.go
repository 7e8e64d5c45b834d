package analyzer

import (
	"go/parser"
	"go/token"
	"strings"
)

// extractDoc returns the documentation of the analyzer name from the
// source of a doc.go file, as x/tools' passes keep it: the package comment
// holds a section "# Analyzer name" whose first line is "name: summary".
// The result is the summary, a blank line, and the rest of the section.
// It panics when the section is missing, which the package's tests catch.
func extractDoc(src, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		panic("analyzer: doc.go has no package comment")
	}
	text := f.Doc.Text()
	_, section, ok := strings.Cut(text, "\n# Analyzer "+name+"\n")
	if !ok {
		panic("analyzer: doc.go has no section # Analyzer " + name)
	}
	if i := strings.Index(section, "\n# "); i >= 0 {
		section = section[:i]
	}
	section = strings.TrimSpace(section)
	summary, rest, _ := strings.Cut(section, "\n")
	summary, ok = strings.CutPrefix(summary, name+": ")
	if !ok {
		panic("analyzer: the section # Analyzer " + name + " does not start with " + name + ": summary")
	}
	return summary + "\n\n" + strings.TrimSpace(rest)
}
