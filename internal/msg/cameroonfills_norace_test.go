//go:build !race

package msg

// TestCameroonPossibleSameAsLibrary tries every first cameroonHead national
// digits, each followed by all zeros, all nines and cameroonFills random
// fills, for every length: about 100,000 numbers.
const (
	cameroonHead  = 3
	cameroonFills = 8
)
