package action_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/perfgate/perfgate/action"
)

// The parsers of what an artifact carries (pr.json, shard.json: written by
// a pull request's own run, a fork's included) and of the inputs that name
// things: whatever the bytes, an error or a value that keeps the promises
// the callers rely on.

func FuzzParsePRContext(f *testing.F) {
	// As check mode writes it for the fork's pull request of the tests.
	f.Add([]byte(`{"repo":"Codertocat/Hello-World","pull_request":{"number":2,"head_sha":"ec26c3e57ca3a959ca5aad62de7213c562f8c821",` +
		`"base_sha":"f95f852bd8fca8fcc58a9a2d6c842781e32a215e","base_ref":"master","head_ref":"changes","head_repo":"forker/Hello-World","fork":true,` +
		`"html_url":"https://github.com/Codertocat/Hello-World/pull/2"},"changed_baselines":["baselines/default.json"]}`))
	f.Add([]byte(`{"pull_request":null}`))
	f.Add([]byte(`{"pull_request":{"number":-1}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pc, err := action.ParsePRContext(data, "pr.json")
		if err == nil && (pc.PullRequest == nil || pc.PullRequest.Number <= 0) {
			t.Fatalf("accepted %+v", pc)
		}
	})
}

func FuzzParseShardManifest(f *testing.F) {
	f.Add([]byte(`{"index":1,"total":3,"runner":"GitHub Actions 2","results":"results.json","verdict":"pass"}`))
	f.Add([]byte(`{"index":0,"total":3,"ab":true,"results":"results.json","baseline_results":"baseline-results.json","verdict":"regression"}`))
	f.Add([]byte(`{"index":0,"total":1,"results":"../../secret"}`))
	f.Add([]byte(`{"index":0,"total":1,"results":".."}`))
	f.Add([]byte(`{"index":3,"total":3,"results":"results.json"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := action.ParseShardManifest(data, "shard.json")
		if err != nil {
			return
		}
		if m.Total < 1 || m.Index < 0 || m.Index >= m.Total {
			t.Fatalf("accepted shard %d of %d", m.Index, m.Total)
		}
		names := []string{m.Results}
		if m.AB {
			names = append(names, m.BaselineResults)
		}
		for _, n := range names {
			if n == "" || n == "." || n == ".." || filepath.Base(n) != n || filepath.Dir(filepath.Join("shard", n)) != "shard" {
				t.Fatalf("accepted results file %q outside the manifest's directory", n)
			}
		}
	})
}

func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/3", "2/3", " 1 / 5 ", "3/3", "-1/2", "0/0", "1", "a/b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, k, err := action.ParseShard(s)
		if err != nil {
			return
		}
		if k < 1 || i < 0 || i >= k {
			t.Fatalf("%q: shard %d of %d", s, i, k)
		}
		if i2, k2, err := action.ParseShard(fmt.Sprintf("%d/%d", i, k)); err != nil || i2 != i || k2 != k {
			t.Fatalf("%q: %d/%d does not parse back: %d/%d, %v", s, i, k, i2, k2, err)
		}
	})
}

func FuzzParseRepo(f *testing.F) {
	for _, s := range []string{"Codertocat/Hello-World", "o/r", "/r", "o/", "o/r/x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := action.ParseRepo(s)
		if err != nil {
			return
		}
		if r.Owner == "" || r.Name == "" || r.String() != s {
			t.Fatalf("%q parsed as %+v", s, r)
		}
	})
}
