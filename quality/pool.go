package quality

import (
	"sort"
	"strconv"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// A Pool is the collected runs of one condition: the client as is ("none")
// or with one injection, in one mode.
type Pool struct {
	Mode      string
	Injection string
	Kinds     []string
	Size      float64
	// Runs holds the runs of ModeStored pools (each on a fresh network);
	// failed runs are left out.
	Runs []results.Run
	// Sessions holds the runs of ModeAB pools, one slice per session in
	// schedule order, labelled "A" or "B".
	Sessions [][]results.Run
	// Files names the files the pool came from.
	Files []string

	env      results.Environment
	settings results.Settings
}

// AA reports whether the pool is of the client as is (no injection).
func (p *Pool) AA() bool { return p.Injection == "none" || p.Injection == "" }

// Pools groups collected results by mode and injection. Results without
// quality tags (e.g. the output of 'perfgate run') count as stored-mode
// A/A runs. Failed runs are left out.
func Pools(files map[string]*results.Results) []*Pool {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	byKey := map[string]*Pool{}
	var out []*Pool
	for _, name := range names {
		r := files[name]
		x := r.Settings.Extra
		mode, inj := x[ExtraMode], x[ExtraInjection]
		if mode == "" {
			mode = ModeStored
		}
		if inj == "" {
			inj = "none"
		}
		key := mode + "\x00" + inj
		p := byKey[key]
		if p == nil {
			size, _ := strconv.ParseFloat(x[ExtraSize], 64)
			var kinds []string
			if x[ExtraKinds] != "" {
				kinds = strings.Split(x[ExtraKinds], ",")
			}
			p = &Pool{Mode: mode, Injection: inj, Kinds: kinds, Size: size, env: r.Environment, settings: r.Settings}
			byKey[key] = p
			out = append(out, p)
		}
		p.Files = append(p.Files, name)
		if mode == ModeAB {
			// A session with a failed run is kept up to the failure.
			var sess []results.Run
			for _, run := range r.Runs {
				if run.Error != "" {
					break
				}
				sess = append(sess, run)
			}
			if len(sess) >= 2 {
				p.Sessions = append(p.Sessions, sess)
			}
		} else {
			p.Runs = append(p.Runs, succeeded(r.Runs)...)
		}
	}
	return out
}

// results wraps runs of the pool in a results file of its environment
// and settings: one side of a replayed comparison.
func (p *Pool) results(runs []results.Run) *results.Results {
	return &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Source: "perfgate",
		Environment: p.env, Settings: p.settings, Runs: runs}
}

// succeeded returns the runs that did not fail, in order.
func succeeded(runs []results.Run) []results.Run {
	var ok []results.Run
	for _, run := range runs {
		if run.Error == "" {
			ok = append(ok, run)
		}
	}
	return ok
}
