// Package bench measures Liaison against the figures its operators are
// promised: it generates the reference load (or a fraction of it) in the
// sandbox's in-process fakes and a scratch store, runs the daemon's own
// code against it, and reports each figure next to its goal. `liaison
// bench` prints the report; the package's Go benchmarks time the pieces.
package bench
