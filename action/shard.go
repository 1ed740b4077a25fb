package action

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// shardFile is the manifest a shard leaves beside its results in
// .perfgate/, for mode aggregate.
const shardFile = "shard.json"

// A ShardManifest says what one shard of a matrix measured: which shard of
// how many, on which runner, in which mode, and its results' files (names
// in the manifest's directory).
type ShardManifest struct {
	Index  int    `json:"index"`
	Total  int    `json:"total"`
	Runner string `json:"runner,omitempty"`
	// AB tells an interleaved A/B shard: BaselineResults holds its base
	// (A) runs, Results its head (B) runs.
	AB              bool   `json:"ab,omitempty"`
	Results         string `json:"results"`
	BaselineResults string `json:"baseline_results,omitempty"`
	// Verdict is the shard's own verdict, for the log: the aggregate
	// decides.
	Verdict check.Verdict `json:"verdict"`
}

// ParseShardManifest parses a shard.json. It comes from an artifact, so
// its results' files must be plain names in its own directory (no path
// that leads elsewhere), and the shard one of 0 ≤ Index < Total.
func ParseShardManifest(data []byte, name string) (ShardManifest, error) {
	var m ShardManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return ShardManifest{}, results.JSONError(data, name, err)
	}
	if m.Total < 1 || m.Index < 0 || m.Index >= m.Total || !plainName(m.Results) {
		return ShardManifest{}, fmt.Errorf("%s: not a shard manifest perfgate wrote (shard %d of %d, results %q)", name, m.Index, m.Total, m.Results)
	}
	if m.AB && !plainName(m.BaselineResults) {
		return ShardManifest{}, fmt.Errorf("%s: an A/B shard without its baseline client's results (baseline_results %q)", name, m.BaselineResults)
	}
	return m, nil
}

// plainName reports whether s names a file in the directory itself.
func plainName(s string) bool {
	return s != "" && s != "." && s != ".." && filepath.Base(s) == s
}

// finishShard ends check mode for one shard of a matrix: the results stay
// in .perfgate/ with the manifest beside them, the job summary shows the
// shard's own report, and nothing is posted: mode aggregate pools the
// shards and keeps the one comment and status. A shard whose suite failed
// exits 2 after writing all this, so that the aggregate can name it.
func (a *step) finishShard(rep *check.Report, resPath string, ab bool) error {
	if dir := filepath.Join(a.workspace, outDir); filepath.Dir(resPath) != dir {
		// The results input lies elsewhere: the artifact is .perfgate/.
		if resPath = a.keepResults(resPath); resPath == "" {
			return fmt.Errorf("shard: the results could not be kept in %s for the aggregate job", dir)
		}
	}
	m := ShardManifest{Index: a.in.ShardIndex, Total: a.in.ShardTotal, Runner: a.o.Getenv("RUNNER_NAME"),
		AB: ab, Results: filepath.Base(resPath), Verdict: rep.Verdict}
	if ab {
		m.BaselineResults = "baseline-results.json"
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("shard manifest: %w", err)
	}
	if err := results.WriteFileAtomic(filepath.Join(filepath.Dir(resPath), shardFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("shard manifest: %w", err)
	}
	head := fmt.Sprintf("## perfgate: shard %d of %d\n\nThis job measured its share of the runs; the aggregate job (mode aggregate) pools the shards and keeps the one comment and status. The shard's own comparison, for the log:\n\n", m.Index+1, m.Total)
	a.r.Summary(a.limitedMarkdown(head, rep, maxSummaryReport, a.artifactWhere(filepath.Join(a.workspace, outDir, "report.md"))))
	a.output("verdict", "shard")
	a.output("regressed", "false")
	a.output("shard", a.in.Shard)
	a.output("results-json", a.rel(resPath))
	if rep.Verdict == check.VerdictError {
		return fmt.Errorf("shard %d of %d: the suite failed: %s", m.Index+1, m.Total, rep.Headline())
	}
	return nil
}
