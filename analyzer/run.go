package analyzer

import "golang.org/x/tools/go/analysis"

func (c *config) run(pass *analysis.Pass) (any, error) {
	return nil, nil
}
