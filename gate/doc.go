// Package gate is perfgate's gate as a Go user runs it: the benchmark
// suite against a real Tor client on fresh private Tor networks, compared
// with a stored baseline and the seed's targets (or, in interleaved A/B
// mode, a baseline client against the client under test on one network),
// with adaptive repetition while a gated metric is inconclusive.
//
// 'perfgate run' and the GitHub Action (package action, check and
// baseline mode) both call Run; so can a Go program:
//
//	base, _ := results.Load("baselines/default.json", "")
//	out, err := gate.Run(ctx, gate.Options{
//		Suite:    benchmark.RunOptions{Runs: 5, Config: benchmark.DefaultConfig()},
//		Baseline: base,
//	})
//	if err != nil { … } // a run failed: out.Report, if any, says which
//	report.WriteTerminal(os.Stdout, out.Report, false)
//	if out.Report.Regressed() { … }
//
// The stages underneath are packages of their own: benchmark runs the
// suite on a network of benchmark/torlab, results holds what it measured,
// check compares and decides (check.Adapt is the adaptive loop, the same
// one quality replays on recorded runs), and report renders the verdict.
package gate
