package changepoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// The defaults that the zero value of each Options field stands for.
const (
	defaultMinSize      = 5
	defaultAlpha        = 0.01
	defaultPermutations = 199
	defaultMinEffect    = 0.03
)

// Options tune Detect. The zero value of a field selects its default; the
// package documentation lists them.
type Options struct {
	// MinSize is the minimum number of points in a segment (at least 2;
	// 0 means 5).
	MinSize int
	// Alpha is the significance level of each permutation test, in (0, 1)
	// (0 means 0.01).
	Alpha float64
	// Permutations is the number of permutations per test (0 means 199).
	// 1/(Permutations+1) must not exceed Alpha.
	Permutations int
	// MinEffect is the minimum |After/Before - 1| of a reported change
	// (0 means 0.03; a negative value keeps every significant change).
	MinEffect float64
	// Seed seeds the permutations.
	Seed uint64
}

// ChangePoint is one step change in a series.
type ChangePoint struct {
	// Index is the first point of the new segment.
	Index int
	// Before and After are the medians of the segments before and after
	// Index, in the series' own unit.
	Before, After float64
	// RelChange is After/Before - 1.
	RelChange float64
	// P is the p-value of the permutation test that found the change.
	P float64
}

// resolve returns the options with the defaults filled in, or an error
// naming the first invalid field.
func (o Options) resolve() (Options, error) {
	if o.MinSize == 0 {
		o.MinSize = defaultMinSize
	}
	if o.Alpha == 0 {
		o.Alpha = defaultAlpha
	}
	if o.Permutations == 0 {
		o.Permutations = defaultPermutations
	}
	switch {
	case o.MinEffect == 0:
		o.MinEffect = defaultMinEffect
	case o.MinEffect < 0:
		o.MinEffect = 0
	}
	switch {
	case o.MinSize < 2:
		return o, fmt.Errorf("MinSize = %d: a segment needs at least 2 points", o.MinSize)
	case !(o.Alpha > 0 && o.Alpha < 1):
		return o, fmt.Errorf("Alpha = %v: not in (0, 1)", o.Alpha)
	case o.Permutations < 0:
		return o, fmt.Errorf("Permutations = %d: negative", o.Permutations)
	case 1/float64(o.Permutations+1) > o.Alpha:
		return o, fmt.Errorf("Permutations = %d too few for Alpha = %v: the smallest p-value is 1/%d",
			o.Permutations, o.Alpha, o.Permutations+1)
	case math.IsNaN(o.MinEffect) || math.IsInf(o.MinEffect, 0):
		return o, fmt.Errorf("MinEffect = %v: not a finite number", o.MinEffect)
	}
	return o, nil
}

// Detect finds the step changes in series (one positive finite value per
// commit, oldest first). boundaries, in any order, are indexes in
// [0, len(series)] where a new segment is forced to start: no segment found
// reaches across one, and no boundary is reported. The result is sorted by
// Index and is nil when there is no change. The error, for invalid input
// or options, says which value is wrong.
func Detect(series []float64, boundaries []int, o Options) ([]ChangePoint, error) {
	opt, err := o.resolve()
	if err != nil {
		return nil, fmt.Errorf("changepoint: options: %w", err)
	}
	logs := make([]float64, len(series))
	for i, v := range series {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("changepoint: series[%d] = %v: not a positive finite number", i, v)
		}
		logs[i] = math.Log(v)
	}
	forced, err := segmentStarts(boundaries, len(series))
	if err != nil {
		return nil, fmt.Errorf("changepoint: %w", err)
	}
	found := split(logs, forced, opt)
	return report(series, forced, found, opt.MinEffect), nil
}

// segmentStarts returns the sorted distinct boundaries strictly inside
// (0, n), with 0 first and n last.
func segmentStarts(boundaries []int, n int) ([]int, error) {
	starts := []int{0, n}
	for i, b := range boundaries {
		if b < 0 || b > n {
			return nil, fmt.Errorf("boundaries[%d] = %d: not in [0, %d]", i, b, n)
		}
		starts = append(starts, b)
	}
	slices.Sort(starts)
	return slices.Compact(starts), nil
}

// segment is a half-open range [start, end) of the series with its best
// split candidate (tau = -1: too short to split).
type segment struct {
	start, end int
	q          float64
	tau        int // absolute index
}

// found is a change accepted by a permutation test.
type found struct {
	index int
	p     float64
}

// split runs E-Divisive over the forced segments of logs: while the best
// candidate over all segments is significant, it splits its segment.
func split(logs []float64, forced []int, o Options) []found {
	s := newScratch(len(logs))
	rng := rand.New(rand.NewPCG(o.Seed, 0x6368616e6765)) // "change"
	evaluate := func(start, end int) segment {
		q, tau := s.best(logs[start:end], o.MinSize)
		if tau >= 0 {
			tau += start
		}
		return segment{start: start, end: end, q: q, tau: tau}
	}
	var segs []segment
	for i := 0; i+1 < len(forced); i++ {
		segs = append(segs, evaluate(forced[i], forced[i+1]))
	}

	var out []found
	for {
		pick := -1
		for i, g := range segs {
			if g.tau >= 0 && (pick < 0 || g.q > segs[pick].q) {
				pick = i
			}
		}
		if pick < 0 {
			return out
		}
		p, ok := permutationTest(logs, segs, segs[pick].q, o, s, rng)
		if !ok {
			return out
		}
		g := segs[pick]
		out = append(out, found{index: g.tau, p: p})
		segs = slices.Replace(segs, pick, pick+1, evaluate(g.start, g.tau), evaluate(g.tau, g.end))
	}
}

// permutationTest shuffles every splittable segment within itself, takes the
// largest q̂ over them, and counts how often it reaches observed. It returns
// the p-value and whether it is at most Alpha, stopping early once it
// cannot be.
func permutationTest(logs []float64, segs []segment, observed float64, o Options, s *scratch, rng *rand.Rand) (float64, bool) {
	perm := s.shuffle[:len(logs)]
	copy(perm, logs)
	// A permuted q̂ that equals observed up to rounding counts as reaching it.
	threshold := observed - 1e-12*math.Abs(observed)
	den := float64(o.Permutations + 1)
	count := 0
	for r := 0; r < o.Permutations; r++ {
		top := math.Inf(-1)
		for _, g := range segs {
			if g.tau < 0 {
				continue
			}
			z := perm[g.start:g.end]
			rng.Shuffle(len(z), func(i, j int) { z[i], z[j] = z[j], z[i] })
			if q, _ := s.best(z, o.MinSize); q > top {
				top = q
			}
		}
		if top >= threshold {
			count++
			if float64(1+count)/den > o.Alpha {
				return float64(1+count) / den, false
			}
		}
	}
	return float64(1+count) / den, true
}

// report merges away the changes smaller than minEffect, the smallest first,
// and describes the rest with the medians of the segments around them.
func report(series []float64, forced []int, accepted []found, minEffect float64) []ChangePoint {
	if len(accepted) == 0 {
		return nil
	}
	type cut struct {
		index  int
		p      float64
		forced bool
	}
	cuts := make([]cut, 0, len(forced)+len(accepted))
	for _, b := range forced {
		cuts = append(cuts, cut{index: b, forced: true})
	}
	for _, f := range accepted {
		cuts = append(cuts, cut{index: f.index, p: f.p})
	}
	slices.SortFunc(cuts, func(a, b cut) int { return a.index - b.index })

	describe := func(i int) ChangePoint {
		before := median(series[cuts[i-1].index:cuts[i].index])
		after := median(series[cuts[i].index:cuts[i+1].index])
		return ChangePoint{Index: cuts[i].index, Before: before, After: after, RelChange: after/before - 1, P: cuts[i].p}
	}
	for {
		weakest, weakestEffect := -1, minEffect
		for i := 1; i+1 < len(cuts); i++ {
			if cuts[i].forced {
				continue
			}
			if e := math.Abs(describe(i).RelChange); e < weakestEffect {
				weakest, weakestEffect = i, e
			}
		}
		if weakest < 0 {
			break
		}
		cuts = slices.Delete(cuts, weakest, weakest+1)
	}

	var out []ChangePoint
	for i := 1; i+1 < len(cuts); i++ {
		if !cuts[i].forced {
			out = append(out, describe(i))
		}
	}
	return out
}

// median returns the median of a non-empty slice, leaving it unchanged.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		panic("changepoint: median of an empty segment")
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	h := len(s) / 2
	if len(s)%2 == 1 {
		return s[h]
	}
	return (s[h-1] + s[h]) / 2
}
