// Package quality measures how good perfgate's gate is: its false-alarm
// rate, its detection power per metric and regression size, and the wall
// time a verdict takes, in stored-baseline and interleaved A/B modes. It
// is what 'perfgate evaluate' runs; the command only reads its flags.
//
// A gate is only worth making required if it neither cries wolf nor
// misses a wolf. Measuring that takes three steps, cheap to dear in
// reverse order.
//
// # Injecting regressions
//
// An Injection makes a real Tor client measurably worse by a controlled
// amount, one kind per gated metric: a delaying TCP Relay in front of the
// client's control port (KindCircuit: slower circuit builds), a cap on its
// SOCKS connections (KindStreams: fewer concurrent streams), and a
// synthetic GeoIP file it must hold in memory (KindMemory, WriteGeoIP).
// PlanInjection and PlanInjectionSizes size them relative to the client's
// metrics as is (BaseValuesOf A/A runs); ParseInjection reads the
// command line's KIND[=SIZE],… form and calibrates it from a results file.
//
// # Collecting runs
//
// Collect runs the suite on fresh private networks, in ModeStored (every
// run on its own network, like a stored baseline against a pull request's
// runs) or ModeAB (one network a session, clients A and B alternately,
// benchmark.StartAB), and tags the results (Settings.Extra: ExtraMode,
// ExtraInjection, …) with what was injected. CollectTo writes them to a
// file after every run (atomically, benchmark.WriteResultsFile), TopUp
// collects only what a file lacks, and All collects what a directory
// lacks (A/A runs, injected runs, A/B sessions) and replays it: 'perfgate
// evaluate all'. SuiteSpec reads the suite's command-line flags into
// CollectOptions.
//
// # Replaying them
//
// Collected runs are ordinary results files, so they can be kept and
// replayed with other settings later, which is cheap. Pools groups them by
// mode and injection; Evaluate replays comparisons of disjoint runs per
// side through check.Compare, for every runs per side, allowed regression
// (Thresholds), builds per run and synthetic regression asked for, and
// replays adaptive repetition through check.Adapt, the loop the gate runs,
// on a clock moved by the runs' recorded wall times. Each line is a Cell;
// WriteTable renders them as markdown. ReplayFiles does it all for a list
// of files ('perfgate evaluate replay'); ReplaySpec reads the command
// line's comma-separated lists into EvalOptions, ParseBudget an adaptive
// budget MIN:MAX:TIME.
package quality
