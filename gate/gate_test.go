package gate_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/gate"
)

// TestPartialRun: the second of two runs fails (its client exits at once),
// so the gate compares the finished run with the failed one: a report
// whose verdict is error and names the failed run, and the run's error.
func TestPartialRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite on real tor")
	}
	tor, err := exec.LookPath("tor")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "client.sh")
	mark := filepath.Join(dir, "started")
	body := "#!/bin/sh\nif [ -e " + mark + " ]; then echo 'refusing a second run' >&2; exit 3; fi\n: > " + mark + "\nexec " + tor + " \"$@\"\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	out, err := gate.Run(ctx, gate.Options{
		Suite: benchmark.RunOptions{Runs: 2, Quick: true, Config: benchmark.QuickConfig(), Timeout: time.Minute,
			ClientCommand: script + " -f {torrc}"},
	})
	if err == nil {
		t.Fatal("no error from a failed run")
	}
	if out.Head == nil || len(out.Head.Runs) != 2 || out.Head.Runs[0].Error != "" || out.Head.Runs[1].Error == "" {
		t.Fatalf("runs %+v, want the first finished and the second failed", out.Head)
	}
	if out.Report == nil || out.Report.Verdict != check.VerdictError {
		t.Fatalf("report %+v, want an error verdict", out.Report)
	}
	if w := strings.Join(out.Report.Warnings, "\n"); !strings.Contains(w, "current run 1 failed") {
		t.Errorf("the report does not name the failed run:\n%s", w)
	}
}
