package quality

import (
	"context"
	"errors"
	"time"

	"github.com/perfgate/perfgate/check"
)

// replayAdaptive replays pairs whose current side holds b.MaxRuns runs,
// taking them as the adaptive rule asks.
func replayAdaptive(p *Pool, cond string, kinds []string, size float64, k int, th Thresholds, pairs []pair, possible int, cfg check.Config, b check.Budget) Cell {
	c := newCell(ModeStored, cond, kinds, size, k, th, possible)
	c.Adaptive = true
	var cost, runs float64
	for _, pr := range pairs {
		a, err := adaptOne(p, pr, cfg, b)
		if a.exhausted {
			c.Exhausted++
		}
		if err != nil || a.report == nil {
			c.fail(err)
			continue
		}
		c.Comparisons++
		cost += a.elapsed.Seconds()
		runs += float64(a.runs)
		c.count(a.report)
	}
	if c.Comparisons > 0 {
		c.VerdictS = cost / float64(c.Comparisons)
		c.MeanRuns = runs / float64(c.Comparisons)
	}
	return c
}

// An adaptation is what one replayed adaptive loop did.
type adaptation struct {
	// report is the loop's last report; rec what check.Adapt says
	// repetition did (nil when the budget allows no repetition).
	report *check.Report
	rec    *check.Repetition
	// runs is the current side's runs taken; elapsed their recorded wall
	// time, the virtual clock's reading when the loop ended.
	runs    int
	elapsed time.Duration
	// exhausted is set when the loop stopped on the budget with an
	// interval still straddling, or asked for more runs than were
	// collected.
	exhausted bool
}

// adaptOne runs the shipped loop (check.Adapt) on one pair's collected
// runs: each round serves the next runs of the current side and moves a
// virtual clock by their recorded wall times; running out of collected
// runs ends it like a failed run, and counts as exhausted, not as an
// error.
func adaptOne(p *Pool, pr pair, cfg check.Config, b check.Budget) (adaptation, error) {
	base, cur := p.results(pr.base), p.results(nil)
	clock := time.Time{}
	take := func(_ context.Context, n int) error {
		if len(cur.Runs)+n > len(pr.cur) {
			return errNoMoreRuns
		}
		for _, r := range pr.cur[len(cur.Runs) : len(cur.Runs)+n] {
			clock = clock.Add(time.Duration(r.WallS * float64(time.Second)))
		}
		cur.Runs = pr.cur[:len(cur.Runs)+n]
		return nil
	}
	rep, rec, err := check.Adapt(context.Background(), b, func() time.Time { return clock }, take,
		func() (*check.Report, error) { return check.Compare(base, cur, cfg) })
	a := adaptation{report: rep, rec: rec, runs: len(cur.Runs), elapsed: clock.Sub(time.Time{})}
	if errors.Is(err, errNoMoreRuns) || err == nil && rec != nil && len(rec.Undecided) > 0 {
		a.exhausted = true
		err = nil
	}
	return a, err
}

// errNoMoreRuns ends a replayed adaptive loop that asks for more runs than
// were collected.
var errNoMoreRuns = errors.New("no more collected runs")
