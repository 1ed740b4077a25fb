package quality

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/check"
)

// A ReplaySpec is a replay as a command line gives it ('perfgate evaluate
// replay' and 'all'): lists are comma-separated text. Options turns it
// into EvalOptions.
type ReplaySpec struct {
	// RunsPerSide are the k to evaluate, e.g. "1,2,3".
	RunsPerSide string
	// Thresholds are the allowed regressions to sweep, each
	// P95[/RSS[/CAPACITY]] in percent (ParseThresholds), e.g. "0,10,10/5".
	Thresholds string
	// Builds are circuit builds per run to evaluate, e.g. "100,200" (""
	// as collected); Warmup the sequential builds left out first.
	Builds string
	Warmup int
	// Synthetic are sizes of synthetic regressions, e.g. "0.1,0.2,0.5".
	Synthetic string
	// Adaptive is a budget MIN:MAX:TIME (ParseBudget), "" for none.
	Adaptive string
	// MaxPairs bounds the comparisons per line.
	MaxPairs int
	// ConfigFile is the gate's YAML config ("" the defaults); Resamples
	// (0: the config's) and Test ("" the config's) override it.
	ConfigFile string
	Resamples  int
	Test       string
}

// Options returns the evaluation the spec asks for (seeded with 1). Its
// errors name the flags (--runs-per-side, --thresholds, …) at fault.
func (s ReplaySpec) Options() (EvalOptions, error) {
	o := EvalOptions{MaxPairs: s.MaxPairs, Seed: 1, Warmup: s.Warmup}
	var err error
	if o.RunsPerSide, err = wholes(s.RunsPerSide); err != nil {
		return o, fmt.Errorf("--runs-per-side: %w", err)
	}
	for _, f := range strings.Split(s.Thresholds, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		th, err := ParseThresholds(f)
		if err != nil {
			return o, fmt.Errorf("--thresholds: %w", err)
		}
		o.Thresholds = append(o.Thresholds, th)
	}
	if o.Builds, err = wholes(s.Builds); err != nil {
		return o, fmt.Errorf("--builds: %w", err)
	}
	if s.Warmup < 0 {
		return o, fmt.Errorf("--warmup %d: want 0 or more", s.Warmup)
	}
	if o.Synthetic, err = floats(s.Synthetic); err != nil {
		return o, fmt.Errorf("--synthetic: %w", err)
	}
	for _, v := range o.Synthetic {
		if v <= 0 || v >= 1 {
			return o, fmt.Errorf("--synthetic: %v: want a size between 0 and 1", v)
		}
	}
	if s.Adaptive != "" {
		b, err := ParseBudget(s.Adaptive)
		if err != nil {
			return o, fmt.Errorf("--adaptive: %w", err)
		}
		o.Adaptive = &b
	}
	cfg := check.DefaultConfig()
	if s.ConfigFile != "" {
		if cfg, err = check.LoadConfig(s.ConfigFile); err != nil {
			return o, fmt.Errorf("--config: %w", err)
		}
	}
	if s.Resamples > 0 {
		cfg.Resamples = s.Resamples
	}
	if s.Test != "" {
		cfg.Test = s.Test
		if err := cfg.Validate(); err != nil {
			return o, fmt.Errorf("--test: %w", err)
		}
	}
	o.Config = &cfg
	return o, nil
}

// ParseBudget reads an adaptive budget MIN:MAX:TIME, e.g. 2:5:4m: from
// MIN to MAX runs of the current side, one more a round, within TIME.
func ParseBudget(s string) (check.Budget, error) {
	f := strings.Split(s, ":")
	if len(f) != 3 {
		return check.Budget{}, fmt.Errorf("%q: want MIN:MAX:TIME, e.g. 2:5:4m", s)
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	d, err3 := time.ParseDuration(f[2])
	if err1 != nil || err2 != nil || err3 != nil || lo < 1 || hi < lo || d <= 0 {
		return check.Budget{}, fmt.Errorf("%q: want MIN:MAX:TIME with 1 ≤ MIN ≤ MAX and a positive duration, e.g. 2:5:4m", s)
	}
	return check.Budget{MinRuns: lo, MaxRuns: hi, Step: 1, Time: d}, nil
}

// floats reads comma-separated numbers; empty fields are skipped.
func floats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// wholes reads comma-separated positive whole numbers.
func wholes(s string) ([]int, error) {
	vs, err := floats(s)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, v := range vs {
		if v < 1 || v != float64(int(v)) {
			return nil, fmt.Errorf("%v is not a positive whole number", v)
		}
		out = append(out, int(v))
	}
	return out, nil
}

// Register declares the replay's flags of 'perfgate evaluate replay' and
// 'all' on fs, filling r.
func (r *ReplaySpec) Register(fs *flag.FlagSet) {
	fs.StringVar(&r.RunsPerSide, "runs-per-side", "1,2,3", "runs per side to evaluate (comma-separated)")
	fs.StringVar(&r.Thresholds, "thresholds", "0", "allowed regressions to sweep, comma-separated, each P95[/RSS[/CAPACITY]] in percent for every runs-per-side, e.g. 0,10,10/5 (0: the config's defaults, widened for few runs)")
	fs.StringVar(&r.Builds, "builds", "", "circuit builds per run to evaluate, comma-separated (e.g. 100,200,400): runs collected with more builds are cut to their first N (default: as collected)")
	fs.IntVar(&r.Warmup, "warmup", 0, "leave out the first N sequential circuit builds of every run (as a suite with N warm-up builds would), before --builds")
	fs.StringVar(&r.Synthetic, "synthetic", "", "also inject regressions of these sizes by rewriting A/A samples (e.g. 0.1,0.2,0.5)")
	fs.IntVar(&r.MaxPairs, "pairs", 200, "at most this many comparisons per line (more possible pairs are sampled, seeded)")
	fs.IntVar(&r.Resamples, "resamples", 0, "bootstrap resamples per comparison (0: the config's)")
	fs.StringVar(&r.ConfigFile, "config", "", "the gate's YAML config `FILE` (default: the defaults)")
	fs.StringVar(&r.Test, "test", "", "significance test over the runs' values: welch or rank (default: the config's)")
	fs.StringVar(&r.Adaptive, "adaptive", "", "also replay adaptive repetition in stored mode: `MIN:MAX:TIME` runs of the current side (e.g. 2:5:4m), more taken while an interval straddles its threshold")
}
