// Command noop-facts is the singlechecker driver running an analyzer that
// declares one fact type, yet does nothing: the floor for a cross-package
// analyzer such as atomicjson. Declaring a fact type makes the driver load
// and type-check every dependency from source (standalone) or encode facts
// for every package (under go vet). Like atomicjson, it requires no other
// analyzer (no inspector is built); the benchmarks compare atomicjson
// against this command.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/singlechecker"
)

// noFact is the declared fact type; no fact is ever exported.
type noFact struct{}

// AFact marks noFact as an analysis.Fact.
func (*noFact) AFact() {}

func (*noFact) String() string { return "noFact" }

var analyzer = &analysis.Analyzer{
	Name:      "noopfacts",
	Doc:       "noopfacts declares a fact type and does nothing else",
	FactTypes: []analysis.Fact{new(noFact)},
	Run:       func(pass *analysis.Pass) (any, error) { return nil, nil },
}

func main() { singlechecker.Main(analyzer) }
