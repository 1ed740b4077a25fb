// Package check is perfgate's gate: it reads benchmark results, compares
// them with a stored baseline and absolute targets, decides per metric
// whether the change regressed, and renders the verdict.
//
// The pipeline, one way:
//
//	Load (native JSON, baseline, Go benchmark format, go-tor summary)
//	  → Results (runs with raw samples)
//	  → Compare (per-run values, bootstrap over runs, Holm) → Report
//	  → WriteMarkdown / WriteTerminal / WriteJSON
//
// # Statistics
//
// The unit of replication is the run (one fresh private network), not the
// circuit. Each run yields one value per metric; a side's value is the
// q-quantile of the samples pooled over its runs (latency metrics) or the
// median of its runs' values (memory, capacity). The uncertainty of a change
// comes from a seeded bootstrap that resamples runs, then samples within
// the chosen runs. Percentiles use one definition everywhere: linear
// interpolation between closest ranks (Hyndman–Fan type 7, the default of R
// and NumPy), see Quantile.
//
// A metric regresses only when its change is worse than the allowed
// regression (which widens when a side has fewer than three runs) and the
// change is significant after a Holm correction over the gated metrics.
package check
