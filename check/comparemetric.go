package check

import (
	"fmt"
	"hash/fnv"
	"math"

	"github.com/perfgate/perfgate/results"
	"golang.org/x/perf/benchmath"
)

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
