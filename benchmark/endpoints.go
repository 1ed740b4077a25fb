package benchmark

import (
	"context"
	"fmt"
	"net"

	"github.com/perfgate/perfgate/benchmark/torlab"
)

// Endpoints are where the suite reaches the Tor client under test and the
// echo server behind the network's exits. Any client that offers a SOCKS5
// port and a control port can be measured; PID names its process so that
// its memory and CPU can be read from /proc.
type Endpoints struct {
	// SOCKSAddr is the client's SOCKS5 port, host:port.
	SOCKSAddr string
	// ControlAddr is the client's control port, host:port.
	ControlAddr string
	// CookiePath is the control port's authentication cookie, when the
	// client does not name it in PROTOCOLINFO (optional).
	CookiePath string
	// ControlPassword is used when the control port only offers
	// HASHEDPASSWORD authentication (optional).
	ControlPassword string
	// PID is the client's process id.
	PID int
	// EchoAddr is a TCP echo server reachable through the exits, host:port.
	EchoAddr string
	// EchoPID is the echo server's process id when it runs in a process
	// of its own (see StartEchoServer); its CPU time is then reported
	// apart from the harness's (echo_cpu_s). 0: unknown, or in this process.
	EchoPID int
	// Dial connects the harness to the client's ports (nil: a plain
	// net.Dialer without keep-alive). A private network's Loopback dials
	// into its namespace, or quick-ACKs the harness's sockets.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Listen listens where Dial reaches (nil: net.ListenConfig): where a
	// harness puts something between itself and the client, such as the
	// evaluation's delaying relays.
	Listen func(ctx context.Context, network, addr string) (net.Listener, error)
	// Loopback is the loopback mode the client's network runs in (""
	// when unknown: the host's): it chooses the default idle pause
	// before each sequential circuit build (see CircuitPauseFor).
	Loopback string
}

// ClientEndpoints are the endpoints of client c of network n, whose echo
// server is the network's own (StartEchoServer makes one in a process of
// its own), reached on the network's loopback.
func ClientEndpoints(n *torlab.Network, c *torlab.Client) Endpoints {
	lb := n.Loopback()
	return Endpoints{SOCKSAddr: c.SOCKSAddr, ControlAddr: c.ControlAddr, CookiePath: c.CookiePath,
		PID: c.PID(), EchoAddr: n.EchoAddr(), Dial: lb.DialContext, Listen: lb.Listen, Loopback: string(lb.Mode())}
}

// A dialFunc is a dialer for golang.org/x/net/proxy (forward dialer) and
// for the control port.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (f dialFunc) Dial(network, addr string) (net.Conn, error) {
	return f(context.Background(), network, addr)
}

func (f dialFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}

// dialer is how the harness connects: ep.Dial, or a plain dialer. No TCP
// keep-alive: a stream lives for seconds, and keep-alive costs four
// setsockopt calls per connection.
func (e Endpoints) dialer() dialFunc {
	if e.Dial != nil {
		return e.Dial
	}
	d := &net.Dialer{KeepAlive: -1}
	return d.DialContext
}

// validate says what is missing.
func (e Endpoints) validate() error {
	switch {
	case e.SOCKSAddr == "":
		return fmt.Errorf("endpoints: no SOCKS address")
	case e.ControlAddr == "":
		return fmt.Errorf("endpoints: no control address")
	case e.EchoAddr == "":
		return fmt.Errorf("endpoints: no echo address")
	case e.PID <= 0:
		return fmt.Errorf("endpoints: no client PID")
	}
	return nil
}
