package torlab

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// testShim builds the quick-ACK shim for a test, or skips it without a C
// compiler.
func testShim(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), ShimName)
	if err := BuildShim(context.Background(), "", out); err != nil {
		t.Skipf("no quick-ACK shim: %v", err)
	}
	return out
}

func TestParseLoopbackMode(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want LoopbackMode
		err  bool
	}{
		{"", LoopbackAuto, false},
		{"auto", LoopbackAuto, false},
		{" Namespace ", LoopbackNamespace, false},
		{"shim", LoopbackShim, false},
		{"host", LoopbackHost, false},
		{"netns", "", true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLoopbackMode(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("ParseLoopbackMode(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

// TestChooseLoopbackFallback forces the namespace off (as a process without
// CAP_SYS_ADMIN sees it) and checks what auto falls back to, and that an
// explicit mode that cannot be had is an error naming what it needs.
func TestChooseLoopbackFallback(t *testing.T) {
	t.Setenv(forceNoNamespace, "1")
	shim := testShim(t)
	missing := filepath.Join(t.TempDir(), "no-such-shim.so")
	for _, tt := range []struct {
		name   string
		want   LoopbackMode
		shim   string
		mode   LoopbackMode
		err    string   // "" no error
		whyHas []string // the reason says
	}{
		{name: "auto falls back to the shim", mode: LoopbackAuto, shim: shim, want: LoopbackShim, whyHas: []string{"no namespace", forceNoNamespace, shim}},
		{name: "auto falls back to the host without a shim", mode: LoopbackAuto, shim: missing, want: LoopbackHost, whyHas: []string{"no namespace", "no shim", "pause"}},
		{name: "namespace asked for", mode: LoopbackNamespace, shim: shim, err: "loopback mode namespace: " + forceNoNamespace},
		{name: "shim asked for, missing", mode: LoopbackShim, shim: missing, err: "loopback mode shim"},
		{name: "host asked for", mode: LoopbackHost, want: LoopbackHost, whyHas: []string{"asked for"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ChooseLoopback(tt.mode, tt.shim)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ChooseLoopback(%q) error = %v, want one containing %q", tt.mode, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Mode != tt.want {
				t.Fatalf("mode = %q, want %q (%s)", c.Mode, tt.want, c)
			}
			for _, w := range tt.whyHas {
				if !strings.Contains(c.String(), w) {
					t.Errorf("%q does not say %q", c.String(), w)
				}
			}
		})
	}
}

// netnsOf is the network namespace of process pid ("net:[4026531840]").
func netnsOf(t *testing.T, pid string) string {
	t.Helper()
	ns, err := os.Readlink("/proc/" + pid + "/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// TestNamespaceMode checks the shared network where the namespace can be
// had: every tor process in one namespace that is not this process's, its
// loopback routes with quick ACKs, the harness reaching the client through
// the network's loopback only.
func TestNamespaceMode(t *testing.T) {
	n := sharedNetwork(t)
	if n.Loopback().Mode() != LoopbackNamespace {
		t.Skipf("the shared network runs in loopback mode %q: %s", n.Loopback().Mode(), n.Loopback().Choice())
	}
	self := netnsOf(t, "self")
	var ns string
	for _, nd := range n.Nodes() {
		if !nd.Running() {
			continue // a client another test closed
		}
		got := netnsOf(t, strconv.Itoa(nd.PID))
		if got == self {
			t.Errorf("%s (pid %d) runs in this process's network namespace %s", nd.Name, nd.PID, got)
		}
		if ns == "" {
			ns = got
		} else if got != ns {
			t.Errorf("%s runs in namespace %s, the others in %s", nd.Name, got, ns)
		}
	}
	var routes []netlink.Route
	var err error
	n.lb.th.do(func() {
		routes, err = netlink.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: unix.RT_TABLE_LOCAL}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		t.Fatal(err)
	}
	quick := map[string]int{}
	for _, r := range routes {
		if r.Dst != nil {
			quick[r.Dst.String()] = r.QuickACK
		}
	}
	for _, dst := range []string{"127.0.0.0/8", "127.0.0.1/32"} {
		if quick[dst] != 1 {
			t.Errorf("route local %s: quickack %d, want 1 (routes %v)", dst, quick[dst], quick)
		}
	}
	// The host's loopback does not reach the client; the network's does.
	if c, err := net.DialTimeout("tcp", n.Client().SOCKSAddr, time.Second); err == nil {
		c.Close()
		t.Errorf("the client's SOCKS port %s answers on the host's loopback", n.Client().SOCKSAddr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := n.Client().RoundTrip(ctx, n.EchoAddr()); err != nil {
		t.Fatal(err)
	}
}

// TestRelaySettings reads the torrcs the shared network wrote: every relay
// and authority runs the quiet settings, the client none of them.
func TestRelaySettings(t *testing.T) {
	n := sharedNetwork(t)
	for _, nd := range n.Nodes() {
		if !nd.Running() {
			continue // a client another test closed
		}
		b, err := os.ReadFile(nd.TorrcPath)
		if err != nil {
			t.Fatal(err)
		}
		has := strings.Contains(string(b), "\nSchedulers Vanilla\n")
		if nd.Role == RoleClient && strings.Contains(string(b), "Schedulers") {
			t.Errorf("the client's torrc %s sets a scheduler: the client must run as it ships", nd.TorrcPath)
		}
		if nd.Role != RoleClient && !has {
			t.Errorf("%s's torrc %s lacks Schedulers Vanilla", nd.Name, nd.TorrcPath)
		}
	}
	if got := RelaySettings(); got != "Schedulers Vanilla" {
		t.Errorf("RelaySettings() = %q", got)
	}
}

// TestShimMode starts a network in auto mode with the namespace forced off
// (the fallback): the relays and authorities have the shim mapped, the
// client does not, the harness's connections quick-ACK, and traffic flows.
func TestShimMode(t *testing.T) {
	needTor(t)
	shim := testShim(t)
	t.Setenv(forceNoNamespace, "1") // not parallel: Start reads it
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	n, err := Start(ctx, Options{Dir: t.TempDir(), Log: testLog{t}, Relays: 2, Exits: 1, ShimPath: shim})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if m := n.Loopback().Mode(); m != LoopbackShim {
		t.Fatalf("mode %q, want shim: %s", m, n.Loopback().Choice())
	}
	for _, nd := range n.Nodes() {
		loaded, err := shimLoaded(nd.PID, shim)
		if err != nil {
			t.Fatal(err)
		}
		if nd.Role == RoleClient && loaded {
			t.Errorf("the client (pid %d) has the shim preloaded", nd.PID)
		}
		if nd.Role != RoleClient && !loaded {
			t.Errorf("%s (pid %d) does not have the shim preloaded", nd.Name, nd.PID)
		}
	}
	c, err := n.Loopback().DialContext(ctx, "tcp", n.Client().ControlAddr)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, ok := c.(*quickACKConn); !ok {
		t.Errorf("the harness's connection is a %T, not quick-ACKing", c)
	}
	if err := n.Client().RoundTrip(ctx, n.EchoAddr()); err != nil {
		t.Fatal(err)
	}
}
