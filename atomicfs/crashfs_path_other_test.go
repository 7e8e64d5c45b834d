//go:build unix && !linux

package atomicfs

// kernelPath would be the kernel's path of the descriptor fd; without /proc it cannot be told,
// and the trace labels its entries with the names the write path gives them.
func kernelPath(int) string { return "" }
