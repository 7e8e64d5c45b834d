// Command noop is the singlechecker driver running an analyzer that does
// nothing and declares no facts: the package-loading floor of a
// single-package analyzer, against which the benchmarks measure atomicjson.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/singlechecker"
)

// analyzer does no work: it neither requires other analyzers nor declares
// facts, so the driver loads syntax only for the packages named on the
// command line and export data for their dependencies.
var analyzer = &analysis.Analyzer{
	Name: "noop",
	Doc:  "noop does nothing; it measures the driver's own cost",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}

func main() { singlechecker.Main(analyzer) }
