package quality

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// Keys of results.Settings.Extra under which a collected results file says
// what it holds.
const (
	ExtraMode      = "quality.mode"      // "stored" or "ab"
	ExtraInjection = "quality.injection" // Injection.Name; "none" for A/A
	ExtraSize      = "quality.size"      // the regression's size, e.g. "0.2"
	ExtraKinds     = "quality.kinds"     // "circuit,memory,streams"
	ExtraDetail    = "quality.detail"    // Injection.String()
)

// Modes of collection and comparison.
const (
	// ModeStored: every run on its own fresh network; a comparison pits k
	// runs of one pool against k other runs (like a stored baseline
	// against a PR's runs).
	ModeStored = "stored"
	// ModeAB: one network per session (benchmark.StartAB), a fresh client
	// for every run, A (as is) or B (injected, or as is for A/A), in a
	// balanced benchmark.Schedule; a comparison pits a session's A runs
	// against its B runs.
	ModeAB = "ab"
)

// The kinds of regression an Injection makes, one per gated metric.
const (
	KindCircuit = "circuit" // slower circuit builds: delay on the control port
	KindMemory  = "memory"  // more memory: a synthetic GeoIP file
	KindStreams = "streams" // fewer concurrent streams: a cap on SOCKS connections
)

// An Injection is a regression made on purpose, with real mechanisms, to
// a Tor client: what the evaluation's detection power is measured with.
type Injection struct {
	// Name identifies the condition, e.g. "none" or "all+20%".
	Name string
	// Kinds and Size say what was asked: Size 0.2 is a 20 % regression of
	// each kind's metric.
	Kinds []string
	Size  float64
	// ControlDelay is added to each direction of the control port (a
	// circuit build gets 2×ControlDelay slower); SOCKSDelay likewise to
	// each stream.
	ControlDelay, SOCKSDelay time.Duration
	// MaxStreams caps the client's SOCKS connections open at once.
	MaxStreams int
	// GeoIPEntries is the size of the synthetic GeoIP file the client loads.
	GeoIPEntries int
}

// None reports whether the injection changes nothing.
func (in Injection) None() bool {
	return in.ControlDelay == 0 && in.SOCKSDelay == 0 && in.MaxStreams == 0 && in.GeoIPEntries == 0
}

func (in Injection) String() string {
	if in.None() {
		return "none"
	}
	var p []string
	if in.ControlDelay > 0 {
		p = append(p, fmt.Sprintf("control port +%v each way", in.ControlDelay))
	}
	if in.SOCKSDelay > 0 {
		p = append(p, fmt.Sprintf("SOCKS +%v each way", in.SOCKSDelay))
	}
	if in.MaxStreams > 0 {
		p = append(p, fmt.Sprintf("at most %d SOCKS connections", in.MaxStreams))
	}
	if in.GeoIPEntries > 0 {
		p = append(p, fmt.Sprintf("GeoIP file of %d entries (~%.1f MiB)", in.GeoIPEntries,
			float64(in.GeoIPEntries*GeoIPBytesPerEntry)/results.MiB))
	}
	return strings.Join(p, ", ")
}

// BaseValues are the client's gated metrics as is, from which an
// injection of a given relative size is planned.
type BaseValues struct {
	CircuitP95 time.Duration
	RSS        uint64
	Capacity   int
}

// PlanInjection returns the injection that makes each named kind's metric
// worse by size (0.2 = 20 %) relative to base: a control-port delay of
// size×p95/2 each way, a GeoIP file of size×RSS bytes, a cap of
// (1−size)×capacity SOCKS connections.
func PlanInjection(kinds []string, size float64, base BaseValues) (Injection, error) {
	if size <= 0 || size >= 1 || math.IsNaN(size) {
		return Injection{}, fmt.Errorf("injection size %v: want between 0 and 1 (0.2 = 20 %%)", size)
	}
	in := Injection{Kinds: kinds, Size: size,
		Name: fmt.Sprintf("%s+%g%%", strings.Join(kinds, "+"), math.Round(size*1000)/10)}
	for _, k := range kinds {
		switch k {
		case KindCircuit:
			if base.CircuitP95 <= 0 {
				return Injection{}, errors.New("circuit injection: no baseline circuit p95")
			}
			in.ControlDelay = time.Duration(size * float64(base.CircuitP95) / 2)
		case KindMemory:
			if base.RSS == 0 {
				return Injection{}, errors.New("memory injection: no baseline RSS")
			}
			in.GeoIPEntries = GeoIPEntriesFor(uint64(size * float64(base.RSS)))
		case KindStreams:
			if base.Capacity <= 0 {
				return Injection{}, errors.New("streams injection: no baseline capacity")
			}
			in.MaxStreams = max(1, int(math.Floor((1-size)*float64(base.Capacity))))
		default:
			return Injection{}, fmt.Errorf("unknown injection kind %q (want %s, %s or %s)", k, KindCircuit, KindMemory, KindStreams)
		}
	}
	return in, nil
}

// PlanInjectionSizes is PlanInjection with a size per kind, e.g.
// {"circuit": 0.2, "memory": 0.1, "streams": 0.2}: the targets.
func PlanInjectionSizes(sizes map[string]float64, base BaseValues) (Injection, error) {
	kinds := make([]string, 0, len(sizes))
	for k := range sizes {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var in Injection
	var names []string
	for _, k := range kinds {
		one, err := PlanInjection([]string{k}, sizes[k], base)
		if err != nil {
			return Injection{}, err
		}
		names = append(names, one.Name)
		in.Kinds = append(in.Kinds, k)
		in.ControlDelay += one.ControlDelay
		in.SOCKSDelay += one.SOCKSDelay
		in.MaxStreams = max(in.MaxStreams, one.MaxStreams)
		in.GeoIPEntries += one.GeoIPEntries
		if in.Size == 0 || in.Size == sizes[k] {
			in.Size = sizes[k]
		} else {
			in.Size = -1 // mixed
		}
	}
	if len(kinds) == 0 {
		return Injection{}, errors.New("no injection kinds")
	}
	if in.Size < 0 {
		in.Size = 0
	}
	in.Name = strings.Join(names, ",")
	return in, nil
}

// BaseValuesOf reads the client's gated metrics from a pool of runs as is,
// as the gate computes them (check.Compare of the runs against no
// baseline).
func BaseValuesOf(r *results.Results) (BaseValues, error) {
	rep, err := check.Compare(nil, r, check.DefaultConfig())
	if err != nil {
		return BaseValues{}, err
	}
	var b BaseValues
	for _, m := range rep.Metrics {
		if m.Current == nil {
			continue
		}
		switch m.Key {
		case results.MetricCircuitBuildP95:
			b.CircuitP95 = time.Duration(m.Current.Value * float64(time.Second))
		case results.MetricMemorySteadyRSS:
			b.RSS = uint64(m.Current.Value)
		case results.MetricStreamCapacity:
			b.Capacity = int(m.Current.Value)
		}
	}
	return b, nil
}

// CollectOptions configure Collect.
type CollectOptions struct {
	// Mode is ModeStored or ModeAB.
	Mode string
	// Runs is the number of runs (ModeStored) or runs per side (ModeAB).
	Runs int
	// Order is the A/B interleaving.
	Order benchmark.Order
	// Injection applies to every run (ModeStored) or to client B (ModeAB).
	Injection Injection
	// CommandA and CommandB are the client command templates (see
	// torlab.Options.ClientCommand; "" is the system's tor) of the two
	// sides in ModeAB: the base and head builds of a maintainer's client.
	// In ModeStored, CommandB is the client's. An injection that needs its
	// own command (a GeoIP file) works only with the system's tor.
	CommandA, CommandB string
	// Config and Quick are the suite's; Categories selects benchmarks.
	Config     benchmark.Config
	Quick      bool
	Categories benchmark.Categories
	// Timeout bounds one run (ModeStored) or a whole session (ModeAB).
	Timeout time.Duration
	// Loopback is the networks' loopback mode (zero value: the best this
	// process can have, chosen once for the whole collection).
	Loopback torlab.LoopbackMode
	// WorkDir holds the synthetic GeoIP file ("" = a temporary directory).
	WorkDir string
	// Log receives one line per run (nil: nowhere).
	Log io.Writer
	// Checkpoint, when set, is called with the results after every run,
	// so that a long collection interrupted keeps what it measured.
	Checkpoint func(*results.Results) error
}

// Collect runs the suite o.Runs times with o.Injection and returns the
// results, tagged (Settings.Extra) with the mode and the injection. A run
// that fails is kept with its error; three failures in a row end the
// collection with an error.
func Collect(ctx context.Context, o CollectOptions) (*results.Results, error) {
	if o.Runs <= 0 {
		o.Runs = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Categories == (benchmark.Categories{}) {
		o.Categories = benchmark.AllCategories
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Mode == "" {
		o.Mode = ModeStored
	}
	if o.Mode != ModeStored && o.Mode != ModeAB {
		return nil, fmt.Errorf("collect: unknown mode %q (want %s or %s)", o.Mode, ModeStored, ModeAB)
	}
	if o.Injection.Name == "" {
		o.Injection.Name = "none"
	}
	cmdB, cleanup, err := injectedCommand(o.Injection, o.WorkDir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if cmdB == "" {
		cmdB = o.CommandB
	} else if o.CommandB != "" {
		return nil, errors.New("collect: a memory injection needs the system's tor as the client (CommandB must be empty)")
	}

	choice, err := torlab.ChooseLoopback(o.Loopback, "")
	if err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	o.Loopback = choice.Mode
	o.Config = o.Config.ForLoopback(string(choice.Mode))
	fmt.Fprintf(o.Log, "collect: %s\n", choice)
	env := benchmark.Environment(nil)
	env.ClientName = "tor"
	env.Loopback, env.NetworkSettings = string(choice.Mode), torlab.RelaySettings()
	res := &results.Results{
		Schema: results.SchemaResultsV1, Suite: results.SuiteName, Source: "perfgate",
		CreatedAt: time.Now().UTC(), Environment: env,
		Settings: o.Config.Settings(o.Runs, o.Quick, o.Timeout),
	}
	if res.Settings.Extra == nil {
		res.Settings.Extra = map[string]string{}
	}
	res.Settings.Extra[ExtraMode] = o.Mode
	res.Settings.Extra[ExtraInjection] = o.Injection.Name
	res.Settings.Extra[ExtraSize] = strconv.FormatFloat(o.Injection.Size, 'g', -1, 64)
	res.Settings.Extra[ExtraKinds] = strings.Join(o.Injection.Kinds, ",")
	res.Settings.Extra[ExtraDetail] = o.Injection.String()
	if o.Mode == ModeAB {
		res.Settings.Extra["quality.order"] = o.Order.String()
		err := collectAB(ctx, o, cmdB, res)
		return res, err
	}
	failures := 0
	for i := 0; i < o.Runs; i++ {
		run := runStored(ctx, o, cmdB, i)
		res.Runs = append(res.Runs, run)
		if run.Error != "" {
			failures++
			fmt.Fprintf(o.Log, "run %d/%d (%s): FAILED after %.1fs: %s\n", i+1, o.Runs, o.Injection.Name, run.WallS, run.Error)
		} else {
			failures = 0
			fmt.Fprintf(o.Log, "run %d/%d (%s): %.1fs (network %.1fs)%s\n", i+1, o.Runs, o.Injection.Name, run.WallS, run.NetworkStartS, runSummary(run))
		}
		if o.Checkpoint != nil {
			if err := o.Checkpoint(res); err != nil {
				return res, err
			}
		}
		if ctx.Err() != nil {
			return res, context.Cause(ctx)
		}
		if failures >= 3 {
			return res, fmt.Errorf("collect: %d runs in a row failed, the last: %s", failures, run.Error)
		}
	}
	return res, nil
}

// injectedCommand returns the client command template for the injected
// client ("" when the injection needs none: the system's tor as is).
func injectedCommand(in Injection, dir string) (string, func(), error) {
	if in.GeoIPEntries == 0 {
		return "", func() {}, nil
	}
	tmp, err := os.MkdirTemp(dir, "perfgate-quality-")
	if err != nil {
		return "", nil, fmt.Errorf("collect: %w", err)
	}
	cleanup := func() { os.RemoveAll(tmp) }
	path := filepath.Join(tmp, "geoip")
	if err := WriteGeoIP(path, in.GeoIPEntries); err != nil {
		cleanup()
		return "", nil, err
	}
	tor, err := exec.LookPath("tor")
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("collect: %w", err)
	}
	// Options on tor's command line override the torrc torlab writes (which
	// points GeoIPFile at an empty file).
	return fmt.Sprintf("%q --defaults-torrc %s -f {torrc} --GeoIPFile %q", tor, os.DevNull, path), cleanup, nil
}

// relays puts the injection's relays in front of a client's control and
// SOCKS ports (ep) and returns the endpoints the suite should use.
func relays(ep benchmark.Endpoints, in Injection) (benchmark.Endpoints, func(), error) {
	c := ep
	var open []*Relay
	closeAll := func() {
		for _, r := range open {
			r.Close()
		}
	}
	if in.ControlDelay > 0 {
		r, err := StartRelay(RelayOptions{Target: c.ControlAddr, UpDelay: in.ControlDelay, DownDelay: in.ControlDelay, Dial: ep.Dial, Listen: ep.Listen})
		if err != nil {
			return ep, nil, err
		}
		open = append(open, r)
		ep.ControlAddr = r.Addr()
	}
	if in.SOCKSDelay > 0 || in.MaxStreams > 0 {
		r, err := StartRelay(RelayOptions{Target: c.SOCKSAddr, UpDelay: in.SOCKSDelay, DownDelay: in.SOCKSDelay, MaxConns: in.MaxStreams, Dial: ep.Dial, Listen: ep.Listen})
		if err != nil {
			closeAll()
			return ep, nil, err
		}
		open = append(open, r)
		ep.SOCKSAddr = r.Addr()
	}
	return ep, closeAll, nil
}

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
