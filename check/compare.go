package check

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
	"golang.org/x/perf/benchmath"
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

// compareMetric computes one metric on both sides. It returns nil when
// neither side has a metric that does not gate.
func compareMetric(m results.Metric, mc MetricConfig, baseline, current *results.Results, cfg Config, cache sampleCache) (*MetricResult, error) {
	cur, err := extractRuns(current, m, cache)
	if err != nil {
		return nil, &InputError{"current", err}
	}
	var base []runMetric
	if baseline != nil {
		if base, err = extractRuns(baseline, m, cache); err != nil {
			return nil, &InputError{"baseline", err}
		}
	}
	if !mc.Gate && len(cur) == 0 {
		return nil, nil
	}
	mr := &MetricResult{Key: m.Key, Label: m.Label, Unit: m.Unit, Better: m.Better, Gated: mc.Gate,
		Target: float64(mc.Target), AllowedAbs: float64(mc.AllowedRegressionAbs), AllowedPct: mc.AllowedRegressionPct}
	if len(cur) == 0 {
		mr.Status = StatusError
		mr.Reason = fmt.Sprintf("missing from the current results (%s); make the input report it, or set gate: false for %s in the config", sourceName(current), m.Key)
		return mr, nil
	}
	cs := newSide(cur, m)
	mr.Current = sideValue(cs)
	if mr.Target > 0 {
		met := mr.Current.Value < mr.Target
		if m.Better == results.HigherIsBetter {
			met = mr.Current.Value >= mr.Target
		}
		mr.TargetMet = &met
	}
	if len(base) == 0 {
		return mr, nil
	}
	bs := newSide(base, m)
	mr.Baseline = sideValue(bs)
	n := min(len(base), len(cur))
	mr.AllowedPct = mc.allowedPct(n, cfg.RecommendedRuns)
	if mr.Baseline.Value <= 0 || m.Unit == results.UnitBytesPerStep {
		// No relative change of a zero or signed quantity.
		return mr, nil
	}
	resamples := cfg.Resamples
	if !mc.Gate {
		// Reported metrics decide nothing: a coarser interval will do.
		resamples = max(200, resamples/4)
	}
	br := bootstrap(bs, cs, m.Better, resamples, cfg.Confidence, cfg.Seed^keySeed(m.Key))
	ch := &Change{Rel: mr.Current.Value/mr.Baseline.Value - 1, Lo: br.lo, Hi: br.hi, P: br.p, Test: "bootstrap over runs"}
	if math.IsNaN(ch.Lo) {
		ch.Lo, ch.Hi = ch.Rel, ch.Rel
	}
	if cfg.Test == TestWelch {
		if p, ok := welchLogP(mr.Baseline.RunValues, mr.Current.RunValues); ok {
			ch.P, ch.Test = p, "Welch's t on the logs of the runs' values"
		}
	} else if len(base) >= cfg.MinRunsForRankTest && len(cur) >= cfg.MinRunsForRankTest {
		th := benchmath.DefaultThresholds
		th.CompareAlpha = 1 - cfg.Confidence
		c := benchmath.AssumeNothing.Compare(benchmath.NewSample(mr.Baseline.RunValues, &th), benchmath.NewSample(mr.Current.RunValues, &th))
		ch.P = c.P
		ch.Test = "Mann–Whitney U over runs"
	}
	if na := noiseUnknown(bs, cs, ch); na != "" {
		ch.Lo, ch.Hi, ch.P, ch.NA, ch.Test = ch.Rel, ch.Rel, 1, na, "none"
	}
	ch.PAdj = ch.P
	mr.Change = ch
	return mr, nil
}

// Why a change has no significance test (Change.NA).
const (
	NAOneValue  = "one value per side"
	NAZeroWidth = "zero-width interval"
)

// noiseUnknown says why the noise of a change cannot be measured, or ""
// when it can: each side is a single value (one run, and no samples
// within it to resample), or the interval has no width (every resample
// gave the same change: the runs' values do not vary).
func noiseUnknown(base, cur *side, ch *Change) string {
	single := func(s *side) bool { return len(s.runs) == 1 && len(s.runs[0].samples) <= 1 }
	switch {
	case single(base) && single(cur):
		return NAOneValue
	case !(ch.Hi > ch.Lo):
		return NAZeroWidth
	}
	return ""
}

func sourceName(r *results.Results) string {
	if r.Source != "" {
		return r.Source
	}
	return r.Suite
}

func keySeed(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

func sideValue(s *side) *SideValue {
	sv := &SideValue{Value: s.value(), Runs: len(s.runs), Samples: s.samples()}
	ranged := false
	for _, r := range s.runs {
		sv.RunValues = append(sv.RunValues, r.value)
		sv.RunLo, sv.RunHi = append(sv.RunLo, r.lo), append(sv.RunHi, r.hi)
		ranged = ranged || r.lo != r.value || r.hi != r.value
	}
	if !ranged {
		sv.RunLo, sv.RunHi = nil, nil
	}
	return sv
}

// holm adjusts the p-values of the gated metrics with a change for
// multiple comparisons (Holm–Bonferroni) and marks them significant at
// alpha. Metrics that do not gate keep their raw p-value; a change
// without a test (NA) is never significant and is not one of the family.
func holm(ms []MetricResult, alpha float64) {
	var idx []int
	for i := range ms {
		if ms[i].Change == nil {
			continue
		}
		if ms[i].Change.NA != "" {
			ms[i].Change.PAdj, ms[i].Change.Significant = ms[i].Change.P, false
			continue
		}
		if !ms[i].Gated {
			ms[i].Change.PAdj = ms[i].Change.P
			ms[i].Change.Significant = ms[i].Change.P < alpha
			continue
		}
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return ms[idx[a]].Change.P < ms[idx[b]].Change.P })
	m := len(idx)
	run := 0.0
	for r, i := range idx {
		adj := math.Min(1, float64(m-r)*ms[i].Change.P)
		run = math.Max(run, adj)
		ms[i].Change.PAdj = run
		ms[i].Change.Significant = run < alpha
	}
}

// decide sets a metric's status and reason from its values, change and
// target.
func decide(m *MetricResult) {
	if m.Status == StatusError {
		return
	}
	var regressed, improved bool
	var why string
	if m.Change != nil {
		worse := m.Change.Rel
		absWorse := m.Current.Value - m.Baseline.Value
		if m.Better == results.HigherIsBetter {
			worse, absWorse = -worse, -absWorse
		}
		beyond := func(w, a float64) bool {
			return w > m.AllowedPct/100 && (m.AllowedAbs == 0 || a > m.AllowedAbs)
		}
		// Without a test (the noise cannot be measured), the allowance
		// alone decides.
		na := m.Change.NA
		switch {
		case na != "" && beyond(worse, absWorse):
			regressed = true
			why = fmt.Sprintf("%s worse than the baseline, beyond the allowed %s %%; the noise cannot be measured (n/a: %s), so the allowance alone decides", fmtPctAbs(worse), FormatFloat(m.AllowedPct, 1), na)
		case na != "" && beyond(-worse, -absWorse):
			improved = true
			why = fmt.Sprintf("%s better than the baseline, beyond the allowed %s %%; the noise cannot be measured (n/a: %s), so the allowance alone decides", fmtPctAbs(-worse), FormatFloat(m.AllowedPct, 1), na)
		case na != "":
			why = fmt.Sprintf("within the allowed %s %% (no significance test, n/a: %s)", FormatFloat(m.AllowedPct, 1), na)
		case beyond(worse, absWorse) && m.Change.Significant:
			regressed = true
			why = fmt.Sprintf("%s worse than the baseline, beyond the allowed %s %% and the noise (%s)", fmtPctAbs(worse), FormatFloat(m.AllowedPct, 1), FormatP(m.Change.PAdj))
		case beyond(worse, absWorse):
			why = fmt.Sprintf("%s worse, beyond the allowed %s %% but within the noise of the runs (%s)", fmtPctAbs(worse), FormatFloat(m.AllowedPct, 1), FormatP(m.Change.PAdj))
		case beyond(-worse, -absWorse) && m.Change.Significant:
			improved = true
			why = fmt.Sprintf("%s better than the baseline (%s)", fmtPctAbs(-worse), FormatP(m.Change.PAdj))
		default:
			why = fmt.Sprintf("within the allowed %s %%", FormatFloat(m.AllowedPct, 1))
		}
	}
	targetMissed := m.TargetMet != nil && !*m.TargetMet
	switch {
	case targetMissed:
		m.Status = StatusTargetMissed
		t := fmt.Sprintf("%s misses the target %s %s", FormatValue(m.Current.Value, m.Unit), m.TargetOp(), FormatValue(m.Target, m.Unit))
		if why != "" {
			t += "; " + why
		}
		m.Reason = t
	case m.Baseline == nil:
		m.Status = StatusNoBaseline
		m.Reason = "no baseline value to compare with"
		if m.TargetMet != nil {
			m.Reason += "; meets its target"
		}
	case regressed:
		m.Status, m.Reason = StatusRegressed, why
	case improved:
		m.Status, m.Reason = StatusImproved, why
	default:
		m.Status = StatusPass
		m.Reason = why
		if m.Change == nil {
			m.Reason = "no relative change (zero or signed baseline)"
		}
	}
}

func fmtPctAbs(f float64) string {
	return strings.TrimPrefix(FormatFloat(math.Abs(f)*100, 1), "-") + " %"
}

// benchmarkRows summarises every benchmark of r, flagging implausible
// additional metrics (left out) in the warnings.
func benchmarkRows(r *results.Results, warnings []string, cache sampleCache) ([]BenchmarkRow, []string) {
	var order []string
	byKey := map[string][]*results.Benchmark{}
	for i := range r.Runs {
		for j := range r.Runs[i].Benchmarks {
			b := &r.Runs[i].Benchmarks[j]
			if _, ok := byKey[b.Key]; !ok {
				order = append(order, b.Key)
			}
			byKey[b.Key] = append(byKey[b.Key], b)
		}
	}
	rows := make([]BenchmarkRow, 0, len(order))
	flagged := map[string]bool{}
	for _, k := range order {
		bs := byKey[k]
		row := BenchmarkRow{Key: k, Name: bs[0].Name, Runs: len(bs)}
		var lats [][]float64
		var ops, mem, p50, p95, p99, mx []float64
		extra := map[string][]float64{}
		for _, b := range bs {
			if b.Success && b.Error == "" {
				row.Succeeded++
			}
			if b.Error != "" {
				row.Errors = append(row.Errors, short.Line(b.Error, 201))
			}
			row.Operations += b.TotalOperations
			row.Failures += b.Failures
			ops = append(ops, b.OperationsPerSec)
			mem = append(mem, float64(b.MemoryInUse))
			if sorted, ok := cache[sampleKey{b, "lat"}]; ok {
				lats = append(lats, sorted)
			} else if len(b.LatenciesS) > 0 {
				var l []float64
				for _, v := range b.LatenciesS {
					if results.Plausible(results.UnitSeconds, v) {
						l = append(l, v)
					}
				}
				sort.Float64s(l)
				lats = append(lats, l)
			}
			p50, p95, p99, mx = append(p50, b.P50S), append(p95, b.P95S), append(p99, b.P99S), append(mx, b.MaxS)
			for ek, ev := range b.Metrics {
				if !results.PlausibleExtra(ek, ev) {
					id := k + "." + ek
					if !flagged[id] {
						flagged[id] = true
						shown := fmtFloat(ev)
						if u := results.UnitOfExtra(ek); u != "" && !math.IsNaN(ev) && !math.IsInf(ev, 0) {
							shown = FormatValue(ev, u)
						}
						warnings = append(warnings, fmt.Sprintf("%s: %s = %s is implausible (a measurement bug such as an unsigned underflow); left out", k, ek, shown))
					}
					continue
				}
				extra[ek] = append(extra[ek], ev)
			}
		}
		lat := mergeSorted(lats)
		row.Samples = len(lat)
		if len(lat) > 0 {
			row.P50S, row.P95S, row.P99S, row.MaxS = results.Quantile(lat, 0.5), results.Quantile(lat, 0.95), results.Quantile(lat, 0.99), lat[len(lat)-1]
		} else {
			row.P50S, row.P95S, row.P99S, row.MaxS = results.Median(p50), results.Median(p95), results.Median(p99), results.Median(mx)
		}
		row.OpsPerSec, row.MemoryInUse = results.Median(ops), results.Median(mem)
		if len(extra) > 0 {
			row.Extra = map[string]float64{}
			for ek, ev := range extra {
				row.Extra[ek] = results.Median(ev)
			}
		}
		rows = append(rows, row)
	}
	return rows, warnings
}
