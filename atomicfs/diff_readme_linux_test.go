package atomicfs

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The README's drop-in differences table and the differential cases are kept one to one: a case
// with a documented difference names its row (the row's first cell), the row names the case's test
// and the error the case asserts, and every test a row names is such a case.

// differencesRow is one row of the README's table of drop-in differences on Linux.
type differencesRow struct {
	text  string          // the whole row
	tests map[string]bool // the subtests it names, as go test -run does (TestDiff/hard_link)
}

// readDifferencesTable returns the rows of the first table under "### Drop-in differences" in
// the README, by their first cell.
func readDifferencesTable(t *testing.T) map[string]differencesRow {
	t.Helper()
	f, err := os.Open("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	testName := regexp.MustCompile("`(TestDiff\\w*/[^`]+)`")
	rows := map[string]differencesRow{}
	inSection, inTable := false, false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case line == "### Drop-in differences":
			inSection = true
		case !inSection:
		case strings.HasPrefix(line, "#"):
			return rows
		case strings.HasPrefix(line, "|"):
			inTable = true
			cells := strings.Split(strings.Trim(line, "|"), " | ")
			name := strings.TrimSpace(cells[0])
			if name == "Case" || strings.HasPrefix(name, "---") {
				continue
			}
			row := differencesRow{text: line, tests: map[string]bool{}}
			for _, m := range testName.FindAllStringSubmatch(cells[len(cells)-1], -1) {
				row.tests[m[1]] = true
			}
			rows[name] = row
		case inTable:
			return rows // the first table ends: the next one is about other systems
		}
	}
	if len(rows) == 0 {
		t.Fatal("README.md has no table under ### Drop-in differences")
	}
	return rows
}

// subtestName is the name "go test -run" matches for a subtest named name.
func subtestName(name string) string { return strings.ReplaceAll(name, " ", "_") }

// TestDiffDocumented checks the table against the cases, both ways.
func TestDiffDocumented(t *testing.T) {
	rows := readDifferencesTable(t)
	documented := map[string]string{} // subtest -> row
	for test, cases := range map[string][]diffCase{"TestDiff": diffCases(), "TestDiffFileOps": diffFileOpCases()} {
		for _, c := range cases {
			if c.differs == "" {
				continue
			}
			name := test + "/" + subtestName(c.name)
			documented[name] = c.differs
			row, ok := rows[c.differs]
			switch {
			case !ok:
				t.Errorf("case %s documents a difference %q that the README's table lacks", name, c.differs)
			case !row.tests[name]:
				t.Errorf("the README's row %q does not name its test %s", c.differs, name)
			}
		}
	}
	for name, row := range rows {
		if len(row.tests) == 0 {
			t.Errorf("the README's row %q names no test", name)
		}
		for test := range row.tests {
			if documented[test] != name {
				t.Errorf("the README's row %q names %s, which is not a case documenting that row", name, test)
			}
		}
	}
}

// wantRowNamesError fails the test unless the README's row for the case names the error its
// documented outcome has (the errno's name, or ErrNotRegular).
func wantRowNamesError(t *testing.T, rows map[string]differencesRow, c diffCase, want diffResult) {
	t.Helper()
	var name string
	switch {
	case want.NotRegular:
		name = "ErrNotRegular"
	case want.Errno != 0:
		name = unix.ErrnoName(syscall.Errno(want.Errno))
	case !want.Failed:
		name = "success"
	default:
		return
	}
	if row, ok := rows[c.differs]; ok && !strings.Contains(row.text, name) {
		t.Errorf("the README's row %q does not say %s, the outcome case %q asserts", c.differs, name, c.name)
	}
}
