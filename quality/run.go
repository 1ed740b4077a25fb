package quality

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// runSuite runs the suite once against a client, through the injection's
// relays, and fills run's benchmarks, CPU figures and error.
func runSuite(ctx context.Context, o CollectOptions, net *torlab.Network, c *torlab.Client, in Injection, run *results.Run) {
	ep, closeRelays, err := relays(benchmark.ClientEndpoints(net, c), in)
	if err != nil {
		run.Error = err.Error()
		return
	}
	defer closeRelays()
	s := benchmark.NewSuite(nil, benchmark.WithEndpoints(ep), benchmark.WithConfig(o.Config),
		benchmark.WithFaults(net.Faults()), benchmark.WithOutput(io.Discard))
	defer s.Close()
	cpu0, _ := benchmark.ProcessCPU(ep.PID)
	self0 := benchmark.SelfCPU()
	err = s.Run(ctx, o.Categories)
	if cpu1, cerr := benchmark.ProcessCPU(ep.PID); cerr == nil {
		run.ClientCPUS = (cpu1 - cpu0).Seconds()
	}
	run.HarnessCPUS = (benchmark.SelfCPU() - self0).Seconds()
	for _, r := range s.Results() {
		run.Benchmarks = append(run.Benchmarks, r.Benchmark())
	}
	if err == nil {
		err = net.Err()
	}
	if err != nil {
		run.Error = err.Error()
	}
}

// runStored is one run on its own fresh network.
func runStored(ctx context.Context, o CollectOptions, cmd string, index int) results.Run {
	run := results.Run{Index: index, StartedAt: time.Now().UTC()}
	begin := time.Now()
	defer func() { run.WallS = time.Since(begin).Seconds() }()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	net, err := torlab.Start(ctx, torlab.Options{ClientCommand: cmd, Loopback: o.Loopback})
	if err != nil {
		run.Error = fmt.Sprintf("starting the network: %v", err)
		run.WallS = time.Since(begin).Seconds()
		return run
	}
	run.NetworkStartS = net.StartupDuration().Seconds()
	runSuite(ctx, o, net, net.Client(), o.Injection, &run)
	net.Close()
	run.WallS = time.Since(begin).Seconds()
	return run
}

// runSummary is the three gated numbers of a run, for the log.
func runSummary(run results.Run) string {
	r := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: []results.Run{run}}
	rep, err := check.Compare(nil, r, check.DefaultConfig())
	if err != nil {
		return ""
	}
	var b strings.Builder
	for _, m := range rep.Metrics {
		if !m.Gated || m.Current == nil {
			continue
		}
		switch m.Unit {
		case results.UnitSeconds:
			fmt.Fprintf(&b, "; %s %.1f ms", m.Key, m.Current.Value*1000)
		case results.UnitBytes:
			fmt.Fprintf(&b, "; %s %.2f MiB", m.Key, m.Current.Value/results.MiB)
		default:
			fmt.Fprintf(&b, "; %s %g", m.Key, m.Current.Value)
		}
	}
	return b.String()
}
