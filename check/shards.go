package check

import (
	"errors"
	"fmt"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// PoolShards pools the results of the shards of one gate (the jobs of a
// matrix, each on its own runner) into one results value, the current
// side of a comparison with a stored baseline: in stored-baseline mode a
// shard's runs are runs like any other. The pooled results hold every
// shard's runs in the order given, renumbered from 0, each labelled with
// its shard ("shard 1" … "shard K", Run.Label); the first shard gives the
// environment, settings and source, Settings.Runs counts every run, and
// CreatedAt is the earliest shard's. The runs share their benchmarks'
// data with the shards.
//
// Shards may run on different machines. That is no error: the warnings
// name every shard whose environment (results.EnvironmentDiff), settings
// or source differ from the first shard's, and how, e.g. "shard 3 (runner
// r3) ran in another environment than shard 1 (runner r1): CPU A → B".
// ComparePooled also says which shards differ from the baseline.
//
// It returns an error for no shards, a shard that is not valid results
// (results.Validate: the schema, a suite, runs), shards of different
// suites, and a shard whose runs hold both sides of an interleaved A/B
// session (runs labelled A and B): split such a session into base and
// head (benchmark.SplitAB) and pool each side, or compare the shards
// paired by runner (ComparePaired). Errors are *InputError whose Side
// names the shard.
func PoolShards(shards []*results.Results) (*results.Results, []string, error) {
	return poolShards(shardNames(len(shards)), shards)
}

// ComparePooled compares the shards of a stored-baseline gate, pooled
// (PoolShards), with baseline (nil: no baseline) under cfg: the report is
// Compare(baseline, pooled, cfg)'s, with PoolShards' warnings, a note
// counting each shard's runs, and, when the shards differ from the
// baseline's environment in different ways, an EnvironmentDiff that
// names each shard that differs ("shard 2: CPU A → B"). Pooling errors
// name the shard; Compare's are as documented there (Side "current" is
// the pooled shards).
func ComparePooled(baseline *results.Results, shards []*results.Results, cfg Config) (*Report, error) {
	names := shardNames(len(shards))
	pooled, warnings, err := poolShards(names, shards)
	if err != nil {
		return nil, err
	}
	rep, err := Compare(baseline, pooled, cfg)
	if err != nil {
		return nil, err
	}
	rep.Warnings = append(warnings, rep.Warnings...)
	counts := make([]string, len(shards))
	for i, s := range shards {
		counts[i] = fmt.Sprintf("%s: %s", names[i], plural(len(s.Runs), "run"))
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("The current side pools the runs of %s (%s).",
		plural(len(shards), "shard"), strings.Join(counts, ", ")))
	if baseline != nil {
		rep.EnvironmentDiff = shardEnvironmentDiff(names, baseline.Environment, shards, func(s *results.Results) results.Environment { return s.Environment })
	}
	return rep, nil
}

// shardNames are the default names of n shards: "shard 1" … "shard n".
func shardNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("shard %d", i+1)
	}
	return names
}

// poolShards is PoolShards for shards with the given names.
func poolShards(names []string, shards []*results.Results) (*results.Results, []string, error) {
	if len(shards) == 0 {
		return nil, nil, errors.New("no shards to pool")
	}
	for i, s := range shards {
		if s == nil {
			return nil, nil, &InputError{names[i], errors.New("no results")}
		}
		if err := s.Validate(); err != nil {
			return nil, nil, &InputError{names[i], err}
		}
		if s.Suite != shards[0].Suite {
			return nil, nil, &InputError{names[i], fmt.Errorf("results of suite %q cannot be pooled with %s's of suite %q", s.Suite, names[0], shards[0].Suite)}
		}
		if hasLabel(s, "A") && hasLabel(s, "B") {
			return nil, nil, &InputError{names[i], errors.New("holds both sides of an interleaved A/B session (runs labelled A and B): " +
				"split it into base and head and pool each side, or compare the shards paired by runner")}
		}
	}
	first := shards[0]
	pooled := &results.Results{Schema: first.Schema, Suite: first.Suite, Source: first.Source, CreatedAt: first.CreatedAt,
		Environment: first.Environment, Settings: first.Settings}
	for i, s := range shards {
		for _, run := range s.Runs {
			run.Index = len(pooled.Runs)
			run.Label = names[i]
			pooled.Runs = append(pooled.Runs, run)
		}
		if !s.CreatedAt.IsZero() && (pooled.CreatedAt.IsZero() || s.CreatedAt.Before(pooled.CreatedAt)) {
			pooled.CreatedAt = s.CreatedAt
		}
	}
	pooled.Settings.Runs = len(pooled.Runs)
	pooled.Notes = shardNotes(names, shards)
	return pooled, shardWarnings(names, shards), nil
}

func hasLabel(r *results.Results, label string) bool {
	for _, run := range r.Runs {
		if run.Label == label {
			return true
		}
	}
	return false
}

// shardNotes are the shards' notes, each once: as it is when every shard
// has it, else prefixed by the shard that has it.
func shardNotes(names []string, shards []*results.Results) []string {
	count := map[string]int{}
	for _, s := range shards {
		seen := map[string]bool{}
		for _, n := range s.Notes {
			if !seen[n] {
				seen[n] = true
				count[n]++
			}
		}
	}
	var out []string
	done := map[string]bool{}
	for i, s := range shards {
		for _, n := range s.Notes {
			switch {
			case count[n] == len(shards) && !done[n]:
				done[n] = true
				out = append(out, n)
			case count[n] < len(shards):
				out = append(out, names[i]+": "+n)
			}
		}
	}
	return out
}

// shardWarnings say which shards differ from the first in environment,
// settings or source; shards that differ alike share a warning.
func shardWarnings(names []string, shards []*results.Results) []string {
	first := shards[0]
	var out []string
	for _, what := range []struct {
		differs string
		diff    func(a, b *results.Results) []string
	}{
		{"ran in another environment", func(a, b *results.Results) []string { return results.EnvironmentDiff(a.Environment, b.Environment) }},
		{"ran with other settings", func(a, b *results.Results) []string { return settingsDiff(a.Settings, b.Settings) }},
		{"came from another source", func(a, b *results.Results) []string { return sourceDiff(a, b) }},
	} {
		var order []string
		groups := map[string][]string{}
		for i, s := range shards[1:] {
			d := strings.Join(what.diff(first, s), "; ")
			if d == "" {
				continue
			}
			if _, ok := groups[d]; !ok {
				order = append(order, d)
			}
			groups[d] = append(groups[d], shardTitle(names[i+1], s.Environment))
		}
		for _, d := range order {
			out = append(out, fmt.Sprintf("%s %s than %s: %s", strings.Join(groups[d], ", "), what.differs,
				shardTitle(names[0], first.Environment), d))
		}
	}
	return out
}

// shardEnvironmentDiff is how the shards' environments differ from
// base: results.EnvironmentDiff when every shard differs alike, else one
// entry per shard that differs, naming it. env picks a shard's
// environment.
func shardEnvironmentDiff(names []string, base results.Environment, shards []*results.Results, env func(*results.Results) results.Environment) []string {
	diffs := make([][]string, len(shards))
	same := true
	for i, s := range shards {
		diffs[i] = results.EnvironmentDiff(base, env(s))
		same = same && strings.Join(diffs[i], "; ") == strings.Join(diffs[0], "; ")
	}
	if same {
		return diffs[0]
	}
	var out []string
	for i, d := range diffs {
		if len(d) > 0 {
			out = append(out, shardTitle(names[i], env(shards[i]))+": "+strings.Join(d, ", "))
		}
	}
	return out
}

// shardTitle names a shard with its runner, when the results name it.
func shardTitle(name string, e results.Environment) string {
	switch {
	case e.RunnerName != "":
		return fmt.Sprintf("%s (runner %s)", name, e.RunnerName)
	case e.Hostname != "":
		return fmt.Sprintf("%s (host %s)", name, e.Hostname)
	}
	return name
}

// settingsDiff lists the suite settings in which b differs from a (the
// number of runs aside: shards may take different shares).
func settingsDiff(a, b results.Settings) []string {
	var d []string
	for _, f := range []struct {
		name string
		x, y any
	}{
		{"quick", a.Quick, b.Quick},
		{"circuits", a.Circuits, b.Circuits},
		{"circuit concurrency", a.CircuitConcurrency, b.CircuitConcurrency},
		{"memory window", a.MemoryWindowS, b.MemoryWindowS},
		{"leak cycles", a.LeakCycles, b.LeakCycles},
		{"concurrent streams", a.ConcurrentStreams, b.ConcurrentStreams},
		{"stream levels", fmt.Sprint(a.StreamLevels), fmt.Sprint(b.StreamLevels)},
		{"stream max level", a.StreamMaxLevel, b.StreamMaxLevel},
		{"stream p95 bound", a.StreamP95BoundS, b.StreamP95BoundS},
	} {
		if f.x != f.y {
			d = append(d, fmt.Sprintf("%s %v → %v", f.name, f.x, f.y))
		}
	}
	return d
}

func sourceDiff(a, b *results.Results) []string {
	if sourceName(a) == sourceName(b) {
		return nil
	}
	return []string{sourceName(a) + " → " + sourceName(b)}
}

// plural is "1 run", "2 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
