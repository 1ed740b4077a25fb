package torlab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRoundTripThroughExit(t *testing.T) {
	n := sharedNetwork(t)
	c := n.Client()
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := c.RoundTrip(ctx, n.EchoAddr())
		cancel()
		if err != nil {
			t.Fatalf("round trip %d: %v", i, err)
		}
	}
	if err := n.Err(); err != nil {
		t.Fatalf("Err() = %v on a healthy network", err)
	}
}

// pidsOf returns the PIDs of every node of n.
func pidsOf(n *Network) []int {
	var pids []int
	for _, nd := range n.Nodes() {
		pids = append(pids, nd.PID)
	}
	return pids
}

// TestTwoNetworksSideBySide starts a second network next to the shared one:
// no port is shared, both carry traffic, and closing one leaves the other
// healthy with every process of the closed one gone and its directory removed.
func TestTwoNetworksSideBySide(t *testing.T) {
	t.Parallel()
	a := sharedNetwork(t)
	b, err := Start(context.Background(), Options{Dir: t.TempDir(), Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ports := map[int]string{}
	for _, n := range []*Network{a, b} {
		for _, nd := range n.Nodes() {
			for _, p := range []int{nd.ORPort, nd.DirPort, nd.ControlPort, nd.SOCKSPort} {
				if p == 0 {
					continue
				}
				if other, dup := ports[p]; dup {
					t.Errorf("port %d used by %s and %s/%s", p, other, n.Dir(), nd.Name)
				}
				ports[p] = n.Dir() + "/" + nd.Name
			}
		}
	}
	for _, n := range []*Network{a, b} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := n.Client().RoundTrip(ctx, n.EchoAddr()); err != nil {
			t.Errorf("%s: %v", n.Dir(), err)
		}
		cancel()
	}
	pids, dir := pidsOf(b), b.Dir()
	if len(pids) != 3+3+2+1 {
		t.Errorf("network has %d processes, want 9", len(pids))
	}
	start := time.Now()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Close took %v", time.Since(start).Round(time.Millisecond))
	waitGone(t, pids, dir, 0)
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("Close left %s behind", dir)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := a.Err(); err != nil {
		t.Errorf("the other network faulted: %v", err)
	}
}

// TestRelayCrashThenCancel kills one relay hard: the network reports a fault
// naming it with its log tail. Then cancelling the context given to Start
// tears everything down.
func TestRelayCrashThenCancel(t *testing.T) {
	needTor(t)
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, err := Start(ctx, Options{Dir: t.TempDir(), Relays: 2, Exits: 1, Log: testLog{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var victim *Node
	for _, nd := range n.Nodes() {
		if nd.Role == RoleRelay {
			victim = nd
			break
		}
	}
	if err := n.Err(); err != nil {
		t.Fatalf("Err() = %v before the crash", err)
	}
	syscall.Kill(victim.PID, syscall.SIGKILL)
	select {
	case err := <-n.Faults():
		var ne *NodeError
		if !errors.As(err, &ne) || ne.Node != victim.Name {
			t.Fatalf("fault %v does not name %s", err, victim.Name)
		}
		if !strings.Contains(err.Error(), "killed") || !strings.Contains(err.Error(), "last lines of") || ne.LogTail == "" {
			t.Errorf("fault lacks the cause or the log tail:\n%v", err)
		}
		t.Logf("fault: %.300s", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no fault within 10 s of killing", victim.Name)
	}
	if n.Err() == nil {
		t.Error("Err() = nil after a crash")
	}
	pids, dir := pidsOf(n), n.Dir()
	cancel()
	waitGone(t, pids, dir, 15*time.Second)
	if err := n.Close(); err != nil { // waits for the teardown ctx started
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("cancel left %s behind", dir)
	}
}

// TestAddClientFromTemplate adds a second client to the shared network from
// a command template (the system's tor, spelled out) and checks it carries
// traffic, reports its version and is a process of its own.
func TestAddClientFromTemplate(t *testing.T) {
	n := sharedNetwork(t)
	tor, err := exec.LookPath("tor")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := n.AddClient(ctx, tor+" --defaults-torrc /dev/null -f {torrc} --SocksPort 127.0.0.1:{socks_port}")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name == n.Client().Name || c.PID() == n.Client().PID() || c.SOCKSAddr == n.Client().SOCKSAddr {
		t.Errorf("second client %+v is not distinct from the first %+v", c, n.Client())
	}
	if !strings.HasPrefix(c.Version(), "Tor ") {
		t.Errorf("Version() = %q", c.Version())
	}
	if err := c.RoundTrip(ctx, n.EchoAddr()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.CookiePath); err != nil {
		t.Errorf("cookie: %v", err)
	}
	found := false
	for _, nd := range n.Nodes() {
		found = found || nd.PID == c.PID()
	}
	if !found {
		t.Error("Nodes() lacks the added client")
	}
}

// TestClientFileLimit checks that the client under test runs with a raised
// RLIMIT_NOFILE (it must hold thousands of streams).
func TestClientFileLimit(t *testing.T) {
	n := sharedNetwork(t)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", n.Client().PID()))
	if err != nil {
		t.Skip(err)
	}
	var hard syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &hard); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "Max open files") {
			f := strings.Fields(line)
			soft, err := strconv.ParseUint(f[3], 10, 64)
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			if soft < hard.Max || soft < 4096 && hard.Max >= 4096 {
				t.Errorf("client soft RLIMIT_NOFILE %d, want the hard limit %d", soft, hard.Max)
			}
			return
		}
	}
	t.Fatal("no Max open files line")
}

// TestStartFailureNamesNode makes the client's command fail and checks that
// Start's error names the client with its log tail and leaves nothing behind.
func TestStartFailureNamesNode(t *testing.T) {
	needTor(t)
	dir := t.TempDir()
	_, err := Start(context.Background(), Options{Dir: dir, Relays: 1, Exits: 1,
		ClientCommand: "sh -c 'echo torlab-test: client refuses to start; exit 7'"})
	if err == nil {
		t.Fatal("Start succeeded with a client that exits")
	}
	var ne *NodeError
	if !errors.As(err, &ne) || ne.Node != "client" {
		t.Fatalf("error does not name the client: %v", err)
	}
	if !strings.Contains(err.Error(), "client refuses to start") || !strings.Contains(err.Error(), "exit status 7") {
		t.Errorf("error lacks the log tail or exit status:\n%v", err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Errorf("Start left %d entries in %s", len(left), dir)
	}
}

// TestAddClientFailure adds a client whose command exits at once: AddClient
// fails naming it, and the network is not faulted by it.
func TestAddClientFailure(t *testing.T) {
	n := sharedNetwork(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := n.AddClient(ctx, "sh -c 'echo torlab-test: no such client >&2; exit 3'")
	var ne *NodeError
	if !errors.As(err, &ne) || !strings.HasPrefix(ne.Node, "client") || !strings.Contains(err.Error(), "no such client") {
		t.Fatalf("AddClient error = %v, want a NodeError naming the client with its log", err)
	}
	if err := n.Err(); err != nil {
		t.Errorf("a failed AddClient faulted the network: %v", err)
	}
	if _, err := n.AddClient(ctx, "tor {nope}"); err == nil || !strings.Contains(err.Error(), "unknown placeholder") {
		t.Errorf("bad template: err = %v", err)
	}
}

// TestWrappedClientStops runs the client under test through a shell wrapper
// (the PID is the shell's): Close must stop the tor the wrapper started too.
func TestWrappedClientStops(t *testing.T) {
	needTor(t)
	t.Parallel()
	tor, err := exec.LookPath("tor")
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), Options{Dir: t.TempDir(), Relays: 1, Exits: 1,
		ClientCommand: "sh -c '" + tor + " --defaults-torrc /dev/null -f {torrc}; echo wrapper done'"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	dir := n.Dir()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	// Any process still naming the network's directory is a leak.
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := processesUnder(dir)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			for _, pid := range left {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			t.Fatalf("processes left after Close: %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// processesUnder lists live processes whose command line names dir.
func processesUnder(dir string) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if processAlive(pid, dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestClientClose adds two clients to the shared network and closes one:
// its process is gone (reaped, by PID), it is off Clients, its directory is
// removed, the network is not faulted, and the other client still works.
func TestClientClose(t *testing.T) {
	n := sharedNetwork(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := n.AddClient(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	other, err := n.AddClient(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	pid := c.PID()
	begin := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took > 5*time.Second { // the 2 s StopTimeout, with slack for a loaded machine
		t.Errorf("Close took %v, want about the 2 s StopTimeout at most", took)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("kill(%d, 0) = %v after Close, want ESRCH", pid, err)
	}
	if c.Node().Running() {
		t.Error("the closed client's node still runs")
	}
	for _, x := range n.Clients() {
		if x == c {
			t.Error("Clients() still lists the closed client")
		}
	}
	if _, err := os.Stat(c.DataDir); !os.IsNotExist(err) {
		t.Errorf("data directory of the closed client: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// The network's fault check runs asynchronously: give it a moment.
	time.Sleep(200 * time.Millisecond)
	if err := n.Err(); err != nil {
		t.Errorf("closing a client faulted the network: %v", err)
	}
	if n.Client() == nil || n.Client() == c {
		t.Errorf("Client() = %v, want the client under test", n.Client())
	}
	if err := other.RoundTrip(ctx, n.EchoAddr()); err != nil {
		t.Errorf("the other client after Close: %v", err)
	}
}
