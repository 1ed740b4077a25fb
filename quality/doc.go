// Package quality measures how good perfgate's gate is, and holds what it
// takes to measure it.
//
// A gate is only worth making required if it neither cries wolf nor misses
// a wolf. This package provides
//
//   - regression injectors that make a real Tor client measurably worse by a
//     controlled amount: a delaying, connection-capping TCP Relay to put in
//     front of the client's control and SOCKS ports (slower circuit builds
//     and streams, fewer concurrent streams), and a synthetic GeoIP file
//     (WriteGeoIP) that makes the client hold more memory;
//   - collection of runs in both modes (stored baseline, and interleaved
//     A/B on one private network with benchmark.RunAB); the adaptive
//     stopping rule it replays is check.Decide;
//   - the evaluation: Evaluate replays comparisons of collected runs through
//     check.Compare, with disjoint runs per side, and reports the
//     false-alarm rate, the detection power per metric and regression size,
//     and the time per verdict, for stored-baseline and A/B modes.
//
// Collecting runs is the expensive part (a fresh private network per run);
// replaying them is cheap. Collected runs are ordinary results files
// (results.Results) tagged with what was injected, so they can be kept and
// replayed with other settings later.
package quality
