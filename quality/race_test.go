//go:build race

package quality

// raceEnabled tells a build with the race detector, under which the
// simulations take fewer trials: it is about ten times slower.
const raceEnabled = true
