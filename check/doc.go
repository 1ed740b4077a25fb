// Package check is perfgate's gate: it reads benchmark results, compares
// them with a stored baseline and absolute targets, decides per metric
// whether the change regressed, and renders the verdict.
//
// The pipeline, one way:
//
//	Load (native JSON, baseline, Go benchmark format, go-tor summary)
//	  → Results (runs with raw samples)
//	  → Compare (per-run values, bootstrap over runs, Holm) → Report
//	  → WriteMarkdown (WriteMarkdownLimit: within a size) / WriteTerminal / WriteJSON
//
// # Statistics
//
// The unit of replication is the run (one fresh private network), not the
// circuit. Each run yields one value per metric; a side's value is the
// q-quantile of the samples pooled over its runs (latency metrics) or the
// median of its runs' values (memory, capacity). The uncertainty of a change
// comes from a seeded bootstrap that resamples runs (and the samples within
// the run when a side has only one); from five runs per side a Mann–Whitney
// U test over the runs' values (benchmath) decides significance instead.
// Percentiles use one definition everywhere: linear
// interpolation between closest ranks (Hyndman–Fan type 7, the default of R
// and NumPy), see Quantile.
//
// A metric regresses only when its change is worse than the allowed
// regression (which widens when a side has fewer than five runs) and the
// change is significant after a Holm correction over the gated metrics.
// check/calibration_test.go replays real A/A pairs of private networks
// (testdata/loopback-noise) to hold the defaults to zero false alarms.
//
// # Inputs
//
// Load reads perfgate's results (schema perfgate/results/v1), baselines
// (perfgate/baseline/v1), Go benchmark output (ParseGoBench documents how a
// benchmark names the gated metrics) and go-tor's text summary
// (ParseGoTor). Every file is bounded by MaxInputBytes; errors are one line
// naming the file and, for text, the line.
package check
