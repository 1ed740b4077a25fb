package results

import (
	"math"
	"sort"
)

// a levelGroup pools the records of one level (repeats).
type levelGroup struct {
	streams  int
	ok, n    int
	runs     int
	minP95   float64
	okRecord bool // some record reached 99 % success
	// flagged: some record is marked failed although it passes by its
	// streams and p95 (statusOnlyFail).
	flagged bool
}

func groupLevels(levels []StreamLevel, bound float64) []levelGroup {
	byN := map[int]*levelGroup{}
	for _, l := range levels {
		if l.Streams <= 0 {
			continue
		}
		g := byN[l.Streams]
		if g == nil {
			g = &levelGroup{streams: l.Streams, minP95: math.Inf(1)}
			byN[l.Streams] = g
		}
		g.ok += l.OK
		g.n += l.Streams
		g.runs++
		if successOK(l) {
			g.okRecord = true
			g.minP95 = math.Min(g.minP95, l.P95S)
		}
		if statusOnlyFail(l, bound) {
			g.flagged = true
		}
	}
	gs := make([]levelGroup, 0, len(byN))
	for _, g := range byN {
		gs = append(gs, *g)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].streams < gs[j].streams })
	return gs
}

func successOK(l StreamLevel) bool {
	return l.Streams > 0 && l.OK >= int(math.Ceil(minSuccess*float64(l.Streams)))
}

// statusOnlyFail reports whether a record is marked failed although its
// streams and p95 pass under bound: the failure is known only from the
// record's status. perfgate's ladder sets Pass by the same rule, so its
// own records never are; go-tor's summary, which prints a level's status
// but no p95, can be.
func statusOnlyFail(l StreamLevel, bound float64) bool {
	return !l.Pass && successOK(l) && l.P95S < bound
}
