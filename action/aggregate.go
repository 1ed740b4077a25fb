package action

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// A shard is one shard's manifest and results, as mode aggregate found it.
type shard struct {
	ShardManifest
	dir        string
	base, head *results.Results
}

// aggregate is mode aggregate: the job that needs the matrix's shards
// reads their artifacts (input results: the directory they were
// downloaded to), names every shard that is missing, pools the shards
// (stored-baseline mode: check.ComparePooled against the baseline at the
// base commit) or compares them paired by runner (A/B mode:
// check.ComparePaired), and keeps the one comment and status.
func (a *step) aggregate(ctx context.Context) error {
	pr := a.ev.PullRequest
	shards, notes, err := readShards(a.abs(a.in.Results))
	if err != nil {
		return a.finishError(ctx, pr, fmt.Errorf("mode aggregate: %w", err))
	}
	var changed []string
	if a.ev.WorkflowRun != nil {
		// A fork's shards, reported by a workflow_run job: trust nothing
		// in the artifacts, as mode report does.
		prPaths := make([]string, len(shards))
		for i, s := range shards {
			prPaths[i] = filepath.Join(s.dir, "pr.json")
		}
		var files []string
		if pr, files, err = a.trustedRun(ctx, "mode aggregate", prPaths...); err != nil {
			return err
		}
		changed = FilesUnder(files, a.baselineDir())
	} else if pr != nil {
		changed = a.changedBaselines(ctx, pr)
	}
	cfg, cfgNotes, err := a.loadConfig(ctx, pr)
	if err != nil {
		return a.finishError(ctx, pr, err)
	}
	var rep *check.Report
	resPath := filepath.Join(a.workspace, outDir, "results.json")
	if shards[0].AB {
		pairs := make([]check.ShardPair, len(shards))
		for i, s := range shards {
			pairs[i] = check.ShardPair{Name: s.name(), Base: s.base, Head: s.head}
		}
		if rep, err = check.ComparePaired(pairs, cfg); err != nil {
			return a.finishError(ctx, pr, fmt.Errorf("mode aggregate: %w", err))
		}
	} else {
		base, baseNotes, err := a.loadBaseline(ctx, pr)
		if err != nil {
			return a.finishError(ctx, pr, err)
		}
		notes = append(notes, baseNotes...)
		heads := make([]*results.Results, len(shards))
		for i, s := range shards {
			heads[i] = s.head
		}
		if rep, err = check.ComparePooled(base, heads, cfg); err != nil {
			return a.finishError(ctx, pr, fmt.Errorf("mode aggregate: %w", err))
		}
		if pooled, _, err := check.PoolShards(heads); err == nil {
			if err := writeResultsJSON(resPath, pooled); err != nil {
				a.r.Warning("perfgate", fmt.Sprintf("the pooled results were not written: %v", err))
			}
		}
		a.setPaths(rep, pr, resPath)
	}
	return a.publishReport(ctx, pr, rep, resPath, changed, append(notes, cfgNotes...))
}

// name is the shard's name in the report: "shard 2 (runner r2)".
func (s *shard) name() string {
	n := fmt.Sprintf("shard %d", s.Index+1)
	if s.Runner != "" {
		n += " (runner " + s.Runner + ")"
	}
	return n
}

// readShards reads every shard manifest under dir with its results, in
// shard order. Every shard must be of one matrix (one total, one mode)
// and appear once; the shards that are missing are named in the notes,
// which also say what the verdict is based on.
func readShards(dir string) ([]*shard, []string, error) {
	var shards []*shard
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Name() != shardFile {
			return nil
		}
		s, err := readShard(p)
		if err != nil {
			return err
		}
		shards = append(shards, s)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("the shards' artifacts in %s: %w", dir, err)
	}
	if len(shards) == 0 {
		return nil, nil, fmt.Errorf("no %s under %s: download the shards' artifacts there (actions/download-artifact)", shardFile, dir)
	}
	sort.Slice(shards, func(i, j int) bool { return shards[i].Index < shards[j].Index })
	total, seen := shards[0].Total, map[int]string{}
	for _, s := range shards {
		switch {
		case s.Total != total:
			return nil, nil, fmt.Errorf("%s says %d shards, %s says %d: the artifacts are of different matrices", s.dir, s.Total, shards[0].dir, total)
		case s.AB != shards[0].AB:
			return nil, nil, fmt.Errorf("%s and %s: one shard ran A/B mode, the other did not", s.dir, shards[0].dir)
		case seen[s.Index] != "":
			return nil, nil, fmt.Errorf("shard %d of %d appears twice: %s and %s", s.Index+1, total, seen[s.Index], s.dir)
		}
		seen[s.Index] = s.dir
	}
	var missing, present []string
	for i := range total {
		if seen[i] == "" {
			missing = append(missing, fmt.Sprint(i+1))
		} else {
			present = append(present, fmt.Sprint(i+1))
		}
	}
	if len(missing) == 0 {
		return shards, []string{fmt.Sprintf("Pooled from all %d shards of the matrix.", total)}, nil
	}
	return shards, []string{fmt.Sprintf("⚠️ Shard %s of %d did not report (the job failed before uploading its results, or the artifact is missing): the verdict is based on shard %s only.",
		strings.Join(missing, ", "), total, strings.Join(present, ", "))}, nil
}

// readShard reads one manifest and the results it names.
func readShard(p string) (*shard, error) {
	data, err := results.ReadFile(p)
	if err != nil {
		return nil, err
	}
	s := &shard{dir: filepath.Dir(p)}
	if s.ShardManifest, err = ParseShardManifest(data, p); err != nil {
		return nil, err
	}
	if s.head, err = results.Load(filepath.Join(s.dir, s.Results), ""); err != nil {
		return nil, err
	}
	if s.AB {
		if s.base, err = results.Load(filepath.Join(s.dir, s.BaselineResults), ""); err != nil {
			return nil, err
		}
	}
	return s, nil
}
