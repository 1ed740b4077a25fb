package torlab

import (
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cretz/bine/control"
)

// A Client is a Tor client on the network: the client under test, or a
// further one from AddClient. Talk SOCKS5 to SOCKSAddr and the control
// protocol to ControlAddr (cookie authentication, cookie at CookiePath).
type Client struct {
	Name        string
	SOCKSAddr   string // 127.0.0.1:port
	ControlAddr string // 127.0.0.1:port
	CookiePath  string
	DataDir     string
	LogPath     string
	TorrcPath   string
	Command     []string // the argv it runs

	node      *Node
	version   string
	net       *Network
	closeOnce sync.Once
	closeErr  error
}

// PID is the process id of the client.
func (c *Client) PID() int { return c.node.PID }

// Node is the client's node in the network.
func (c *Client) Node() *Node { return c.node }

// Version is the client's version as it reports it (GETINFO version on its
// control port, else "<program> --version"); "" if it cannot be known.
func (c *Client) Version() string { return c.version }

// Close stops this one client (SIGTERM to its process group, SIGKILL after
// the network's StopTimeout, as the network's Close does), waits until its
// process has been reaped, takes it off Clients and removes its data
// directory (unless Options.Keep). Its exit is not a fault of the network.
// The rest of the network runs on; its Close stops the clients left. Close
// is safe to call more than once.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		n := c.net
		c.node.retired.Store(true)
		if c.node.stop(n.opts.StopTimeout) {
			n.logf("%s (pid %d) ignored SIGTERM for %v: killed", c.Name, c.node.PID, n.opts.StopTimeout)
		}
		n.mu.Lock()
		n.clients = slices.DeleteFunc(n.clients, func(x *Client) bool { return x == c })
		n.mu.Unlock()
		if !n.opts.Keep {
			if err := os.RemoveAll(c.DataDir); err != nil {
				c.closeErr = fmt.Errorf("torlab: removing %s: %w", c.DataDir, err)
			}
		}
	})
	return c.closeErr
}

// AddClient starts another client on the network, from a command template
// like Options.ClientCommand ("" = the system's tor), and returns when it
// has passed a round trip through an exit. Clients are named client2,
// client3, ...
func (n *Network) AddClient(ctx context.Context, command string) (*Client, error) {
	if n.closing.Load() {
		return nil, errors.New("torlab: network is closed")
	}
	n.mu.Lock()
	n.added++
	name := fmt.Sprintf("client%d", n.added+1)
	n.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, n.opts.StartTimeout)
	defer cancel()
	return n.addClient(ctx, command, name)
}

// addClient starts a client and waits until it has made a round trip.
func (n *Network) addClient(ctx context.Context, command, name string) (*Client, error) {
	c, err := n.startClient(command, name, false)
	if err != nil {
		return nil, err
	}
	defer c.node.adding.Store(false)
	if err := n.clientReady(ctx, c); err != nil {
		// A client that did not come up is stopped, not reported as a fault.
		c.node.retired.Store(true)
		c.node.stop(n.opts.StopTimeout)
		return nil, err
	}
	return c, nil
}

// startClient writes a client's torrc and starts it. With early, the client
// starts before the first consensus exists and clientReady reloads it.
func (n *Network) startClient(command, name string, early bool) (*Client, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	nd := &Node{Name: name, Role: RoleClient, DataDir: filepath.Join(n.dir, name), SOCKSPort: ports[0], ControlPort: ports[1], earlyStart: early}
	nd.adding.Store(!early)
	nd.LogPath = filepath.Join(nd.DataDir, "tor.log")
	nd.TorrcPath = filepath.Join(nd.DataDir, "torrc")
	if err := os.MkdirAll(nd.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("torlab: %w", err)
	}
	if err := os.WriteFile(nd.TorrcPath, []byte(renderTorrc(nd, n.cfg)), 0o600); err != nil {
		return nil, fmt.Errorf("torlab: %w", err)
	}
	if command == "" {
		nd.argv = []string{n.torPath, "--defaults-torrc", os.DevNull, "-f", nd.TorrcPath}
	} else {
		nd.argv, err = expandCommand(command, map[string]string{
			"torrc":        nd.TorrcPath,
			"socks_port":   strconv.Itoa(nd.SOCKSPort),
			"control_port": strconv.Itoa(nd.ControlPort),
			"data_dir":     nd.DataDir,
		})
		if err != nil {
			return nil, fmt.Errorf("torlab: %w", err)
		}
		if nd.argv[0], err = lookPath(nd.argv[0], nd.argv[0]); err != nil {
			return nil, err
		}
	}
	c := &Client{
		Name:        name,
		SOCKSAddr:   fmt.Sprintf("127.0.0.1:%d", nd.SOCKSPort),
		ControlAddr: fmt.Sprintf("127.0.0.1:%d", nd.ControlPort),
		CookiePath:  filepath.Join(nd.DataDir, "control_auth_cookie"),
		DataDir:     nd.DataDir,
		LogPath:     nd.LogPath,
		TorrcPath:   nd.TorrcPath,
		Command:     nd.argv,
		node:        nd,
		net:         n,
	}
	// Register before starting, so that Close stops it whatever happens next.
	n.mu.Lock()
	if n.closing.Load() {
		n.mu.Unlock()
		return nil, errors.New("torlab: network is closed")
	}
	n.nodes = append(n.nodes, nd)
	n.mu.Unlock()
	if err := n.spawner.start(nd, nd.DataDir, n.exited); err != nil {
		return nil, nodeError(nd, fmt.Errorf("start %s: %w", nd.argv[0], err))
	}
	return c, nil
}

// clientReady reloads a client that started before the consensus existed,
// waits for a round trip and records the client.
func (n *Network) clientReady(ctx context.Context, c *Client) error {
	if c.node.earlyStart {
		if err := n.reloadClient(ctx, c); err != nil {
			return err
		}
	}
	n.waitDirInfo(ctx, c)
	if err := n.waitRoundTrip(ctx, c); err != nil {
		return err
	}
	c.version = clientVersion(c)
	n.mu.Lock()
	n.clients = append(n.clients, c)
	n.mu.Unlock()
	return nil
}

// reloadClient sends SIGNAL RELOAD (SIGHUP) over the client's control port:
// tor then resets its directory download back-off and fetches the consensus
// at once. The control port rather than a signal to the PID, because a
// client command may be a wrapper script.
func (n *Network) reloadClient(ctx context.Context, c *Client) error {
	var last error
	for {
		if err := n.Err(); err != nil {
			return err
		}
		conn, err := dialControl(c)
		if err == nil {
			err = conn.Signal("RELOAD")
			conn.Close()
			if err == nil {
				return nil
			}
		}
		last = err
		select {
		case <-ctx.Done():
			return nodeError(c.node, fmt.Errorf("SIGNAL RELOAD on the control port %s: %w (last attempt: %v)", c.ControlAddr, ctx.Err(), last))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// dialControl opens an authenticated control connection to the client.
func dialControl(c *Client) (*control.Conn, error) { return c.net.dialControlAddr(c.ControlAddr) }

// dialControlAddr opens a control connection to addr and authenticates
// (cookie authentication, the cookie file named by PROTOCOLINFO).
func (n *Network) dialControlAddr(addr string) (*control.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	nc, err := n.lb.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	nc.SetDeadline(time.Now().Add(3 * time.Second))
	conn := control.NewConn(textproto.NewConn(nc))
	if err := conn.Authenticate(""); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// waitDirInfo waits until the client says it has enough directory
// information (GETINFO status/enough-dir-info), or gives up quietly when its
// control port cannot tell. A stream opened earlier misses tor's exit
// enclave rewrite (127.0.0.1 is the exits' own address, and an exit policy
// that accepts only 127.0.0.1 counts as "reject all" for general streams):
// tor then builds circuits for it in a loop that no exit can serve.
func (n *Network) waitDirInfo(ctx context.Context, c *Client) {
	for ctx.Err() == nil && n.Err() == nil {
		conn, err := dialControl(c)
		if err != nil {
			return
		}
		kv, err := conn.GetInfo("status/enough-dir-info")
		conn.Close()
		if err != nil || len(kv) == 0 {
			return
		}
		if kv[0].Val == "1" {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitRoundTrip tries round trips through the client until one succeeds.
// Attempts overlap: a new one (on a fresh circuit) starts every
// attemptEvery while older ones still wait, at most maxAttempts at once, so
// that one stream stuck on a circuit built before the client knew the
// network does not hold up readiness.
func (n *Network) waitRoundTrip(ctx context.Context, c *Client) error {
	const (
		attemptEvery   = time.Second
		attemptTimeout = 10 * time.Second
		maxAttempts    = 6
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan error, 64)
	inFlight := 0
	var last error
	launch := func() {
		inFlight++
		go func() {
			actx, acancel := context.WithTimeout(ctx, attemptTimeout)
			defer acancel()
			results <- c.RoundTrip(actx, n.EchoAddr())
		}()
	}
	tick := time.NewTicker(attemptEvery)
	defer tick.Stop()
	launch()
	for {
		select {
		case err := <-results:
			inFlight--
			if err == nil {
				return nil
			}
			last = err
			if inFlight == 0 {
				// Failed fast (the SOCKS port not open yet, say): pause, retry.
				select {
				case <-time.After(100 * time.Millisecond):
				case <-ctx.Done():
				}
				if ctx.Err() == nil {
					launch()
				}
			}
		case <-tick.C:
			if inFlight < maxAttempts {
				launch()
			}
		case <-c.node.exited:
			if err := n.Err(); err != nil {
				return err
			}
			return nodeError(c.node, errors.New(exitDescription(c.node.state)))
		case <-n.faultSignal():
			return n.Err()
		case <-ctx.Done():
			return nodeError(c.node, fmt.Errorf("no SOCKS5 round trip through an exit to the echo server %s: %w (last failed attempt: %v)", n.EchoAddr(), ctx.Err(), orNone(last)))
		}
	}
}

func orNone(err error) any {
	if err == nil {
		return "none finished"
	}
	return err
}

// clientVersion asks the running client for its version, falling back to
// "<program> --version".
func clientVersion(c *Client) string {
	if v, err := controlVersion(c); err == nil && v != "" {
		return v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.Command[0], "--version").Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSuffix(strings.TrimSpace(line), ".")
}

// controlVersion runs GETINFO version on the client's control port.
func controlVersion(c *Client) (string, error) {
	conn, err := dialControl(c)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	kv, err := conn.GetInfo("version")
	if err != nil || len(kv) == 0 {
		return "", err
	}
	return "Tor " + kv[0].Val, nil
}
