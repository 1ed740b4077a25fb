package torlab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
)

// A LoopbackMode is how the loopback a network runs on acknowledges TCP
// data. Linux delays an ACK on loopback by up to 40 ms, and C tor sets no
// TCP_NODELAY, so a cell written while an earlier one is unacknowledged
// waits for the peer's delayed ACK: back-to-back circuit builds then pay
// ~40 ms each, which is the instrument's cost, not the client's. The modes
// differ in how much of that stall they remove and in what they need.
type LoopbackMode string

// The loopback modes, best first.
const (
	// LoopbackNamespace runs the whole network, its echo servers and the
	// harness's sockets in a network namespace of the network's own whose
	// loopback routes carry "quickack 1": no TCP connection on it delays
	// an ACK. It needs CAP_SYS_ADMIN and CAP_NET_ADMIN (root on a CI or
	// developer machine); the client under test runs unchanged inside it.
	LoopbackNamespace LoopbackMode = "namespace"
	// LoopbackShim runs on the host's loopback. Every node but the client
	// is started with the quick-ACK shim preloaded (LD_PRELOAD: after each
	// read a socket gets TCP_QUICKACK, every TCP socket TCP_NODELAY), and
	// the harness's own sockets (control, SOCKS, echo servers) quick-ACK
	// after each read. It needs no privileges, only the shim library
	// (built by make and in the action's image); the client is never
	// preloaded.
	LoopbackShim LoopbackMode = "shim"
	// LoopbackHost is the host's loopback as it is: delayed ACKs stall
	// back-to-back cells, so the suite pauses before each sequential
	// circuit build to let the ACKs go out.
	LoopbackHost LoopbackMode = "host"
)

// LoopbackAuto (the zero value) chooses the best mode this process can
// have: the namespace, else the shim, else the host's loopback.
const LoopbackAuto LoopbackMode = ""

// ParseLoopbackMode parses a mode's name ("auto" or "" for LoopbackAuto).
func ParseLoopbackMode(s string) (LoopbackMode, error) {
	switch m := LoopbackMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "auto", LoopbackAuto:
		return LoopbackAuto, nil
	case LoopbackNamespace, LoopbackShim, LoopbackHost:
		return m, nil
	}
	return "", fmt.Errorf("torlab: unknown loopback mode %q (want auto, namespace, shim or host)", s)
}

// whyNamespaceAsked is the reason of an explicit namespace mode.
const whyNamespaceAsked = "asked for; a network namespace whose loopback ACKs at once"

// A LoopbackChoice is the mode a network runs in and why.
type LoopbackChoice struct {
	Mode LoopbackMode
	// Why says why this mode and not a better one, in a few words.
	Why string
	// ShimPath is the quick-ACK shim library (shim mode only).
	ShimPath string
}

// String is the one line a user sees: "loopback: namespace (…)".
func (c LoopbackChoice) String() string { return fmt.Sprintf("loopback: %s (%s)", c.Mode, c.Why) }

// ChooseLoopback decides the mode for want: LoopbackAuto takes the best
// this process can have and says why it fell back; an explicit mode that
// cannot be had is an error saying what it needs. shimPath is the shim
// library ("" searches for it, see FindShim). Nothing is left running.
func ChooseLoopback(want LoopbackMode, shimPath string) (LoopbackChoice, error) {
	switch want {
	case LoopbackHost:
		return LoopbackChoice{Mode: LoopbackHost, Why: "asked for; delayed ACKs stall back-to-back cells, sequential builds pause before each"}, nil
	case LoopbackNamespace:
		if err := probeNamespace(); err != nil {
			return LoopbackChoice{}, fmt.Errorf("torlab: loopback mode namespace: %w", err)
		}
		return LoopbackChoice{Mode: LoopbackNamespace, Why: whyNamespaceAsked}, nil
	case LoopbackShim:
		p, err := findOrBuildShim(shimPath)
		if err != nil {
			return LoopbackChoice{}, fmt.Errorf("torlab: loopback mode shim: %w", err)
		}
		return LoopbackChoice{Mode: LoopbackShim, Why: "asked for; relays preloaded with " + p, ShimPath: p}, nil
	case LoopbackAuto:
	default:
		return LoopbackChoice{}, fmt.Errorf("torlab: unknown loopback mode %q", want)
	}
	nsErr := probeNamespace()
	if nsErr == nil {
		return LoopbackChoice{Mode: LoopbackNamespace, Why: "a network namespace of its own whose loopback ACKs at once"}, nil
	}
	p, shimErr := findOrBuildShim(shimPath)
	if shimErr == nil {
		return LoopbackChoice{Mode: LoopbackShim, Why: fmt.Sprintf("no namespace: %v; relays preloaded with %s", nsErr, p), ShimPath: p}, nil
	}
	return LoopbackChoice{Mode: LoopbackHost, Why: fmt.Sprintf("no namespace: %v; no shim: %v; sequential builds pause before each", nsErr, shimErr)}, nil
}

// findOrBuildShim is FindShim, else (with no explicit path) the shim built
// into the cache when a C compiler is at hand.
func findOrBuildShim(explicit string) (string, error) {
	p, err := FindShim(explicit)
	if err == nil || explicit != "" {
		return p, err
	}
	p, berr := buildShimInCache()
	if berr != nil {
		return "", fmt.Errorf("%w; %w", err, berr)
	}
	return p, nil
}

// A Loopback is the loopback of one network: where its processes start,
// its listeners listen and the harness's connections are made. Dial,
// Listen and Start are safe for concurrent use.
type Loopback struct {
	choice LoopbackChoice
	th     *thread // the network's thread: in namespace mode, inside the namespace

	httpOnce sync.Once
	http     *http.Client

	closeOnce sync.Once
}

// httpClient talks to the authorities' DirPorts on this loopback, never
// through a proxy from the environment.
func (l *Loopback) httpClient() *http.Client {
	l.httpOnce.Do(func() {
		l.http = &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true, DisableCompression: true, DialContext: l.DialContext}}
	})
	return l.http
}

// Dial is DialContext without a context (golang.org/x/net/proxy's Dialer).
func (l *Loopback) Dial(network, addr string) (net.Conn, error) {
	return l.DialContext(context.Background(), network, addr)
}

// newLoopback makes the loopback of choice: in namespace mode a new
// namespace, entered by a thread of its own.
func newLoopback(choice LoopbackChoice) (*Loopback, error) {
	th := newThread()
	if choice.Mode == LoopbackNamespace {
		var err error
		th.do(func() { err = enterNamespace() })
		if err != nil {
			th.stop()
			return nil, fmt.Errorf("torlab: network namespace: %w", err)
		}
	}
	return &Loopback{choice: choice, th: th}, nil
}

// Mode is the loopback's mode.
func (l *Loopback) Mode() LoopbackMode { return l.choice.Mode }

// Choice is the loopback's mode with the reason it was chosen.
func (l *Loopback) Choice() LoopbackChoice { return l.choice }

// quickACKSockets reports whether the harness's sockets must quick-ACK
// themselves (only the namespace's loopback does it for them).
func (l *Loopback) quickACKSockets() bool { return l.choice.Mode == LoopbackShim }

// DialContext connects to addr (tcp) on this loopback. In shim mode the
// connection quick-ACKs after each read.
func (l *Loopback) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	var err error
	if l.choice.Mode == LoopbackNamespace {
		c, err = l.dialInNamespace(ctx, network, addr)
	} else {
		d := net.Dialer{KeepAlive: -1}
		c, err = d.DialContext(ctx, network, addr)
	}
	if err != nil {
		return nil, err
	}
	if l.quickACKSockets() {
		c = QuickACK(c)
	}
	return c, nil
}

// Listen listens on addr (tcp) on this loopback. In shim mode accepted
// connections quick-ACK after each read.
func (l *Loopback) Listen(ctx context.Context, network, addr string) (net.Listener, error) {
	var ln net.Listener
	var err error
	lc := net.ListenConfig{KeepAlive: -1}
	l.th.do(func() { ln, err = lc.Listen(ctx, network, addr) })
	if err != nil {
		return nil, err
	}
	if l.quickACKSockets() {
		ln = QuickACKListener(ln)
	}
	return ln, nil
}

// Start starts cmd on this loopback (in namespace mode, inside the
// namespace). The process is forked by the network's thread, so a
// Pdeathsig in cmd.SysProcAttr fires when the network's thread ends
// (Close, or this process's death), not when some other thread does.
func (l *Loopback) Start(cmd *exec.Cmd) error {
	var err error
	if !l.th.do(func() { err = cmd.Start() }) {
		return errors.New("torlab: network is closed")
	}
	return err
}

// close ends the loopback's thread; with it the namespace goes once its
// last process and socket are gone. Call it when every process started
// through the loopback has been reaped.
func (l *Loopback) close() { l.closeOnce.Do(l.th.stop) }
