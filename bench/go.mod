module github.com/atomicjson/atomicjson/bench

go 1.26.0

require (
	github.com/atomicjson/atomicjson v0.0.0
	github.com/google/renameio/v2 v2.0.2
	github.com/natefinch/atomic v1.0.1
	golang.org/x/sys v0.50.0
	golang.org/x/tools v0.52.0
)

require (
	github.com/gofrs/flock v0.13.2 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
)

replace github.com/atomicjson/atomicjson => ../
