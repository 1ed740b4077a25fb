package benchmark

import (
	"math"
	"sort"
)

// A Ladder chooses the levels of the stream-scaling benchmark. It runs the
// first levels in order; past the last it doubles until a level fails or
// the maximum is reached (the maximum itself is tried once) — or by a
// smaller factor (at least 1.25) when the last level's p95 already came
// close to its bound, assuming p95 grows in proportion; then it
// bisects between the highest passing and the lowest failing level until
// they are closer than the resolution (a fraction of the passing level).
// The capacity is the highest passing level below the lowest failing one.
//
// With Refine, a level that fails is run once more before it counts as
// failing (a level passes when one of its runs passes: a one-off spike of
// p95 no longer ends the climb), and once a level has failed twice the
// ladder runs probes at the estimated capacity ×(1−step) and ×(1+step)
// in turn instead of bisecting, so that a fit of p95 over the levels has
// points on both sides of the bound.
type Ladder struct {
	first      []int
	max        int
	resolution float64

	// Refinement (Refine): probes left, their step, the estimate they
	// centre on; runs counts the runs of each level.
	refine   bool
	probes   int
	step     float64
	estimate func() float64
	runs     map[int]int
	probed   int

	outcome   map[int]bool // level → passed
	nextFirst int
	top       int     // highest level tried
	topFrac   float64 // p95/bound of the highest level (0: unknown)
}

// NewLadder returns a ladder over first levels (sorted, deduplicated,
// capped at max).
func NewLadder(first []int, max int, resolution float64) *Ladder {
	var fs []int
	seen := map[int]bool{}
	for _, l := range first {
		if l > 0 && l <= max && !seen[l] {
			fs = append(fs, l)
			seen[l] = true
		}
	}
	sort.Ints(fs)
	if len(fs) == 0 && max > 0 {
		fs = []int{min(10, max)}
	}
	return &Ladder{first: fs, max: max, resolution: resolution, outcome: map[int]bool{}, runs: map[int]int{}}
}

// Refine makes the ladder confirm a failing level by running it again and,
// past the knee, run probes levels at estimate()·(1−step) and
// estimate()·(1+step) in turn instead of bisecting. It returns l.
func (l *Ladder) Refine(probes int, step float64, estimate func() float64) *Ladder {
	l.refine, l.probes, l.step, l.estimate = true, probes, step, estimate
	return l
}

// Next returns the next level to try, or false when the ladder is done.
func (l *Ladder) Next() (int, bool) {
	fail := l.Knee()
	if l.refine && fail != 0 && l.runs[fail] < 2 {
		return fail, true // confirm the failure
	}
	for l.nextFirst < len(l.first) {
		lv := l.first[l.nextFirst]
		l.nextFirst++
		if fail != 0 && lv >= fail {
			l.nextFirst = len(l.first)
			break
		}
		if _, done := l.outcome[lv]; !done {
			return lv, true
		}
	}
	if fail == 0 {
		if l.top == 0 || l.top >= l.max {
			return 0, false
		}
		factor := 2.0
		if l.topFrac > 0 {
			factor = min(max(1/l.topFrac, 1.25), 2)
		}
		return min(max(l.top+1, int(float64(l.top)*factor)), l.max), true
	}
	if l.refine {
		if l.probed >= l.probes {
			return 0, false
		}
		est := l.estimate()
		f := 1 - l.step
		if l.probed%2 == 1 {
			f = 1 + l.step
		}
		l.probed++
		lv := int(math.Round(est * f))
		return min(max(lv, 1), l.max), true
	}
	pass := l.Capacity()
	step := max(1, int(l.resolution*float64(max(pass, 1))))
	if fail-pass <= step {
		return 0, false
	}
	mid := pass + (fail-pass)/2
	if _, done := l.outcome[mid]; done {
		return 0, false
	}
	return mid, true
}

// Record stores the outcome of a level.
func (l *Ladder) Record(level int, pass bool) { l.Observe(level, pass, 0) }

// Observe stores the outcome of a level with its p95 as a fraction of the
// bound (0: unknown), which steers the climb.
func (l *Ladder) Observe(level int, pass bool, p95Frac float64) {
	if l.refine && l.runs[level] > 0 {
		pass = pass || l.outcome[level]
	}
	l.outcome[level] = pass
	l.runs[level]++
	if level >= l.top && (level > l.top || !l.refine || pass) {
		l.top, l.topFrac = level, p95Frac
	}
}

// Knee is the lowest failing level, 0 when no level failed.
func (l *Ladder) Knee() int {
	fail := 0
	for lv, ok := range l.outcome {
		if !ok && (fail == 0 || lv < fail) {
			fail = lv
		}
	}
	return fail
}

// Capacity is the highest passing level below the lowest failing one (0
// when none passed).
func (l *Ladder) Capacity() int {
	fail := l.Knee()
	pass := 0
	for lv, ok := range l.outcome {
		if ok && lv > pass && (fail == 0 || lv < fail) {
			pass = lv
		}
	}
	return pass
}
