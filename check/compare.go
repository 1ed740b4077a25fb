package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// An InputError is an unusable input of a comparison. Side is "baseline"
// or "current"; commands replace it with the file's name.
type InputError struct {
	Side string
	Err  error
}

func (e *InputError) Error() string { return e.Side + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// Compare compares current with baseline (nil: no baseline) under cfg and
// returns the report. It returns an error (an *InputError) only when an
// input cannot be compared at all: results of another suite, or an
// implausible value (NaN, negative, absurd) in a gated metric. A gated
// metric missing from the current results, or a failed benchmark, gives a
// report whose verdict is VerdictError.
func Compare(baseline, current *results.Results, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if current == nil {
		return nil, &InputError{"current", errors.New("no results")}
	}
	if err := current.Validate(); err != nil {
		return nil, &InputError{"current", err}
	}
	if baseline != nil {
		if err := baseline.Validate(); err != nil {
			return nil, &InputError{"baseline", err}
		}
		if baseline.Suite != current.Suite {
			return nil, &InputError{"baseline", fmt.Errorf("baseline of suite %q cannot be compared with results of suite %q: make a new baseline with 'perfgate baseline'", baseline.Suite, current.Suite)}
		}
	}
	rep := &Report{
		Schema:     SchemaVerdictV1,
		Current:    sideInfo(current),
		Confidence: cfg.Confidence,
		Resamples:  cfg.Resamples,
		Seed:       cfg.Seed,
		Samples:    newSamples(baseline, current),
		Instrument: results.Instrument(current.Environment),
	}
	if baseline != nil {
		bi := sideInfo(baseline)
		rep.Baseline = &bi
		rep.EnvironmentDiff = results.EnvironmentDiff(baseline.Environment, current.Environment)
	}
	for _, n := range current.Notes {
		rep.Notes = append(rep.Notes, "Current: "+n)
	}
	if baseline != nil {
		for _, n := range baseline.Notes {
			rep.Notes = append(rep.Notes, "Baseline: "+n)
		}
	}
	if baseline != nil {
		for _, run := range baseline.Runs {
			if run.Error != "" {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("baseline run %d failed: %s", run.Index, short.Line(run.Error, 201)))
			}
		}
	}
	failed := false
	for _, run := range current.Runs {
		if run.Error != "" {
			failed = true
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("current run %d failed: %s", run.Index, short.Line(run.Error, 201)))
		}
		for _, b := range run.Benchmarks {
			if b.Error != "" {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("current run %d: benchmark %s failed: %s", run.Index, b.Key, short.Line(b.Error, 201)))
				if isGatedBench(cfg, b.Key) {
					failed = true
				}
			}
		}
	}

	weak := map[int]bool{}
	var widened []string // gated metrics whose allowance few runs widened
	cache := sampleCache{}
	for _, m := range results.Metrics {
		mc := cfg.Metrics[m.Key]
		mr, err := compareMetric(m, mc, baseline, current, cfg, cache)
		if err != nil {
			if mc.Gate {
				return nil, err
			}
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s left out: %v", m.Key, err))
			continue
		}
		if mr == nil {
			continue
		}
		if mr.Gated && mr.Baseline != nil && mr.Current != nil {
			if n := min(mr.Baseline.Runs, mr.Current.Runs); n < cfg.RecommendedRuns {
				weak[n] = true
				if mr.AllowedPct > cfg.Metrics[mr.Key].AllowedRegressionPct {
					widened = append(widened, mr.Key)
				}
			}
		}
		rep.Metrics = append(rep.Metrics, *mr)
	}
	holm(rep.Metrics, 1-cfg.Confidence)
	for i := range rep.Metrics {
		decide(&rep.Metrics[i])
	}
	rep.Verdict = VerdictPass
	for _, m := range rep.Metrics {
		if !m.Gated {
			continue
		}
		switch m.Status {
		case StatusError:
			failed = true
		case StatusRegressed, StatusTargetMissed:
			if rep.Verdict == VerdictPass {
				rep.Verdict = VerdictRegression
			}
		}
	}
	if failed {
		rep.Verdict = VerdictError
	}
	if len(weak) > 0 {
		ns := make([]int, 0, len(weak))
		for n := range weak {
			ns = append(ns, n)
		}
		sort.Ints(ns)
		n := ns[0]
		w := fmt.Sprintf("Weak comparison: %d run(s) on the smaller side (%d recommended)", n, cfg.RecommendedRuns)
		if len(widened) > 0 {
			w += ", so the allowed regressions are widened (" + strings.Join(widened, ", ") + ")"
		} else {
			w += ": the noise between networks is measured from few runs"
		}
		if n == 1 {
			w += "; with one run per side the noise between networks cannot be measured, and the interval reflects only the samples within each run" +
				" (a metric with one value per side has no test at all: n/a, and its allowance alone decides)"
		}
		rep.Warnings = append(rep.Warnings, w+".")
	}
	if baseline == nil {
		rep.Notes = append(rep.Notes, "No baseline: the metrics were checked against their absolute targets only.")
	}
	rep.Benchmarks, rep.Warnings = benchmarkRows(current, rep.Warnings, cache)
	return rep, nil
}

func isGatedBench(cfg Config, key string) bool {
	for _, m := range results.Metrics {
		if m.Bench == key && cfg.Metrics[m.Key].Gate {
			return true
		}
	}
	return false
}

func sideInfo(r *results.Results) SideInfo {
	si := SideInfo{Suite: r.Suite, Source: r.Source, Runs: len(r.Runs), Environment: r.Environment}
	if !r.CreatedAt.IsZero() {
		t := r.CreatedAt
		si.CreatedAt = &t
	}
	return si
}
