package quality

import (
	"context"
	"fmt"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/results"
)

// collectAB is one A/B session (benchmark.StartAB): one network, a fresh
// client of side A (CommandA, as is) or B (cmdB, with the injection's
// relays in front of it) for every run, in the order of the schedule.
func collectAB(ctx context.Context, o CollectOptions, cmdB string, res *results.Results) error {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	opts := benchmark.RunOptions{Config: o.Config, Quick: o.Quick, Categories: o.Categories, Timeout: o.Timeout,
		ClientCommand: cmdB, BaselineClientCommand: o.CommandA, Order: o.Order, Loopback: o.Loopback,
		WrapEndpoints: func(label string, ep benchmark.Endpoints) (benchmark.Endpoints, func(), error) {
			if label != benchmark.SideB.String() {
				return ep, func() {}, nil
			}
			return relays(ep, o.Injection)
		}}
	s, err := benchmark.StartAB(ctx, opts)
	defer s.Close()
	if err != nil {
		res.Runs = s.Results().Runs
		return fmt.Errorf("collect: %w", err)
	}
	total := 2 * o.Runs
	fmt.Fprintf(o.Log, "A/B session (%s): network up; schedule %s; A runs %q, B runs %q\n", o.Injection.Name,
		benchmark.ScheduleString(benchmark.Schedule(o.Runs, o.Order)), o.CommandA, cmdB)
	for i := 0; i < total; i++ {
		run, err := s.Step(ctx, total)
		res.Runs = append(res.Runs, run)
		if run.Error != "" {
			fmt.Fprintf(o.Log, "run %d/%d (%s): FAILED: %s\n", i+1, total, run.Label, run.Error)
		} else {
			fmt.Fprintf(o.Log, "run %d/%d (%s): %.1fs (client start %.1fs)%s\n", i+1, total, run.Label, run.WallS, run.NetworkStartS, runSummary(run))
		}
		if o.Checkpoint != nil {
			if cerr := o.Checkpoint(res); cerr != nil {
				return cerr
			}
		}
		if err != nil {
			return fmt.Errorf("collect: %w", err)
		}
	}
	return nil
}
