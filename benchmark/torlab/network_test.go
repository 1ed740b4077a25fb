package torlab

import (
	"context"
	"errors"
	"os"
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
	a := sharedNetwork(t)
	b, err := Start(context.Background(), Options{Dir: t.TempDir()})
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
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, err := Start(ctx, Options{Dir: t.TempDir(), Relays: 2, Exits: 1})
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
