package results

import (
	"math"
	"time"
)

// CapacityMethod names how stream_capacity is estimated from a ladder's
// levels (EstimateCapacity); the results' settings record it. The
// benchmark reports the estimate and the gate recomputes it from the
// recorded levels with the same function.
const CapacityMethod = "p95-fit: Theil-Sen line of p95 over the levels from half the lowest failing level up, " +
	"crossing the p95 bound, kept between the highest passing and the lowest failing level; " +
	"capped where the success rate crosses 99 % (served streams / 0.99) " +
	"and below a level marked failed whose streams and p95 pass (an importer's status)"

// minSuccess is the fraction of a level's streams that must succeed.
const minSuccess = 0.99

// A CapacityEstimate is stream_capacity estimated from the levels of a
// stream ladder, with the parts it is made of, so that it can be checked
// against the raw levels.
type CapacityEstimate struct {
	// Capacity is the estimate, in streams: the lowest of P95Crossing,
	// SuccessCrossing and StatusCrossing.
	Capacity float64
	// P95Crossing is the level where p95 reaches the bound, from the fit
	// (or the highest level tried when no level's p95 reached the bound).
	P95Crossing float64
	// SuccessCrossing is where the success rate falls under 99 %: the
	// streams the client served at the lowest level that fell short,
	// divided by 0.99, kept between that level and the level below it.
	// +Inf when every level reached 99 %.
	SuccessCrossing float64
	// StatusCrossing is the level below the lowest level that a record
	// marks failed (Pass false) although its streams and p95 pass: an
	// input that records a level's verdict but not why it failed (go-tor's
	// summary prints "Status: ✗ FAIL" and no p95), so the estimate cannot
	// place the crossing and stops below that level. 0 when that level is
	// the lowest; +Inf when no record is marked so.
	StatusCrossing float64
	// FitIntercept (seconds) and FitSlope (seconds per stream) are the
	// line p95 ≈ FitIntercept + FitSlope·streams; FitPoints the number of
	// level records it was fitted to (0: no fit; the crossing was then
	// interpolated between the bracketing levels).
	FitIntercept, FitSlope float64
	FitPoints              int
	// Passed is the former estimator: the highest level that passed with
	// every lower level passing (repeats of a level pooled, the lower p95).
	Passed int
}

// EstimateCapacity estimates stream_capacity from a ladder's level records
// (repeats of a level allowed, in any order). A level is limited two ways:
// by p95 (bound) and by its success rate (99 %). The p95 limit is where a
// line p95 = a + b·streams, fitted robustly (Theil–Sen: median of the
// pairwise slopes) to the records from half the lowest failing level up,
// crosses bound; p95 grows about linearly with the streams once the client
// is the bottleneck, and the fit averages out one level's noise where the
// highest passing level alone moves in steps of the ladder. The crossing is
// kept between the highest level whose p95 passed and the lowest whose p95
// failed (a level's p95 is the lower of its repeats'). The success limit is
// where the success rate crosses 99 %, assuming the client serves a fixed
// number of streams at once (a connection cap): the streams served at the
// lowest level under 99 %, divided by 0.99. A level that a record marks
// failed (Pass false) though its streams and p95 pass ends the estimate at
// the level below it (StatusCrossing): the input knows the level failed
// but not where between the levels. With no level failing, the capacity
// is the highest level tried.
func EstimateCapacity(levels []StreamLevel, bound time.Duration) CapacityEstimate {
	b := bound.Seconds()
	gs := groupLevels(levels, b)
	e := CapacityEstimate{SuccessCrossing: math.Inf(1), StatusCrossing: math.Inf(1)}
	if len(gs) == 0 {
		return e
	}
	// The former estimator, on pooled repeats.
	for _, g := range gs {
		if float64(g.ok) < minSuccess*float64(g.n) || !(g.minP95 < b) || g.flagged {
			break
		}
		e.Passed = g.streams
	}
	// Status: the level below the lowest level marked failed by status alone.
	below := 0
	for _, g := range gs {
		if g.flagged {
			e.StatusCrossing = float64(below)
			break
		}
		below = g.streams
	}
	// Success: the lowest level whose pooled success rate is under 99 %.
	prev := 0
	for _, g := range gs {
		if float64(g.ok) < minSuccess*float64(g.n) {
			served := float64(g.ok) / float64(g.runs)
			e.SuccessCrossing = math.Max(float64(prev), math.Min(float64(g.streams), served/minSuccess))
			break
		}
		prev = g.streams
	}
	// p95: the lowest level with every successful record's p95 at or over
	// the bound, and the highest passing below it.
	fail, pass := 0, 0
	var failP95, passP95 float64
	for _, g := range gs {
		if !g.okRecord {
			continue
		}
		if g.minP95 >= b {
			fail, failP95 = g.streams, g.minP95
			break
		}
		pass, passP95 = g.streams, g.minP95
	}
	if fail == 0 {
		// p95 never reached the bound: the highest level tried.
		e.P95Crossing = float64(gs[len(gs)-1].streams)
	} else {
		e.P95Crossing = e.fitCrossing(levels, fail, b)
		if e.FitPoints == 0 {
			// Linear interpolation between the bracketing levels (from
			// the origin when no level passed).
			x0, y0 := float64(pass), passP95
			if pass == 0 {
				y0 = 0
			}
			e.P95Crossing = x0 + (b-y0)/(failP95-y0)*(float64(fail)-x0)
		}
		e.P95Crossing = math.Min(math.Max(e.P95Crossing, float64(pass)), float64(fail))
	}
	e.Capacity = math.Min(e.P95Crossing, math.Min(e.SuccessCrossing, e.StatusCrossing))
	return e
}
