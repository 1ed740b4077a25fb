package quality

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
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
	o.Log = orDiscard(o.Log)
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
