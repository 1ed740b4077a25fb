package quality

import (
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// newCell is an empty line of the evaluation: no comparison counted yet.
func newCell(mode, cond string, kinds []string, size float64, k int, th Thresholds, possible int) Cell {
	return Cell{Mode: mode, Condition: cond, Kinds: kinds, Size: size, K: k, Threshold: th,
		Possible: possible, Regressed: map[string]int{}}
}

// fail counts a comparison that could not be made.
func (c *Cell) fail(err error) {
	c.Errors++
	if c.FirstError == "" && err != nil {
		c.FirstError = err.Error()
	}
}

// replay compares every pair and counts.
func replay(p *Pool, cond, mode string, kinds []string, size float64, k int, th Thresholds, pairs []pair, possible int, cfg check.Config) Cell {
	c := newCell(mode, cond, kinds, size, k, th, possible)
	var cost float64
	for _, pr := range pairs {
		rep, err := check.Compare(p.results(pr.base), p.results(pr.cur), cfg)
		if err != nil {
			c.fail(err)
			continue
		}
		c.Comparisons++
		cost += pr.costS
		c.count(rep)
	}
	if c.Comparisons > 0 {
		c.VerdictS = cost / float64(c.Comparisons)
	}
	return c
}

// effect is the relative change of every gated metric from runs a to
// runs b, oriented so that positive is worse.
func effect(p *Pool, a, b []results.Run, cfg check.Config) map[string]float64 {
	rep, err := check.Compare(p.results(a), p.results(b), cfg)
	if err != nil {
		return nil
	}
	out := map[string]float64{}
	for _, m := range rep.Metrics {
		if m.Gated && m.Change != nil {
			rel := m.Change.Rel
			if m.Better == results.HigherIsBetter {
				rel = -rel
			}
			out[m.Key] = rel
		}
	}
	return out
}
