package changepoint

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// noisy returns n points level(i)·(1 + cv·N(0,1)), drawn from a PCG seeded
// with seed.
func noisy(seed uint64, n int, cv float64, level func(i int) float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x6e6f697379))
	out := make([]float64, n)
	for i := range out {
		out[i] = level(i) * (1 + cv*rng.NormFloat64())
		if out[i] <= 0 { // not reached for cv ≤ 10 %, but keep the input valid
			out[i] = level(i) * 1e-3
		}
	}
	return out
}

// steps returns a level function that is 100 before the first index of at,
// and 100·factors[k] from at[k] on.
func steps(at []int, factors []float64) func(int) float64 {
	return func(i int) float64 {
		level := 100.0
		for k, a := range at {
			if i >= a {
				level = 100 * factors[k]
			}
		}
		return level
	}
}

func indexes(cps []ChangePoint) []int {
	var out []int
	for _, c := range cps {
		out = append(out, c.Index)
	}
	return out
}

func TestDetect(t *testing.T) {
	flat := func(int) float64 { return 100 }
	for _, c := range []struct {
		name       string
		series     []float64
		boundaries []int
		opt        Options
		want       []int // expected indexes, each ±tol
		tol        int
	}{
		{name: "white noise", series: noisy(1, 60, 0.05, flat)},
		{name: "constant", series: noisy(1, 30, 0, flat)},
		{name: "20% step up at 30 of 40", series: noisy(2, 40, 0.05, steps([]int{30}, []float64{1.2})), want: []int{30}, tol: 1},
		{name: "20% step down at 30 of 40", series: noisy(3, 40, 0.05, steps([]int{30}, []float64{0.8})), want: []int{30}, tol: 1},
		{name: "20% step at 10 of 100", series: noisy(4, 100, 0.05, steps([]int{10}, []float64{1.2})), want: []int{10}, tol: 1},
		{name: "20% step at 95 of 100", series: noisy(5, 100, 0.05, steps([]int{95}, []float64{1.2})), want: []int{95}, tol: 1},
		{name: "step 5 from the end with MinSize 5", series: noisy(6, 40, 0.02, steps([]int{35}, []float64{1.3})), want: []int{35}},
		{name: "step 4 from the end is seen at n-MinSize", series: noisy(6, 40, 0.02, steps([]int{36}, []float64{1.3})), want: []int{35}},
		{name: "step 2 from the end is not yet seen", series: noisy(6, 40, 0.02, steps([]int{38}, []float64{1.3}))},
		{name: "two steps", series: noisy(7, 90, 0.05, steps([]int{30, 60}, []float64{1.2, 0.9})), want: []int{30, 60}, tol: 1},
		{name: "three steps", series: noisy(8, 120, 0.03, steps([]int{25, 60, 90}, []float64{1.15, 0.95, 1.25})), want: []int{25, 60, 90}, tol: 1},
		{name: "step at a forced boundary", series: noisy(9, 60, 0.05, steps([]int{30}, []float64{1.5})), boundaries: []int{30}},
		{name: "step at one of several boundaries", series: noisy(10, 60, 0.05, steps([]int{20}, []float64{1.5})), boundaries: []int{40, 20, 20, 0, 60}},
		{name: "step between boundaries", series: noisy(11, 80, 0.05, steps([]int{40}, []float64{1.25})), boundaries: []int{20, 60}, want: []int{40}, tol: 1},
		{name: "step in a segment shorter than 2*MinSize", series: noisy(12, 60, 0.01, steps([]int{34}, []float64{1.5})), boundaries: []int{30, 39}},
		{name: "short series", series: noisy(13, 9, 0.01, steps([]int{5}, []float64{2}))},
		{name: "short series, MinSize 3", series: noisy(14, 9, 0.01, steps([]int{4}, []float64{2})), opt: Options{MinSize: 3, Alpha: 0.05}, want: []int{4}},
		{name: "empty series", series: nil},
		{name: "2% step is below MinEffect", series: noisy(15, 60, 0.003, steps([]int{30}, []float64{1.02}))},
		{name: "2% step without MinEffect", series: noisy(15, 60, 0.003, steps([]int{30}, []float64{1.02})), opt: Options{MinEffect: -1}, want: []int{30}, tol: 1},
		{name: "2% step with MinEffect 1%", series: noisy(15, 60, 0.003, steps([]int{30}, []float64{1.02})), opt: Options{MinEffect: 0.01}, want: []int{30}, tol: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Detect(c.series, c.boundaries, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			gi := indexes(got)
			if len(gi) != len(c.want) {
				t.Fatalf("change points at %v, want %v (±%d): %+v", gi, c.want, c.tol, got)
			}
			for k := range gi {
				if d := gi[k] - c.want[k]; d < -c.tol || d > c.tol {
					t.Fatalf("change points at %v, want %v (±%d): %+v", gi, c.want, c.tol, got)
				}
				if slices.Contains(c.boundaries, gi[k]) {
					t.Fatalf("boundary %d reported", gi[k])
				}
			}
		})
	}
}

func TestDetectFields(t *testing.T) {
	// An exact step: 10 points at 100, 10 at 125, with a little jitter.
	var series []float64
	for i := range 20 {
		v := 100.0
		if i >= 10 {
			v = 125
		}
		series = append(series, v+float64(i%3)-1)
	}
	got, err := Detect(series, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []ChangePoint{{Index: 10, Before: 100, After: 125, RelChange: 0.25, P: 1.0 / 200}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestDetectInvalid(t *testing.T) {
	good := noisy(1, 20, 0.05, func(int) float64 { return 1 })
	with := func(i int, v float64) []float64 {
		s := slices.Clone(good)
		s[i] = v
		return s
	}
	for _, c := range []struct {
		name       string
		series     []float64
		boundaries []int
		opt        Options
		want       string
	}{
		{"NaN", with(3, math.NaN()), nil, Options{}, "series[3] = NaN"},
		{"+Inf", with(4, math.Inf(1)), nil, Options{}, "series[4] = +Inf"},
		{"-Inf", with(5, math.Inf(-1)), nil, Options{}, "series[5] = -Inf"},
		{"zero", with(0, 0), nil, Options{}, "series[0] = 0"},
		{"negative", with(19, -2), nil, Options{}, "series[19] = -2"},
		{"boundary below 0", good, []int{5, -1}, Options{}, "boundaries[1] = -1"},
		{"boundary past the end", good, []int{21}, Options{}, "boundaries[0] = 21: not in [0, 20]"},
		{"MinSize 1", good, nil, Options{MinSize: 1}, "MinSize = 1"},
		{"MinSize negative", good, nil, Options{MinSize: -3}, "MinSize = -3"},
		{"Alpha 1", good, nil, Options{Alpha: 1}, "Alpha = 1"},
		{"Alpha negative", good, nil, Options{Alpha: -0.1}, "Alpha = -0.1"},
		{"Alpha NaN", good, nil, Options{Alpha: math.NaN()}, "Alpha = NaN"},
		{"Permutations negative", good, nil, Options{Permutations: -1}, "Permutations = -1"},
		{"Permutations too few", good, nil, Options{Permutations: 50}, "Permutations = 50 too few for Alpha = 0.01"},
		{"MinEffect NaN", good, nil, Options{MinEffect: math.NaN()}, "MinEffect = NaN"},
		{"MinEffect Inf", good, nil, Options{MinEffect: math.Inf(1)}, "MinEffect = +Inf"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Detect(c.series, c.boundaries, c.opt)
			if err == nil {
				t.Fatalf("no error; result %+v", got)
			}
			if !strings.HasPrefix(err.Error(), "changepoint: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want it to contain %q", err, c.want)
			}
			if got != nil {
				t.Fatalf("result %+v with the error", got)
			}
		})
	}
}

func TestDetectDeterministic(t *testing.T) {
	series := noisy(21, 120, 0.05, steps([]int{40, 80}, []float64{1.1, 1.0}))
	orig := slices.Clone(series)
	boundaries := []int{100, 60}
	for _, seed := range []uint64{0, 1, 99} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			opt := Options{Seed: seed}
			first, err := Detect(series, boundaries, opt)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				again, err := Detect(series, boundaries, opt)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(first, again) {
					t.Fatalf("two runs differ:\n%+v\n%+v", first, again)
				}
			}
			if !slices.Equal(series, orig) || !slices.Equal(boundaries, []int{100, 60}) {
				t.Fatal("Detect changed its input")
			}
		})
	}
}

// rates counts what Detect found on a batch of generated series.
type rates struct {
	trials int
	alarms int    // series with at least one change point
	one    int    // series with exactly one change point, within ±1 of the step
	extra  int    // series with more than one change point
	near   [4]int // series with a change point whose distance to the step is 0, 1, 2–3, > 3 (the nearest one)
}

func (r rates) String() string {
	pct := func(k int) float64 { return 100 * float64(k) / float64(r.trials) }
	return fmt.Sprintf("any change %.1f %%, exactly one at ±1 %.1f %%, more than one %.1f %%; nearest index off by 0: %.1f %%, 1: %.1f %%, 2-3: %.1f %%, >3: %.1f %% (of %d series)",
		pct(r.alarms), pct(r.one), pct(r.extra), pct(r.near[0]), pct(r.near[1]), pct(r.near[2]), pct(r.near[3]), r.trials)
}

// measure runs Detect on trials series gen(seed), with opt.Seed = seed,
// and counts the results against a step at want (want < 0: no step).
func measure(t testing.TB, trials int, opt Options, want int, gen func(seed uint64) []float64) rates {
	r := rates{trials: trials}
	for seed := range uint64(trials) {
		opt.Seed = seed
		cps, err := Detect(gen(seed), nil, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(cps) == 0 {
			continue
		}
		r.alarms++
		if len(cps) > 1 {
			r.extra++
		}
		if want < 0 {
			continue
		}
		d := math.MaxInt
		for _, c := range cps {
			d = min(d, max(c.Index-want, want-c.Index))
		}
		switch {
		case d <= 1:
			r.near[d]++
			if len(cps) == 1 {
				r.one++
			}
		case d <= 3:
			r.near[2]++
		default:
			r.near[3]++
		}
	}
	return r
}

var trialsFlag = flag.Int("trials", 0, "series per case in TestOperatingCharacteristics (0: 300, 150 with -short); set, it adds n=500")

// TestOperatingCharacteristics measures the false-alarm rate on white noise
// and the detection rate of a step, with noise of CV 5 %, and checks them
// against loose bounds. -v prints the figures; for figures with less
// sampling error: go test -run Operating -v -trials=2000 ./changepoint/
func TestOperatingCharacteristics(t *testing.T) {
	trials := *trialsFlag
	switch {
	case trials > 0:
	case testing.Short():
		trials = 150
	default:
		trials = 300
	}
	flat := func(int) float64 { return 100 }
	for _, c := range []struct {
		name     string
		opt      Options
		n        int
		maxAlarm float64
	}{
		{"defaults, n=40", Options{}, 40, 0.02},
		{"defaults, n=100", Options{}, 100, 0.02},
		{"defaults, n=500", Options{}, 500, 0.025},
		{"no MinEffect, n=40", Options{MinEffect: -1}, 40, 0.025},
		{"Alpha 0.05, no MinEffect, n=40", Options{Alpha: 0.05, MinEffect: -1}, 40, 0.08},
	} {
		t.Run("white noise/"+c.name, func(t *testing.T) {
			if c.n > 100 && *trialsFlag == 0 {
				t.Skip("long series only with -trials")
			}
			r := measure(t, trials, c.opt, -1, func(seed uint64) []float64 { return noisy(seed+1e6, c.n, 0.05, flat) })
			t.Logf("false alarms: %d of %d series (%.1f %%)", r.alarms, r.trials, 100*float64(r.alarms)/float64(r.trials))
			if rate := float64(r.alarms) / float64(r.trials); rate > c.maxAlarm {
				t.Errorf("false-alarm rate %.3f > %.3f", rate, c.maxAlarm)
			}
		})
	}
	for _, c := range []struct {
		step           float64
		minAny, minOne float64 // the least share of series with any change, with exactly one at ±1
	}{
		{1.10, 0.70, 0.50},
		{0.90, 0.70, 0.50},
		{1.20, 0.99, 0.95},
		{0.80, 0.99, 0.95},
	} {
		t.Run(fmt.Sprintf("step %+.0f%% at 30 of 40", 100*(c.step-1)), func(t *testing.T) {
			r := measure(t, trials, Options{}, 30, func(seed uint64) []float64 {
				return noisy(seed+2e6, 40, 0.05, steps([]int{30}, []float64{c.step}))
			})
			t.Log(r)
			if rate := float64(r.alarms) / float64(r.trials); rate < c.minAny {
				t.Errorf("detection rate %.3f < %.3f", rate, c.minAny)
			}
			if rate := float64(r.one) / float64(r.trials); rate < c.minOne {
				t.Errorf("rate of one change at ±1 %.3f < %.3f", rate, c.minOne)
			}
		})
	}
}
