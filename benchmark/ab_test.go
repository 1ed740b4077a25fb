package benchmark

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// TestRunABOnTor runs an A/B session of two runs per side on a real private
// network, with two different client commands (Debian's tor, and Debian's
// tor with an extra option): the runs are labelled in the balanced order,
// each run measures a fresh client of its own side (its own PID, its own
// command line), every client is gone after its run, and SplitAB gives two
// sides of two runs with their own client commands.
func TestRunABOnTor(t *testing.T) {
	needNetwork(t)
	tor, err := exec.LookPath("tor")
	if err != nil {
		t.Fatal(err)
	}
	base := tor + " --defaults-torrc /dev/null -f {torrc}"
	head := tor + " --defaults-torrc /dev/null -f {torrc} --CircuitStreamTimeout 31"
	var (
		mu   sync.Mutex
		pids []int
		cmds []string
	)
	after := func(i int, s *Suite) {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", s.ep.PID))
		mu.Lock()
		defer mu.Unlock()
		pids = append(pids, s.ep.PID)
		cmds = append(cmds, string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
	}
	var progress bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	res, err := RunAB(ctx, RunOptions{Runs: 2, Config: testConfig(), Quick: true,
		Categories: Categories{Circuit: true, Memory: true}, Timeout: 2 * time.Minute,
		ClientCommand: head, BaselineClientCommand: base, AfterRun: after,
		Progress: NewProgress(&progress, false, false)})
	t.Logf("progress:\n%s", progress.String())
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for i, r := range res.Runs {
		labels = append(labels, r.Label)
		if r.Index != i || r.Error != "" || len(r.Benchmarks) == 0 || r.WallS <= 0 || r.NetworkStartS <= 0 {
			t.Errorf("run %d: index %d, error %q, %d benchmarks, wall %.1fs, client start %.1fs", i, r.Index, r.Error, len(r.Benchmarks), r.WallS, r.NetworkStartS)
		}
	}
	if got := strings.Join(labels, ""); got != "ABBA" {
		t.Errorf("labels %q, want ABBA", got)
	}
	if len(pids) != 4 {
		t.Fatalf("%d runs seen by AfterRun, want 4", len(pids))
	}
	seen := map[int]bool{}
	for i, pid := range pids {
		if seen[pid] {
			t.Errorf("run %d measured pid %d again: not a fresh client", i, pid)
		}
		seen[pid] = true
		if pidExists(pid) {
			t.Errorf("client pid %d (run %d) still alive after the session", pid, i)
		}
		extra := strings.Contains(cmds[i], "CircuitStreamTimeout 31")
		if want := labels[i] == "B"; extra != want {
			t.Errorf("run %d (%s) ran %q", i, labels[i], cmds[i])
		}
	}
	a, b := SplitAB(res)
	if len(a.Runs) != 2 || len(b.Runs) != 2 || a.Settings.Runs != 2 || b.Settings.Runs != 2 {
		t.Fatalf("split %d/%d runs", len(a.Runs), len(b.Runs))
	}
	if a.Environment.ClientCommand != base || b.Environment.ClientCommand != head {
		t.Errorf("client commands: base %q, head %q", a.Environment.ClientCommand, b.Environment.ClientCommand)
	}
	if !strings.HasPrefix(a.Environment.ClientVersion, "0.") && !strings.HasPrefix(a.Environment.ClientVersion, "Tor") || a.Environment.ClientVersion != b.Environment.ClientVersion {
		t.Errorf("client versions: base %q, head %q", a.Environment.ClientVersion, b.Environment.ClientVersion)
	}
	if _, err := check.Compare(a, b, check.DefaultConfig()); err != nil {
		t.Errorf("Compare(base, head): %v", err)
	}
}

// TestRunABClientFails: a side whose client cannot start fails the
// session with the error recorded in its run, and no further run runs.
func TestRunABClientFails(t *testing.T) {
	needNetwork(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	begin := time.Now()
	res, err := RunAB(ctx, RunOptions{Runs: 2, Config: testConfig(), Timeout: time.Minute,
		BaselineClientCommand: "sh -c 'echo perfgate-test: base client broken >&2; exit 4'"})
	if !errors.Is(err, ErrRun) || !strings.Contains(err.Error(), "client A") || !strings.Contains(err.Error(), "base client broken") {
		t.Fatalf("RunAB = %v, want ErrRun naming client A with its log", err)
	}
	if len(res.Runs) != 1 || res.Runs[0].Label != "A" || res.Runs[0].Error == "" {
		t.Fatalf("runs %+v, want A failed and no further run", res.Runs)
	}
	t.Logf("failed after %v: %v", time.Since(begin).Round(time.Millisecond), err)
}

func TestSplitAB(t *testing.T) {
	r := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName,
		Environment: results.Environment{ClientCommand: "head {torrc}", ClientName: "custom", ClientVersion: "0.5"},
		Settings:    results.Settings{Extra: map[string]string{ExtraABBaseCommand: "", ExtraABBaseVersion: "0.4", ExtraABBaseName: "tor"}}}
	for i, side := range Schedule(3, Balanced) {
		r.Runs = append(r.Runs, results.Run{Index: i, Label: side.String()})
	}
	a, b := SplitAB(r)
	if len(a.Runs) != 3 || len(b.Runs) != 3 || a.Settings.Runs != 3 || len(r.Runs) != 6 {
		t.Fatalf("split %d/%d of %d", len(a.Runs), len(b.Runs), len(r.Runs))
	}
	for i, want := range []int{0, 3, 5} {
		if a.Runs[i].Index != want {
			t.Errorf("A run %d is run %d, want %d", i, a.Runs[i].Index, want)
		}
	}
	if a.Environment.ClientCommand != "" || a.Environment.ClientName != "tor" || a.Environment.ClientVersion != "0.4" {
		t.Errorf("base environment %+v", a.Environment)
	}
	if b.Environment.ClientCommand != "head {torrc}" || b.Environment.ClientVersion != "0.5" {
		t.Errorf("head environment %+v", b.Environment)
	}
}
