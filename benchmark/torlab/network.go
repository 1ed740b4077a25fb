package torlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options configure a network. The zero value is a usable default.
type Options struct {
	Relays int // middle relays; 0 means 3
	Exits  int // exits, whose exit policy accepts 127.0.0.1 only; 0 means 2

	// ClientCommand is the command template of the client under test;
	// "" runs the system's tor. See the package documentation for the
	// placeholders {torrc} {socks_port} {control_port} {data_dir}.
	ClientCommand string

	Dir  string    // parent of the network's temporary directory; "" means os.TempDir()
	Keep bool      // keep the directory (torrcs, logs, data) after Close
	Log  io.Writer // progress lines; nil means silent

	TorPath     string // "" means tor from PATH
	GencertPath string // "" means tor-gencert from PATH

	// KeyCache is the directory where authority and relay keys are cached
	// between networks; "" means the user cache directory
	// (perfgate/torlab-keys), "off" means new keys for every network.
	KeyCache string

	// InfoLogs makes every node also log at info level to info.log in
	// its directory (for debugging a network; use with Keep).
	InfoLogs bool

	// Loopback is the loopback mode (LoopbackAuto: the best this
	// process can have; see LoopbackMode). An explicit mode that cannot
	// be had fails Start.
	Loopback LoopbackMode
	// ShimPath is the quick-ACK shim library for LoopbackShim ("": see
	// FindShim).
	ShimPath string

	StartTimeout time.Duration // bound on Start (and AddClient); 0 means 90 s
	StopTimeout  time.Duration // SIGTERM to SIGKILL on Close; 0 means 2 s
}

func (o Options) withDefaults() Options {
	if o.Relays <= 0 {
		o.Relays = 3
	}
	if o.Exits <= 0 {
		o.Exits = 2
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 90 * time.Second
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = 2 * time.Second
	}
	return o
}

// A Network is a running private Tor network. Its methods are safe for
// concurrent use.
type Network struct {
	opts        Options
	torPath     string
	dir         string
	cfg         torrcConfig
	lb          *Loopback
	spawner     *spawner
	echo        *echoServer
	startup     time.Duration
	first       time.Time // the first tor process started
	validAfter  time.Time // of the first consensus the authorities are scheduled to make
	stopOnClose func() bool

	mu      sync.Mutex
	nodes   []*Node
	clients []*Client
	main    *Client // the client under test, Start's
	added   int     // clients started by AddClient, ready or not

	faults   chan error
	firstErr atomic.Pointer[error]
	faulted  chan struct{} // closed on the first fault
	faultOne sync.Once
	closing  atomic.Bool

	closeOnce sync.Once
	closeErr  error
}

// Start builds and starts a network and returns when its client has passed
// a SOCKS5 round trip through an exit to the echo server. On failure it tears
// everything down and returns an error; a *NodeError (errors.As) names the
// node that did not come up, with the tail of its log.
//
// The network lives until Close or until ctx is cancelled, whichever comes
// first; callers should defer Close.
func Start(ctx context.Context, opts Options) (*Network, error) {
	n, err := start(ctx, opts)
	if err != nil && ctx.Err() == nil && strings.Contains(err.Error(), "Address already in use") {
		// Another program took a port between choosing it and tor binding
		// it (other networks run on shared machines): once more, on new
		// ports.
		n, err = start(ctx, opts)
	}
	return n, err
}

// start is Start without the retry.
func start(ctx context.Context, opts Options) (_ *Network, err error) {
	begin := time.Now()
	opts = opts.withDefaults()
	n := &Network{opts: opts, faults: make(chan error, 16), faulted: make(chan struct{})}
	if n.torPath, err = lookPath(opts.TorPath, "tor"); err != nil {
		return nil, err
	}
	// tor-gencert is needed only when the key cache lacks authority keys.
	gencert, gencertErr := lookPath(opts.GencertPath, "tor-gencert")
	raiseNoFile()
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("torlab: %w", err)
		}
	}
	if n.dir, err = os.MkdirTemp(opts.Dir, "torlab-"); err != nil {
		return nil, fmt.Errorf("torlab: %w", err)
	}
	// An explicit namespace needs no probe: entering the network's own
	// namespace (newLoopback) fails with the same error.
	choice := LoopbackChoice{Mode: LoopbackNamespace, Why: whyNamespaceAsked}
	if opts.Loopback != LoopbackNamespace {
		choice, err = ChooseLoopback(opts.Loopback, opts.ShimPath)
	}
	if err == nil {
		n.lb, err = newLoopback(choice)
	}
	if err != nil {
		if rerr := os.RemoveAll(n.dir); rerr != nil {
			err = errors.Join(err, fmt.Errorf("torlab: removing the network's directory: %w", rerr))
		}
		return nil, err
	}
	n.spawner = newSpawner(n.lb)
	n.logf("%s", choice)
	defer func() {
		if err != nil {
			n.Close()
			if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
				err = fmt.Errorf("%w (%w)", err, ctx.Err())
			}
		}
	}()
	sctx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()

	// Nodes and keys.
	var relays []*Node
	var names []string
	add := func(name string, role Role) *Node {
		nd := &Node{Name: name, Role: role, DataDir: filepath.Join(n.dir, name)}
		nd.LogPath = filepath.Join(nd.DataDir, "tor.log")
		nd.TorrcPath = filepath.Join(nd.DataDir, "torrc")
		n.nodes = append(n.nodes, nd)
		names = append(names, name)
		return nd
	}
	for i := 1; i <= 3; i++ {
		n.cfg.authorities = append(n.cfg.authorities, add(fmt.Sprintf("auth%d", i), RoleAuthority))
	}
	for i := 1; i <= opts.Relays; i++ {
		relays = append(relays, add(fmt.Sprintf("relay%d", i), RoleRelay))
	}
	for i := 1; i <= opts.Exits; i++ {
		relays = append(relays, add(fmt.Sprintf("exit%d", i), RoleExit))
	}
	t := time.Now()
	keyRoot := opts.KeyCache
	switch keyRoot {
	case "":
		keyRoot = defaultKeyCache()
		if err := os.MkdirAll(keyRoot, 0o700); err != nil {
			n.logf("no key cache (%v): making new keys", err)
			keyRoot = filepath.Join(n.dir, "keys")
		}
	case "off":
		keyRoot = filepath.Join(n.dir, "keys")
	}
	keys, err := keySet(sctx, keyRoot, names, n.torPath, gencert)
	if err != nil {
		if gencertErr != nil {
			err = fmt.Errorf("%w (%w)", err, gencertErr)
		}
		return nil, err
	}
	n.logf("keys for %d nodes ready in %v (%s)", len(names), time.Since(t).Round(time.Millisecond), keyRoot)

	ports, err := freePorts(3*3 + 2*len(relays))
	if err != nil {
		return nil, err
	}
	for _, nd := range n.nodes {
		k := keys[nd.Name]
		nd.Fingerprint = k.fingerprint
		nd.V3Ident = k.v3ident
		nd.ORPort, nd.ControlPort, ports = ports[0], ports[1], ports[2:]
		if nd.Role == RoleAuthority {
			nd.DirPort, ports = ports[0], ports[1:]
		}
		if err := os.MkdirAll(nd.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("torlab: %w", err)
		}
		if err := copyKeys(k, nd.DataDir); err != nil {
			return nil, fmt.Errorf("torlab: keys of %s: %w", nd.Name, err)
		}
	}
	if n.echo, err = startEcho(sctx, n.lb); err != nil {
		return nil, fmt.Errorf("torlab: echo server: %w", err)
	}
	n.cfg.emptyGeoIP = filepath.Join(n.dir, "geoip-empty")
	n.cfg.bwFile = filepath.Join(n.dir, "bandwidths")
	n.cfg.ownerPID = os.Getpid()
	n.cfg.infoLogs = opts.InfoLogs
	if err := os.WriteFile(n.cfg.emptyGeoIP, nil, 0o600); err != nil {
		return nil, fmt.Errorf("torlab: %w", err)
	}
	if err := os.WriteFile(n.cfg.bwFile, []byte(bandwidthFile(time.Now(), relays)), 0o600); err != nil {
		return nil, fmt.Errorf("torlab: %w", err)
	}

	// Launch authorities and relays together; the first vote is scheduled
	// firstVoteAfter from now.
	first := time.Now()
	n.first = first
	n.cfg.voteOffset, n.validAfter = votingStartOffset(first, firstVoteAfter)
	for _, nd := range n.nodes {
		if err := os.WriteFile(nd.TorrcPath, []byte(renderTorrc(nd, n.cfg)), 0o600); err != nil {
			return nil, fmt.Errorf("torlab: %w", err)
		}
		nd.argv = []string{n.torPath, "--defaults-torrc", os.DevNull, "-f", nd.TorrcPath}
		if choice.Mode == LoopbackShim {
			nd.env = []string{"LD_PRELOAD=" + choice.ShimPath}
		}
		if err := n.spawner.start(nd, nd.DataDir, n.exited); err != nil {
			return nil, nodeError(nd, fmt.Errorf("start: %w", err))
		}
	}
	// The client starts now too: its start-up overlaps the authorities'
	// first vote.
	c, err := n.startClient(opts.ClientCommand, "client", true)
	if err != nil {
		return nil, err
	}
	n.logf("started %d authorities, %d relays, %d exits and the client in %s", 3, opts.Relays, opts.Exits, n.dir)

	// Relays and the client that asked before the consensus existed back
	// off: SIGHUP (SIGNAL RELOAD for the client) makes them fetch it now,
	// so that relays know each other and the client bootstraps at once.
	kick := func(ctx context.Context) {
		for _, r := range relays {
			_ = r.proc.Signal(syscall.SIGHUP)
		}
		if err := n.reloadClient(ctx, c); err != nil && ctx.Err() == nil {
			n.logf("reloading the client: %v", err)
		}
	}
	if err := n.waitConsensus(sctx, relays, kick); err != nil {
		return nil, err
	}
	n.logf("consensus lists every relay after %v", time.Since(first).Round(time.Millisecond))
	if choice.Mode == LoopbackShim {
		for _, nd := range n.nodes {
			if ok, err := shimLoaded(nd.PID, choice.ShimPath); err == nil && !ok && nd.Role != RoleClient {
				return nil, nodeError(nd, fmt.Errorf("the quick-ACK shim %s is not loaded (ld.so could not preload it; see the log)", choice.ShimPath))
			}
		}
	}
	kick(sctx)
	c.node.earlyStart = false // reloaded
	if err := n.clientReady(sctx, c); err != nil {
		return nil, err
	}
	n.mu.Lock()
	n.main = c
	n.mu.Unlock()
	n.startup = time.Since(first)
	n.logf("ready after %v (client %s, SOCKS %s; %v since Start was called; %v CPU in tor processes)", n.startup.Round(time.Millisecond), c.Version(), c.SOCKSAddr, time.Since(begin).Round(time.Millisecond), n.CPUTime().Round(10*time.Millisecond))
	n.stopOnClose = context.AfterFunc(ctx, func() {
		n.logf("context done (%v): tearing down", context.Cause(ctx))
		n.Close()
	})
	return n, nil
}

// waitConsensus waits until an authority serves a consensus in which every
// relay is Running and every exit has the Exit flag. Each authority is
// polled on its own, so that a slow one does not delay the answer.
//
// kick is called when the consensus is due out (see hurryVote).
func (n *Network) waitConsensus(ctx context.Context, relays []*Node, kick func(context.Context)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type report struct {
		missing []string // nil: complete
		err     error
	}
	reports := make(chan report, 16)
	go n.hurryVote(ctx, relays, kick)
	for _, a := range n.cfg.authorities {
		go func() {
			for ctx.Err() == nil {
				c, err := n.fetchConsensus(ctx, a.DirPort)
				r := report{err: err}
				if err == nil {
					r.missing = missingRelays(c, relays)
				}
				select {
				case reports <- r:
				case <-ctx.Done():
					return
				}
				if err == nil && len(r.missing) == 0 {
					return
				}
				select {
				case <-time.After(100 * time.Millisecond):
				case <-ctx.Done():
				}
			}
		}()
	}
	var missing []string
	var lastErr error
	sawConsensus := false
	for {
		select {
		case r := <-reports:
			if r.err != nil {
				lastErr = r.err
				continue
			}
			if len(r.missing) == 0 {
				return nil
			}
			sawConsensus = true
			missing = r.missing
		case <-n.faultSignal():
			return n.Err()
		case <-ctx.Done():
			if !sawConsensus {
				// No consensus at all: the authorities are the suspects.
				errs := []error{fmt.Errorf("torlab: no consensus from the authorities %v after the first tor process started (last error: %v)", time.Since(n.first).Round(time.Second), lastErr)}
				for _, a := range n.cfg.authorities {
					errs = append(errs, nodeError(a, errors.New("no consensus")))
				}
				return errors.Join(errs...)
			}
			errs := []error{fmt.Errorf("torlab: relays missing from the consensus: %s", strings.Join(missing, ", "))}
			for _, nd := range relays {
				if slices.Contains(missing, nd.Name) {
					errs = append(errs, nodeError(nd, errors.New("not Running in the consensus")))
				}
			}
			return errors.Join(errs...)
		}
	}
}

// hurryVote moves the authorities' first vote earlier once every authority
// holds every relay's descriptor (or later, if the scheduled vote went by
// without them): SETCONF TestingV3AuthVotingStartOffset on all three makes
// tor reschedule. The fixed schedule of the torrc must allow for a slow
// machine; this lets a fast one vote as soon as it can.
//
// It calls kick just after the consensus is due to be published, to save
// the time polling takes to see it; waitConsensus's caller kicks again once
// it has seen it, in case this was too early.
func (n *Network) hurryVote(ctx context.Context, relays []*Node, kick func(context.Context)) {
	const lead = time.Second // from SETCONF to the vote
	for ctx.Err() == nil {
		complete := true
		for _, a := range n.cfg.authorities {
			names, err := n.fetchRouterNames(ctx, a.DirPort)
			if err != nil {
				complete = false
				break
			}
			for _, r := range relays {
				if !names[r.Name] {
					complete = false
					break
				}
			}
			if !complete {
				break
			}
		}
		if complete {
			offset, va := votingStartOffset(time.Now(), lead)
			// Worth it if the planned vote is later, or has gone by (it may
			// have missed a relay).
			if va.Before(n.validAfter) || time.Now().After(n.validAfter.Add(-voteDelay*time.Second)) {
				var wg sync.WaitGroup
				for _, a := range n.cfg.authorities {
					wg.Add(1)
					go func() {
						defer wg.Done()
						conn, err := n.dialControlAddr(fmt.Sprintf("127.0.0.1:%d", a.ControlPort))
						if err != nil {
							return
						}
						defer conn.Close()
						if _, err := conn.SendRequest("SETCONF TestingV3AuthVotingStartOffset=%d", offset); err != nil {
							n.logf("%s: SETCONF TestingV3AuthVotingStartOffset: %v", a.Name, err)
						}
					}()
				}
				wg.Wait()
				n.logf("all descriptors in after %v: first consensus moved to valid-after %s", time.Since(n.first).Round(time.Millisecond), va.Format("15:04:05"))
			} else {
				va = n.validAfter
				n.logf("all descriptors in after %v: first consensus stays at valid-after %s", time.Since(n.first).Round(time.Millisecond), va.Format("15:04:05"))
			}
			select {
			case <-time.After(time.Until(va.Add(300 * time.Millisecond))):
				kick(ctx)
			case <-ctx.Done():
			}
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func nodeNames(ns []*Node) string {
	var s []string
	for _, nd := range ns {
		s = append(s, nd.Name)
	}
	return strings.Join(s, ", ")
}

// exited is called when a node's process has been reaped.
func (n *Network) exited(nd *Node) {
	if n.closing.Load() || nd.retired.Load() || nd.adding.Load() {
		return
	}
	err := error(nodeError(nd, errors.New(exitDescription(nd.state))))
	n.firstErr.CompareAndSwap(nil, &err)
	n.faultOne.Do(func() { close(n.faulted) })
	n.logf("fault: %s (pid %d) %s", nd.Name, nd.PID, exitDescription(nd.state))
	select {
	case n.faults <- err:
	default:
	}
}

// faultSignal is closed on the network's first fault.
func (n *Network) faultSignal() <-chan struct{} { return n.faulted }

// Faults receives an error (a *NodeError naming the node, with its log tail)
// for each process that dies while the network is in use. The channel is
// buffered; faults beyond its capacity are dropped (Err keeps the first).
func (n *Network) Faults() <-chan error { return n.faults }

// Err returns the first fault of the network, or nil while every process is
// alive: a health check.
func (n *Network) Err() error {
	if p := n.firstErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Client returns the client under test: the client Start started (also
// after its Close).
func (n *Network) Client() *Client {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.main
}

// Clients returns every client of the network that is not closed, the
// client under test first.
func (n *Network) Clients() []*Client {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Client(nil), n.clients...)
}

// Nodes returns every node of the network: authorities, relays, exits and
// clients.
func (n *Network) Nodes() []*Node {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Node(nil), n.nodes...)
}

// Loopback is the loopback the network runs on: its mode, and where the
// harness dials, listens and starts processes to reach the network.
func (n *Network) Loopback() *Loopback { return n.lb }

// EchoAddr is the 127.0.0.1:port of the network's TCP echo server, which
// the exits can reach.
func (n *Network) EchoAddr() string { return n.echo.addr() }

// StartupDuration is the time from the first tor process started to ready
// (the client's first round trip through an exit). Key generation, when the
// cache is cold, comes before it and is logged separately.
func (n *Network) StartupDuration() time.Duration { return n.startup }

// Dir is the network's directory: one subdirectory per node with its torrc,
// log (tor.log) and data.
func (n *Network) Dir() string { return n.dir }

// Close stops every process (SIGTERM, then SIGKILL after StopTimeout) and
// removes the network's directory unless Options.Keep is set. It is safe to
// call more than once; every call returns when the teardown is done.
func (n *Network) Close() error {
	n.closeOnce.Do(func() {
		n.closing.Store(true)
		if n.stopOnClose != nil {
			n.stopOnClose()
		}
		if n.spawner != nil {
			n.spawner.refuse() // from here on the set of processes is fixed
		}
		nodes := n.Nodes()
		var wg sync.WaitGroup
		var killed atomic.Int32
		for _, nd := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if nd.stop(n.opts.StopTimeout) {
					killed.Add(1)
					n.logf("%s (pid %d) ignored SIGTERM for %v: killed", nd.Name, nd.PID, n.opts.StopTimeout)
				}
			}()
		}
		wg.Wait()
		if n.spawner != nil {
			n.spawner.stop()
		}
		if n.lb != nil {
			n.lb.close()
		}
		if n.echo != nil {
			n.echo.close()
		}
		if n.dir != "" && !n.opts.Keep {
			if err := os.RemoveAll(n.dir); err != nil {
				n.closeErr = fmt.Errorf("torlab: removing %s: %w", n.dir, err)
			}
		}
		n.logf("stopped %d processes (%d killed)%s", len(nodes), killed.Load(), map[bool]string{true: ", kept " + n.dir, false: ""}[n.opts.Keep])
	})
	return n.closeErr
}

func (n *Network) logf(format string, args ...any) {
	if n.opts.Log == nil {
		return
	}
	fmt.Fprintf(n.opts.Log, "torlab: "+format+"\n", args...)
}

// lookPath resolves an executable: explicit, or name from PATH.
func lookPath(explicit, name string) (string, error) {
	if explicit != "" {
		name = explicit
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("torlab: %s not found (install Debian's tor package): %w", name, err)
	}
	return p, nil
}

var rlimitOnce sync.Once

// raiseNoFile raises this process's RLIMIT_NOFILE (and so its children's:
// after an explicit Setrlimit Go no longer restores the original soft limit
// in children) so that the client under test can hold thousands of streams.
func raiseNoFile() {
	rlimitOnce.Do(func() {
		var r syscall.Rlimit
		if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r) != nil {
			return
		}
		const want = 65536
		if r.Max < want {
			up := syscall.Rlimit{Cur: want, Max: want}
			if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &up) == nil {
				return
			}
		}
		r.Cur = r.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r)
	})
}
