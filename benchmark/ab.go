package benchmark

import (
	"context"
	"fmt"
	"time"

	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/results"
)

// Keys of results.Settings.Extra under which the results of an A/B session
// (RunAB) record what SplitAB needs to give each side its own environment.
const (
	ExtraABOrder       = "ab.order"                   // Order.String()
	ExtraABBaseCommand = "ab.baseline_client_command" // side A's command template
	ExtraABBaseVersion = "ab.baseline_client_version" // side A's client version
	ExtraABBaseName    = "ab.baseline_client_name"    // "tor" or "custom"
)

// An ABSession is an interleaved A/B session: one private network on which
// the runs of two clients, A (RunOptions.BaselineClientCommand, the base
// version) and B (RunOptions.ClientCommand, the version under test),
// alternate in the order of Schedule. Every run starts a fresh client of
// its side (a client's memory creeps from run to run, so memory must be
// measured on a fresh one), runs the suite against it and stops it; the
// network stays up for the whole session. Drift of the machine then hits
// both sides alike, and the network's start is paid once.
//
// Runs are labelled "A" or "B" (results.Run.Label); SplitAB splits the
// results into the two sides for check.Compare(base, head, cfg).
//
// An ABSession is not safe for concurrent use.
type ABSession struct {
	opts    RunOptions
	cfg     Config
	net     *torlab.Network
	echo    *EchoServer
	res     *results.Results
	next    int // the next slot of the schedule
	startup float64
	failed  error
}

// StartAB starts an A/B session's network. It returns a session also on
// failure: its results then hold the failed first run (with the error)
// and the error wraps ErrRun. Close the session in every case.
//
// opts.Timeout bounds the network's start and each run (a client's start
// included); opts.Runs is what RunAB takes, StartAB takes none.
func StartAB(ctx context.Context, opts RunOptions) (*ABSession, error) {
	opts, err := opts.withDefaults()
	cfg := opts.Config.withDefaults()
	s := &ABSession{opts: opts, cfg: cfg, res: newResults(opts, cfg, 0)}
	if err != nil {
		s.failed = fmt.Errorf("%w: %w", ErrRun, err)
		return s, s.failed
	}
	x := s.res.Settings.Extra
	if x == nil {
		x = map[string]string{}
		s.res.Settings.Extra = x
	}
	x[ExtraABOrder] = opts.Order.String()
	x[ExtraABBaseCommand] = opts.BaselineClientCommand
	x[ExtraABBaseName] = clientName(opts.BaselineClientCommand)

	begin := time.Now()
	ph := opts.Progress.Start("network")
	// The network's own client (the system's tor) only proves the network
	// works; every run starts a fresh client of its side, so that the
	// first run is not measured on a client that bootstrapped differently.
	topts := opts.networkOptions(networkLog(opts, ph))
	topts.ClientCommand = ""
	topts.StartTimeout = min(opts.Timeout, 90*time.Second)
	net, err := startNetwork(ctx, opts, topts)
	if err != nil {
		if ctx.Err() == nil && time.Since(begin) >= topts.StartTimeout {
			err = fmt.Errorf("network start timed out after %v: %w", topts.StartTimeout, err)
		} else if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", context.Cause(ctx), err)
		}
		err = fmt.Errorf("starting the network: %w", err)
		ph.Done("ERROR: %s", firstLine(err))
		s.res.Runs = append(s.res.Runs, results.Run{Index: 0, StartedAt: begin.UTC(), Label: SideA.String(),
			Error: err.Error(), WallS: time.Since(begin).Seconds()})
		s.failed = fmt.Errorf("%w: %w", ErrRun, err)
		return s, s.failed
	}
	s.net = net
	s.startup = net.StartupDuration().Seconds()
	// The network's own client is not measured: stop it now.
	if err := net.Client().Close(); err != nil {
		opts.Progress.Println("warning: %v", err)
	}
	ph.Done("up: 8 tor processes in %.1fs; each run starts a fresh client of its side", s.startup)
	// The streams' destination runs in a process of its own, so that this
	// process's CPU time is the harness's alone.
	if echo, eerr := StartEchoServer(ctx, net.Loopback()); eerr != nil {
		opts.Progress.Println("warning: %v; using the network's echo server in this process (its CPU time counts as the harness's)", eerr)
	} else {
		s.echo = echo
	}
	return s, nil
}

// RunAB runs an interleaved A/B session of opts.Runs runs per side (0
// means 1) on one private network, and returns every run, labelled "A"
// (opts.BaselineClientCommand) or "B" (opts.ClientCommand). When a run
// fails (see ErrRun) it records the error in that run, runs no further
// runs and returns the results so far with an error wrapping ErrRun.
func RunAB(ctx context.Context, opts RunOptions) (*results.Results, error) {
	s, err := StartAB(ctx, opts)
	defer s.Close()
	if err == nil {
		err = s.RunTo(ctx, max(opts.Runs, 1))
	}
	if cerr := s.Close(); cerr != nil && err == nil {
		opts.Progress.Println("warning: closing the network: %v", cerr)
	}
	return s.Results(), err
}

// RunsPerSide is the number of runs each side has finished (the sides
// have as many after every pair).
func (s *ABSession) RunsPerSide() (a, b int) {
	for _, r := range s.res.Runs {
		if r.Label == SideB.String() {
			b++
		} else {
			a++
		}
	}
	return a, b
}

// RunTo runs the next slots of the schedule until each side has perSide
// runs. It stops at the first failed run (its error recorded in the run)
// and returns an error wrapping ErrRun; after a failure every call fails.
func (s *ABSession) RunTo(ctx context.Context, perSide int) error {
	total := 2 * perSide
	for s.failed == nil && s.next < total {
		if _, err := s.Step(ctx, total); err != nil {
			return err
		}
	}
	return s.failed
}

// Step runs the next slot of the schedule: a fresh client of its side,
// the suite, the client's stop. total is the number of runs planned (for
// the progress lines).
func (s *ABSession) Step(ctx context.Context, total int) (results.Run, error) {
	if s.failed != nil {
		return results.Run{}, s.failed
	}
	i := s.next
	side := Schedule(i/2+1, s.opts.Order)[i]
	s.next++
	total = max(total, s.next)
	prefix := fmt.Sprintf("run %d/%d (%s): ", i+1, total, side)
	s.opts.Progress.SetPrefix(prefix)
	defer s.opts.Progress.SetPrefix("")
	run, version, err := s.runSlot(ctx, i, side)
	if version != "" {
		if side == SideB && s.res.Environment.ClientVersion == "" {
			s.res.Environment.ClientVersion = version
		}
		if side == SideA && s.res.Settings.Extra[ExtraABBaseVersion] == "" {
			s.res.Settings.Extra[ExtraABBaseVersion] = version
		}
	}
	s.res.Runs = append(s.res.Runs, run)
	s.res.Settings.Runs = (len(s.res.Runs) + 1) / 2
	if err != nil {
		s.failed = fmt.Errorf("%w: run %d of %d (%s): %w", ErrRun, i+1, total, side, err)
		return run, s.failed
	}
	s.opts.Progress.Println("%sdone in %.1fs (client start %.1fs); CPU: client %.2fs, harness %.2fs, echo server %.2fs",
		prefix, run.WallS, run.NetworkStartS, run.ClientCPUS, run.HarnessCPUS, run.EchoCPUS)
	return run, nil
}

// runSlot is one run of an A/B session. Its NetworkStartS is the fresh
// client's start (to its first round trip through an exit), plus the
// network's start for the session's first run.
func (s *ABSession) runSlot(ctx context.Context, index int, side Side) (results.Run, string, error) {
	run := results.Run{Index: index, StartedAt: time.Now().UTC(), Label: side.String()}
	begin := time.Now()
	defer func() { run.WallS = time.Since(begin).Seconds() }()
	ctx, cancel := context.WithTimeoutCause(ctx, s.opts.Timeout,
		fmt.Errorf("run timed out after %v", s.opts.Timeout))
	defer cancel()

	cmd := s.opts.ClientCommand
	if side == SideA {
		cmd = s.opts.BaselineClientCommand
	}
	ph := s.opts.Progress.Start("client " + side.String())
	c, err := s.net.AddClient(ctx, cmd)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", context.Cause(ctx), err)
		}
		err = fmt.Errorf("starting client %s: %w", side, err)
		ph.Done("ERROR: %s", firstLine(err))
		run.Error = err.Error()
		run.WallS = time.Since(begin).Seconds()
		return run, "", err
	}
	defer c.Close()
	run.NetworkStartS = time.Since(begin).Seconds()
	if index == 0 {
		run.NetworkStartS += s.startup
	}
	ph.Done("up: client %s (%s) pid %d in %.1fs", side, c.Version(), c.PID(), time.Since(begin).Seconds())

	ep := ClientEndpoints(s.net, c)
	if s.echo != nil {
		ep.EchoAddr, ep.EchoPID = s.echo.Addr, s.echo.PID
	}
	st, err := measure(ctx, index, s.cfg, s.opts, s.net, ep, &run)
	version := ""
	if st != nil {
		version = ParseTorVersion(st.ClientVersion())
	}
	if cerr := c.Close(); cerr != nil && err == nil {
		s.opts.Progress.Println("warning: stopping client %s: %v", side, cerr)
	}
	run.WallS = time.Since(begin).Seconds()
	return run, version, err
}

// Results returns every run so far, labelled, in the order they ran (a
// copy: later runs do not change it).
func (s *ABSession) Results() *results.Results {
	r := *s.res
	r.Runs = append([]results.Run(nil), s.res.Runs...)
	r.Settings.Extra = make(map[string]string, len(s.res.Settings.Extra))
	for k, v := range s.res.Settings.Extra {
		r.Settings.Extra[k] = v
	}
	return &r
}

// Close stops the network (every client left, every relay) and the echo
// server. It is safe to call more than once.
func (s *ABSession) Close() error {
	var err error
	if s.echo != nil {
		if e := s.echo.Close(); e != nil {
			err = e
		}
		s.echo = nil
	}
	if s.net != nil {
		if e := s.net.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// SplitAB splits the results of an A/B session into its two sides, in the
// order they ran, ready for check.Compare(base, head, cfg): base holds
// the runs labelled "A" with side A's client command, name and version,
// head the runs labelled "B".
func SplitAB(r *results.Results) (base, head *results.Results) {
	a, b := *r, *r
	a.Runs, b.Runs = nil, nil
	for _, run := range r.Runs {
		if run.Label == SideB.String() {
			b.Runs = append(b.Runs, run)
		} else {
			a.Runs = append(a.Runs, run)
		}
	}
	a.Settings.Runs, b.Settings.Runs = len(a.Runs), len(b.Runs)
	if x := r.Settings.Extra; x != nil {
		if _, ok := x[ExtraABBaseCommand]; ok {
			a.Environment.ClientCommand = x[ExtraABBaseCommand]
			a.Environment.ClientVersion = x[ExtraABBaseVersion]
			if n := x[ExtraABBaseName]; n != "" {
				a.Environment.ClientName = n
			}
		}
	}
	return &a, &b
}

// clientName is the environment's client name for a command template.
func clientName(command string) string {
	if command == "" {
		return "tor"
	}
	return "custom"
}
