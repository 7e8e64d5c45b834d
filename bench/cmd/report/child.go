package main

import (
	"fmt"
	"os"
	"strconv"
)

// The runner re-executes itself as its helper processes; childEnv names
// the role, and the role's arguments follow on the command line.
const childEnv = "ATOMICJSON_BENCH_CHILD"

// Child roles.
const (
	roleRMW     = "rmw"     // args: path m; an UpdateJSON worker
	roleStream  = "stream"  // args: mode dir size; one streaming write
	roleVetWrap = "vetwrap" // a -vettool wrapper; see vetwrap.go
	roleMeasure = "measure" // args: command...; see measure.go
)

// runChild runs the role named in the environment, if any, and reports
// whether it did; it exits the process on failure.
func runChild() bool {
	role := os.Getenv(childEnv)
	if role == "" {
		return false
	}
	var err error
	switch role {
	case roleRMW:
		err = rmwChild(os.Args[1:])
	case roleStream:
		err = streamChild(os.Args[1:])
	case roleVetWrap:
		os.Exit(vetWrap(os.Args[1:]))
	case roleMeasure:
		os.Exit(measureWrap(os.Args[1:]))
	default:
		err = fmt.Errorf("unknown child role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "report %s child: %v\n", role, err)
		os.Exit(1)
	}
	return true
}

func atoi(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return n, nil
}
