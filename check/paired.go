package check

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mathext"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// A ShardPair is one shard of an A/B gate: the base (A) and head (B) runs
// that one runner took, interleaved on its own private network.
type ShardPair struct {
	// Name names the shard in the report ("": "shard i", counted from 1
	// in the order given).
	Name string
	// Base and Head are the shard's two sides (benchmark.SplitAB splits
	// an interleaved session into them).
	Base, Head *results.Results
}

// MinPairedShards is the number of shards from which ComparePaired tests
// the change across runners; with fewer the allowances alone decide.
const MinPairedShards = 3

// Why a paired change has no significance test (Change.NA), besides
// NAZeroWidth (every shard's head/base ratio is the same).
const (
	NAFewShards = "fewer than 3 shards"
	NAZeroValue = "a shard's value is zero"
)

// ComparePaired compares the head of an A/B gate with its base, paired by
// runner: every shard ran both sides interleaved on its own machine, so
// each shard's head is compared with its own base, and the difference
// between runners (a faster CPU, a quieter neighbour) cancels out instead
// of counting as noise. This is the design of duet benchmarking and of
// Chromium's Pinpoint.
//
// For each metric, each shard's side has the value Compare computes for
// that shard alone (the pooled quantile of its runs' samples, or the
// median of its runs' values), and the shard's log-ratio is log(head/base).
// The change is exp(mean log-ratio) − 1; from MinPairedShards shards on its
// p-value is Student's t-test of "mean log-ratio = 0" over the K shards
// (K−1 degrees of freedom, the tail welch.go takes from gonum's mathext),
// its interval exp(mean ± t·s/√K) − 1. With one or two shards there is no
// test (Change.NA = NAFewShards) and the allowance alone decides, as for
// one value per side. A side's value in the report is the geometric mean
// of its shards' values (the median, for a signed unit), so that
// Current/Baseline − 1 is the change; a side's RunValues are every run's.
// The allowed regression is the config's for K runs per side (widened for
// few shards, Config's AllowedRegressionPctFewRuns), Holm's correction is
// over the gated metrics, and the verdict rules are Compare's; every
// change's reason says it was paired and lists the shards' ratios.
//
// The report has Compare's structure (it renders with package report):
// Baseline and Current pool the shards' sides (their run counts, every
// benchmark of the heads), EnvironmentDiff says how head differs from
// base (per shard when they differ unlike), the warnings name failed runs
// and runners whose environments differ, and Comparison reads "paired by
// runner, K shards …". Errors are Compare's: an *InputError (Side names
// the shard and its side) for an input that cannot be compared at all.
func ComparePaired(pairs []ShardPair, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if len(pairs) == 0 {
		return nil, errors.New("paired comparison: no shards")
	}
	shards, err := namedPairs(pairs)
	if err != nil {
		return nil, err
	}
	bases, heads := make([]*results.Results, len(shards)), make([]*results.Results, len(shards))
	baseNames, headNames := make([]string, len(shards)), make([]string, len(shards))
	for i, s := range shards {
		bases[i], heads[i] = s.Base, s.Head
		baseNames[i], headNames[i] = s.Name+" base", s.Name+" head"
	}
	pooledBase, baseWarnings, err := poolShards(baseNames, bases)
	if err != nil {
		return nil, err
	}
	pooledHead, headWarnings, err := poolShards(headNames, heads)
	if err != nil {
		return nil, err
	}
	for _, s := range shards {
		if s.Base.Suite != s.Head.Suite {
			return nil, &InputError{s.Name + " base", fmt.Errorf("base of suite %q cannot be compared with head of suite %q", s.Base.Suite, s.Head.Suite)}
		}
	}
	bi := sideInfo(pooledBase)
	rep := &Report{
		Schema:     SchemaVerdictV1,
		Baseline:   &bi,
		Current:    sideInfo(pooledHead),
		Confidence: cfg.Confidence,
		Resamples:  cfg.Resamples,
		Seed:       cfg.Seed,
		Samples:    newSamples(pooledBase, pooledHead),
		Instrument: results.Instrument(pooledHead.Environment),
		Comparison: fmt.Sprintf("paired by runner, %d shards: each shard's head against its own base on the same runner (%d+%d runs)",
			len(shards), len(pooledBase.Runs), len(pooledHead.Runs)),
		Paired: true,
	}
	rep.EnvironmentDiff = pairEnvironmentDiff(shards)
	for _, n := range pooledHead.Notes {
		rep.Notes = append(rep.Notes, "Current: "+n)
	}
	for _, n := range pooledBase.Notes {
		rep.Notes = append(rep.Notes, "Baseline: "+n)
	}
	rep.Notes = append(rep.Notes, "Paired by runner: a side's value is the geometric mean of its shards' values; "+
		"the change's interval and p-value are Student's t on the shards' log-ratios of head to base, not a bootstrap.")
	rep.Warnings = runnerWarnings(baseWarnings, headWarnings)
	failed := false
	for _, s := range shards {
		w, f := shardFailures(s, cfg)
		rep.Warnings = append(rep.Warnings, w...)
		failed = failed || f
	}

	cache := sampleCache{}
	var paired []pairedMetricResult
	for _, m := range results.Metrics {
		mc := cfg.Metrics[m.Key]
		pm, err := pairedMetric(m, mc, shards, cfg, cache)
		if err != nil {
			if mc.Gate {
				return nil, err
			}
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s left out: %v", m.Key, err))
			continue
		}
		if pm == nil {
			continue
		}
		if mc.Gate && len(pm.unpaired) > 0 && pm.mr.Baseline != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: the base of %s lacks it; paired over the other %s",
				m.Key, strings.Join(pm.unpaired, ", "), plural(len(pm.shards), "shard")))
		}
		paired = append(paired, *pm)
		rep.Metrics = append(rep.Metrics, pm.mr)
	}
	holm(rep.Metrics, 1-cfg.Confidence)
	for i := range rep.Metrics {
		decide(&rep.Metrics[i])
		if rep.Metrics[i].Change != nil {
			rep.Metrics[i].Reason += "; " + paired[i].why()
		}
	}
	rep.Verdict = verdictOf(rep.Metrics, failed)
	if w := pairedWeakness(rep.Metrics, len(shards), cfg); w != "" {
		rep.Warnings = append(rep.Warnings, w)
	}
	rep.Benchmarks, rep.Warnings = benchmarkRows(pooledHead, rep.Warnings, cache)
	return rep, nil
}

// namedPairs checks the pairs and gives every shard a name, unique.
func namedPairs(pairs []ShardPair) ([]ShardPair, error) {
	out := make([]ShardPair, len(pairs))
	seen := map[string]bool{}
	for i, p := range pairs {
		if p.Name == "" {
			p.Name = fmt.Sprintf("shard %d", i+1)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("paired comparison: two shards named %q", p.Name)
		}
		seen[p.Name] = true
		if p.Base == nil {
			return nil, &InputError{p.Name + " base", errors.New("no results")}
		}
		if p.Head == nil {
			return nil, &InputError{p.Name + " head", errors.New("no results")}
		}
		out[i] = p
	}
	return out, nil
}

// pairEnvironmentDiff is how head's environment differs from base's:
// the same in every shard, or per shard.
func pairEnvironmentDiff(shards []ShardPair) []string {
	names := make([]string, len(shards))
	heads := make([]*results.Results, len(shards))
	diffs := map[string]bool{}
	for i, s := range shards {
		names[i], heads[i] = s.Name, s.Head
		diffs[strings.Join(results.EnvironmentDiff(s.Base.Environment, s.Head.Environment), "; ")] = true
	}
	if len(diffs) == 1 {
		return results.EnvironmentDiff(shards[0].Base.Environment, shards[0].Head.Environment)
	}
	var out []string
	for i, s := range shards {
		if d := results.EnvironmentDiff(s.Base.Environment, s.Head.Environment); len(d) > 0 {
			out = append(out, shardTitle(names[i], heads[i].Environment)+": "+strings.Join(d, ", "))
		}
	}
	return out
}

// runnerWarnings are the pooled sides' warnings about shards that differ,
// each once, with what pairing makes of them.
func runnerWarnings(base, head []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range append(append([]string(nil), head...), base...) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w+" (paired by runner: each shard's head is compared with its own base, so a difference between runners is not counted as a change)")
		}
	}
	return out
}

// shardFailures are the warnings of a shard's failed runs and benchmarks,
// and whether they fail the check (a failed head run, or a failed head
// benchmark that a gated metric comes from), as in Compare.
func shardFailures(s ShardPair, cfg Config) (warnings []string, failed bool) {
	for _, side := range []struct {
		name string
		r    *results.Results
		head bool
	}{{"base", s.Base, false}, {"head", s.Head, true}} {
		for _, run := range side.r.Runs {
			if run.Error != "" {
				warnings = append(warnings, fmt.Sprintf("%s: %s run %d failed: %s", s.Name, side.name, run.Index, short.Line(run.Error, 201)))
				failed = failed || side.head
			}
			if !side.head {
				continue
			}
			for _, b := range run.Benchmarks {
				if b.Error != "" {
					warnings = append(warnings, fmt.Sprintf("%s: head run %d: benchmark %s failed: %s", s.Name, run.Index, b.Key, short.Line(b.Error, 201)))
					failed = failed || isGatedBench(cfg, b.Key)
				}
			}
		}
	}
	return warnings, failed
}

// verdictOf is the overall verdict of decided metrics, by Compare's rule:
// error (failed, or a gated metric in error) > regression (a gated metric
// regressed or missed its target) > pass.
func verdictOf(ms []MetricResult, failed bool) Verdict {
	v := VerdictPass
	for _, m := range ms {
		switch {
		case !m.Gated:
		case m.Status == StatusError:
			failed = true
		case m.Status == StatusRegressed || m.Status == StatusTargetMissed:
			v = VerdictRegression
		}
	}
	if failed {
		return VerdictError
	}
	return v
}

// pairedWeakness is the warning of a paired comparison over fewer shards
// than recommended, or "".
func pairedWeakness(ms []MetricResult, k int, cfg Config) string {
	if k >= cfg.RecommendedRuns {
		return ""
	}
	var widened []string
	for _, m := range ms {
		if m.Gated && m.Change != nil && m.AllowedPct > cfg.Metrics[m.Key].AllowedRegressionPct {
			widened = append(widened, m.Key)
		}
	}
	w := fmt.Sprintf("Weak comparison: %s paired by runner (%d recommended)", plural(k, "shard"), cfg.RecommendedRuns)
	if k < MinPairedShards {
		w += fmt.Sprintf(": with fewer than %d shards there is no test across runners (n/a), and the allowances alone decide", MinPairedShards)
	} else {
		w += fmt.Sprintf(": the spread of the shards' head/base ratios is measured from few shards (Student's t with %d degrees of freedom)", k-1)
	}
	if len(widened) > 0 {
		w += ", widened for so few (" + strings.Join(widened, ", ") + ")"
	}
	return w + "."
}

// A pairedMetricResult is one metric of a paired comparison, with the
// shards it was paired over and their head/base ratios.
type pairedMetricResult struct {
	mr MetricResult
	// shards are the names of the paired shards; ratios their head/base
	// values; unpaired the shards whose base lacks the metric.
	shards   []string
	ratios   []float64
	unpaired []string
}

// why says how a paired change was made, for its reason.
func (p pairedMetricResult) why() string {
	if len(p.ratios) > 8 {
		lo, hi := p.ratios[0], p.ratios[0]
		for _, r := range p.ratios {
			lo, hi = math.Min(lo, r), math.Max(hi, r)
		}
		return fmt.Sprintf("paired by runner over %d shards (head/base from %s to %s)", len(p.ratios), FormatPct(lo-1), FormatPct(hi-1))
	}
	parts := make([]string, len(p.ratios))
	for i, r := range p.ratios {
		parts[i] = p.shards[i] + " " + FormatPct(r-1)
	}
	return fmt.Sprintf("paired by runner over %s (head/base: %s)", plural(len(p.ratios), "shard"), strings.Join(parts, ", "))
}

// pairedMetric computes one metric of a paired comparison. It returns nil
// when no head has a metric that does not gate.
func pairedMetric(m results.Metric, mc MetricConfig, shards []ShardPair, cfg Config, cache sampleCache) (*pairedMetricResult, error) {
	var baseRuns, headRuns []runMetric
	var headVals, pairBase, pairHead []float64
	var missing []string
	pm := &pairedMetricResult{}
	for _, s := range shards {
		h, err := extractRuns(s.Head, m, cache)
		if err != nil {
			return nil, &InputError{s.Name + " head", err}
		}
		b, err := extractRuns(s.Base, m, cache)
		if err != nil {
			return nil, &InputError{s.Name + " base", err}
		}
		headRuns, baseRuns = append(headRuns, h...), append(baseRuns, b...)
		switch {
		case len(h) == 0:
			missing = append(missing, s.Name)
		case len(b) == 0:
			pm.unpaired = append(pm.unpaired, s.Name)
			headVals = append(headVals, newSide(h, m).value())
		default:
			hv := newSide(h, m).value()
			headVals = append(headVals, hv)
			pairBase, pairHead = append(pairBase, newSide(b, m).value()), append(pairHead, hv)
			pm.shards = append(pm.shards, s.Name)
		}
	}
	if !mc.Gate && len(headRuns) == 0 {
		return nil, nil
	}
	mr := MetricResult{Key: m.Key, Label: m.Label, Unit: m.Unit, Better: m.Better, Gated: mc.Gate,
		Target: float64(mc.Target), AllowedAbs: float64(mc.AllowedRegressionAbs), AllowedPct: mc.AllowedRegressionPct}
	if len(headRuns) == 0 || mc.Gate && len(missing) > 0 {
		mr.Status = StatusError
		mr.Reason = fmt.Sprintf("missing from the head results of %s; make the input report it, or set gate: false for %s in the config",
			strings.Join(missing, ", "), m.Key)
		pm.mr = mr
		return pm, nil
	}
	signed := m.Unit == results.UnitBytesPerStep
	mr.Current = sideValue(newSide(headRuns, m))
	mr.Current.Value = typical(headVals, signed)
	if len(pairHead) > 0 {
		mr.Current.Value = typical(pairHead, signed)
	}
	if mr.Target > 0 {
		met := mr.Current.Value < mr.Target
		if m.Better == results.HigherIsBetter {
			met = mr.Current.Value >= mr.Target
		}
		mr.TargetMet = &met
	}
	if len(pairBase) > 0 {
		mr.Baseline = sideValue(newSide(baseRuns, m))
		mr.Baseline.Value = typical(pairBase, signed)
		mr.AllowedPct = mc.allowedPct(len(pairBase), cfg.RecommendedRuns)
		// No relative change of a signed or zero quantity.
		if !signed && minOf(pairBase) > 0 {
			mr.Change = pairedChange(pairBase, pairHead, cfg.Confidence)
			for i := range pairBase {
				pm.ratios = append(pm.ratios, pairHead[i]/pairBase[i])
			}
		}
	}
	pm.mr = mr
	return pm, nil
}

// pairedChange is the change of head over base, paired (base[i] and
// head[i] are shard i's values, every base positive): exp(mean log-ratio)
// − 1, with Student's t across the shards from MinPairedShards on.
func pairedChange(base, head []float64, confidence float64) *Change {
	k := len(base)
	d := make([]float64, k)
	for i := range base {
		d[i] = math.Log(head[i] / base[i])
	}
	mean, sd := meanSD(d)
	ch := &Change{Rel: math.Expm1(mean), P: 1, Test: "none"}
	switch {
	case math.IsInf(mean, -1) || math.IsNaN(mean):
		ch.Rel, ch.NA = -1, NAZeroValue
	case k < MinPairedShards:
		ch.NA = NAFewShards
	case !(sd > 0):
		ch.NA = NAZeroWidth
	default:
		df := float64(k - 1)
		se := sd / math.Sqrt(float64(k))
		t := mean / se
		// P(|T| > |t|) for Student's t with df degrees of freedom, and the
		// two-sided quantile of the interval from its inverse.
		ch.P = mathext.RegIncBeta(df/2, 0.5, df/(df+t*t))
		x := mathext.InvRegIncBeta(df/2, 0.5, 1-confidence)
		q := math.Sqrt(df * (1 - x) / x)
		ch.Lo, ch.Hi = math.Expm1(mean-q*se), math.Expm1(mean+q*se)
		ch.Test = fmt.Sprintf("paired t on %d shards' log-ratios", k)
	}
	if ch.NA != "" {
		ch.Lo, ch.Hi = ch.Rel, ch.Rel
	}
	ch.PAdj = ch.P
	return ch
}

// meanSD returns the mean and the sample standard deviation of xs (0 for
// a single value).
func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// typical is the shards' typical value: their geometric mean (0 when one
// is zero), or for a signed unit their median.
func typical(xs []float64, signed bool) float64 {
	if signed {
		return results.Median(xs)
	}
	if !(minOf(xs) > 0) {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}
