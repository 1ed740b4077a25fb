package torlab

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv names the environment variable that makes the test binary run a
// child scenario (see runChild) instead of the tests: the life-cycle tests
// re-execute the test binary to see what happens to a network when the
// program that runs it gets SIGTERM, panics, or dies hard.
const childEnv = "TORLAB_TEST_CHILD"

// childDirEnv is the parent directory the child puts its network in.
const childDirEnv = "TORLAB_TEST_CHILD_DIR"

// childLoopbackEnv is the loopback mode of the child's network ("": auto).
const childLoopbackEnv = "TORLAB_TEST_CHILD_LOOPBACK"

// childReport is what a child prints (one JSON line) once its network is ready.
type childReport struct {
	Dir  string
	PIDs []int
	Mode LoopbackMode
}

// runChild runs the scenario named by $TORLAB_TEST_CHILD and returns the
// exit code.
func runChild() int {
	scenario := os.Getenv(childEnv)
	// Like perfgate's main: SIGINT/SIGTERM cancel the context.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	n, err := Start(ctx, Options{Dir: os.Getenv(childDirEnv), Relays: 1, Exits: 1, Loopback: LoopbackMode(os.Getenv(childLoopbackEnv))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 3
	}
	defer n.Close()
	rep := childReport{Dir: n.Dir(), Mode: n.Loopback().Mode()}
	for _, nd := range n.Nodes() {
		rep.PIDs = append(rep.PIDs, nd.PID)
	}
	// The panic scenario waits for SIGUSR1: listen before the report, so
	// that the parent's signal cannot come first.
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	b, _ := json.Marshal(rep)
	fmt.Printf("%s\n", b)
	switch scenario {
	case "sigterm":
		<-ctx.Done()
		return 0 // the deferred Close waits for the teardown that ctx started
	case "panic":
		// Wait for the parent to have seen the network's processes
		// running, then panic: the deferred Close runs.
		<-usr1
		panic("torlab test child: a panic in the caller")
	case "sigkill":
		time.Sleep(time.Hour) // the parent kills us with SIGKILL
		return 0
	}
	fmt.Fprintln(os.Stderr, "child: unknown scenario", scenario)
	return 4
}

// startChild re-executes the test binary running scenario and returns it
// with its report once its network is ready.
func startChild(t *testing.T, scenario string, loopback LoopbackMode) (*exec.Cmd, childReport) {
	t.Helper()
	needTor(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+scenario, childDirEnv+"="+t.TempDir(), childLoopbackEnv+"="+string(loopback))
	cmd.Stderr = &prefixWriter{t: t, prefix: scenario + " child: "}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "{") {
				lines <- sc.Text()
				break
			}
		}
		close(lines)
		for sc.Scan() {
		}
	}()
	var rep childReport
	select {
	case line, ok := <-lines:
		if !ok {
			cmd.Wait()
			t.Fatalf("%s child exited before its network was ready (%v)", scenario, cmd.ProcessState)
		}
		if err := json.Unmarshal([]byte(line), &rep); err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%s child: no network after 3 minutes", scenario)
	}
	if len(rep.PIDs) == 0 {
		t.Fatalf("%s child reported no PIDs", scenario)
	}
	for _, pid := range rep.PIDs {
		if !processAlive(pid, rep.Dir) {
			t.Fatalf("%s child: pid %d not running right after start", scenario, pid)
		}
	}
	return cmd, rep
}

// prefixWriter logs what a child writes on stderr.
type prefixWriter struct {
	t      *testing.T
	prefix string
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.t.Log(w.prefix + l)
	}
	return len(p), nil
}

// processAlive reports whether pid is a live (not zombie) process whose
// command line names a file under dir: a tor process of that network, not
// a process that reused the PID.
func processAlive(pid int, dir string) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(string(cmdline), dir) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// state is the field after the parenthesised command name.
	if i := strings.LastIndexByte(string(stat), ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
		return false
	}
	return true
}

// waitGone waits until none of pids is a live process of the network in
// dir, and fails the test naming the survivors otherwise.
func waitGone(t *testing.T, pids []int, dir string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var alive []int
		for _, pid := range pids {
			if processAlive(pid, dir) {
				alive = append(alive, pid)
			}
		}
		if len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range alive {
				syscall.Kill(pid, syscall.SIGKILL) // do not leak them past the test
			}
			t.Fatalf("processes still running %v after %v: %v", within, pids, alive)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestChildLifeCycle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three networks in child processes")
	}
	sigkill := func(c *exec.Cmd) { c.Process.Kill() }
	tests := []struct {
		name     string
		scenario string
		loopback LoopbackMode
		act      func(*exec.Cmd)
		exitCode int  // expected exit code of the child (-1: killed by a signal)
		dirGone  bool // the network's directory is removed
	}{
		{"sigterm", "sigterm", LoopbackAuto, func(c *exec.Cmd) { c.Process.Signal(syscall.SIGTERM) }, 0, true},
		{"panic", "panic", LoopbackAuto, func(c *exec.Cmd) { c.Process.Signal(syscall.SIGUSR1) }, 2, true},
		// A parent killed hard cannot clean up: PR_SET_PDEATHSIG (and
		// __OwningControllerProcess) still stop every tor process, also
		// those forked inside the network's namespace, and the shim's
		// preloaded relays.
		{"sigkill namespace", "sigkill", LoopbackNamespace, sigkill, -1, false},
		{"sigkill shim", "sigkill", LoopbackShim, sigkill, -1, false},
		{"sigkill host", "sigkill", LoopbackHost, sigkill, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ChooseLoopback(tt.loopback, ""); err != nil {
				t.Skip(err)
			}
			t.Parallel()
			cmd, rep := startChild(t, tt.scenario, tt.loopback)
			if tt.loopback != LoopbackAuto && rep.Mode != tt.loopback {
				t.Fatalf("child's network runs in loopback mode %q, want %q", rep.Mode, tt.loopback)
			}
			tt.act(cmd)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Errorf("child did not exit within 30 s")
			}
			if got := cmd.ProcessState.ExitCode(); got != tt.exitCode {
				t.Errorf("child exit code = %d, want %d (%v)", got, tt.exitCode, cmd.ProcessState)
			}
			waitGone(t, rep.PIDs, rep.Dir, 10*time.Second)
			_, err := os.Stat(rep.Dir)
			if tt.dirGone && err == nil {
				t.Errorf("directory %s left behind", rep.Dir)
			}
			if !tt.dirGone {
				os.RemoveAll(filepath.Clean(rep.Dir))
			}
		})
	}
}
