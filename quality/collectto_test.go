package quality

import (
	"context"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/results"
)

// TestAppended: a checkpoint of a topped-up file holds the previous runs,
// then the new ones, renumbered; its inputs are left alone.
func TestAppended(t *testing.T) {
	r := loadNoise(t)
	prev, cur := *r, *r
	prev.Runs, cur.Runs = r.Runs[:2], r.Runs[5:6]
	cur.Settings.Runs = 1
	for _, tc := range []struct {
		name       string
		prev       *results.Results
		from, want []int // the fixture's runs, and their indices after
	}{
		{"no previous runs", nil, []int{5}, []int{5}},
		{"after previous runs", &prev, []int{0, 1, 5}, []int{0, 1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := appended(tc.prev, &cur)
			var from, idx []int
			for _, run := range got.Runs {
				idx = append(idx, run.Index)
				for i, fr := range r.Runs {
					if fr.Benchmarks[0].LatenciesS[0] == run.Benchmarks[0].LatenciesS[0] {
						from = append(from, i)
					}
				}
			}
			if !reflect.DeepEqual(from, tc.from) || !reflect.DeepEqual(idx, tc.want) || got.Settings.Runs != len(tc.want) {
				t.Errorf("runs %v numbered %v (settings: %d runs), want %v numbered %v", from, idx, got.Settings.Runs, tc.from, tc.want)
			}
			if cur.Runs[0].Index != 5 || len(prev.Runs) != 2 || len(cur.Runs) != 1 {
				t.Error("appended changed its inputs")
			}
		})
	}
}

// TestTopUp makes a file hold two successful runs: the fixture's one, and
// (tor installed, not -short) one collected on a real private network; the
// failed run the file held is dropped. A file that holds enough is reused.
func TestTopUp(t *testing.T) {
	r := loadNoise(t)
	path := filepath.Join(t.TempDir(), "aa.json")
	start := *r
	start.Runs = []results.Run{r.Runs[0], {Index: 1, Error: "starting the network: refused"}}
	if err := benchmark.WriteResultsFile(path, &start); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	o := CollectOptions{Runs: 1, Config: smallConfig(), Quick: true, Timeout: 3 * time.Minute}
	if err := TopUp(context.Background(), path, o, &log); err != nil || !strings.Contains(log.String(), "reusing "+path+": 1 runs") {
		t.Fatalf("topping up to 1 run: %v; log: %s", err, log.String())
	}
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor is not installed (make deps installs Debian's tor)")
	}
	if testing.Short() {
		t.Skip("collecting a run takes a private network: not with -short")
	}
	log.Reset()
	o.Runs = 2
	err := TopUp(context.Background(), path, o, &log)
	t.Logf("log:\n%s", log.String())
	if err != nil {
		t.Fatal(err)
	}
	got, err := results.Load(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Runs) != 2 || got.Settings.Runs != 2 || got.Runs[1].Index != 1 || got.Runs[1].Error != "" ||
		got.Runs[0].Benchmarks[0].LatenciesS[0] != r.Runs[0].Benchmarks[0].LatenciesS[0] {
		t.Errorf("file holds %d runs (settings %d): %+v", len(got.Runs), got.Settings.Runs, got.Runs)
	}
	if !strings.Contains(log.String(), "collecting 1 stored run(s) into "+path+": injection none") {
		t.Errorf("log: %s", log.String())
	}
}
