//go:build race

package msg

// TestCameroonPossibleSameAsLibrary tries fewer numbers under the race
// detector, which makes the library ten times slower and has nothing to
// find in a comparison of decisions: every first two national digits, each
// followed by all zeros, all nines and two random fills, for every length,
// about 4,500 numbers.
const (
	cameroonHead  = 2
	cameroonFills = 2
)
