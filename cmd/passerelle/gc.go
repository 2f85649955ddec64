package main

import "runtime/debug"

// defaultGCPercent is the garbage collector's target (GOGC) when the
// environment sets none: a gateway's live heap is small (about 8 MB) and
// a hop allocates a few kilobytes, so at Go's default of 100 the collector
// runs about ten times a second under load, about 5 % of the gateway's CPU
// (docs/performance.md). At 400 it runs a quarter as often for a heap of
// about 40 MB; GOMEMLIMIT (set in deploy/) still bounds memory, making the
// collector run sooner when the heap nears the limit.
const defaultGCPercent = 400

// tuneGC applies defaultGCPercent unless GOGC is set.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
