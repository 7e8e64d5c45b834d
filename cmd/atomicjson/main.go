package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/atomicjson/atomicjson/analyzer"
)

func main() { singlechecker.Main(analyzer.Analyzer) }
