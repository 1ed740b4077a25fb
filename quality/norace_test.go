//go:build !race

package quality

// raceEnabled tells a build with the race detector (see race_test.go).
const raceEnabled = false
