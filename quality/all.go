package quality

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// AllOptions configure All.
type AllOptions struct {
	// Dir holds the collected runs: reused, and completed when short.
	Dir string
	// AARuns is the A/A runs wanted, each on a fresh network (aa.json).
	AARuns int
	// Inject names the regressions to inject, KIND[=SIZE] comma-separated
	// (ParseInjection, calibrated on the A/A runs), Size the size of kinds
	// named without one; InjectedRuns the runs wanted with them, each on
	// a fresh network (inject-NAME.json). One set of runs carries all
	// kinds; each metric is judged on its own. Empty Inject or no
	// InjectedRuns: none.
	Inject       string
	Size         float64
	InjectedRuns int
	// ABRuns is the runs per side of each A/B session (0: no A/B mode);
	// ABSessions the sessions of each kind, A/A and injected
	// (ab-NAME-N.json).
	ABRuns, ABSessions int
	// Collect is the suite's options every collection shares (Mode, Runs
	// and Injection are set per file); it carries the loopback mode.
	Collect CollectOptions
	// Replay replays everything in Dir once it is complete.
	Replay ReplayOptions
	// Log receives the collection's progress, and the replay's when
	// Replay.Log is nil (nil: nowhere).
	Log io.Writer
}

// All is 'perfgate evaluate all': it collects what o.Dir lacks (A/A runs,
// injected runs, A/B sessions: TopUp and CollectTo), then replays every
// results file in it (ReplayFiles) and returns the evaluation.
func All(ctx context.Context, o AllOptions) ([]Cell, error) {
	log := orDiscard(o.Log)
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	stored := func(path string, runs int, in Injection) error {
		c := o.Collect
		c.Runs, c.Injection = runs, in
		return TopUp(ctx, path, c, log)
	}
	// 1. A/A runs, stored mode.
	aaPath := filepath.Join(o.Dir, "aa.json")
	if err := stored(aaPath, o.AARuns, Injection{Name: "none"}); err != nil {
		return nil, err
	}
	// 2. Injected runs, planned from the A/A runs.
	var in Injection
	if o.Inject != "" && o.InjectedRuns > 0 {
		var err error
		if in, err = ParseInjection(o.Inject, o.Size, aaPath); err != nil {
			return nil, err
		}
		if err := stored(filepath.Join(o.Dir, "inject-"+fileSafe(in.Name)+".json"), o.InjectedRuns, in); err != nil {
			return nil, err
		}
	}
	// 3. A/B sessions: A/A, and A against injected B.
	if o.ABRuns > 0 {
		conds := []Injection{{Name: "none"}}
		if in.Name != "" {
			conds = append(conds, in)
		}
		for _, c := range conds {
			for s := 1; s <= o.ABSessions; s++ {
				if err := session(ctx, o, c, s, log); err != nil {
					return nil, err
				}
			}
		}
	}
	// 4. Replay everything in the directory.
	paths, err := filepath.Glob(filepath.Join(o.Dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	if o.Replay.Log == nil {
		o.Replay.Log = log
	}
	return ReplayFiles(paths, o.Replay)
}

// session collects A/B session s of condition in, unless Dir holds it.
func session(ctx context.Context, o AllOptions, in Injection, s int, log io.Writer) error {
	p := filepath.Join(o.Dir, fmt.Sprintf("ab-%s-%d.json", fileSafe(in.Name), s))
	if r, err := results.Load(p, ""); err == nil && len(r.Runs) >= 2*o.ABRuns {
		fmt.Fprintf(log, "reusing %s\n", p)
		return nil
	}
	c := o.Collect
	c.Mode, c.Runs, c.Injection = ModeAB, o.ABRuns, in
	_, err := CollectTo(ctx, p, c, nil, log)
	return err
}

// fileSafe is an injection's name as a file name: lower case, '%' left
// out, anything but letters, digits, '-' and '.' made '-'.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		if r == '%' {
			return -1
		}
		return '-'
	}, s)
}
