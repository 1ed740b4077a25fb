package quality

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// RelayOptions configure a Relay.
type RelayOptions struct {
	// Target is the address every accepted connection is forwarded to
	// (e.g. the client's SOCKS or control port).
	Target string
	// UpDelay delays every chunk read from an accepted connection before it
	// is written to the target; DownDelay delays the reverse direction. The
	// delay is a delay line, not a throttle: every chunk arrives the given
	// time after it was read, order is kept, and throughput is unchanged.
	UpDelay, DownDelay time.Duration
	// MaxConns bounds the connections open at once; a connection accepted
	// beyond it is closed at once (the dialler sees EOF or a reset). Zero
	// means no bound.
	MaxConns int
	// DialTimeout bounds the dial to Target; zero means 5 s.
	DialTimeout time.Duration
	// Dial and Listen are where the relay connects and listens (nil: the
	// host's loopback): a private network's Loopback, so that the relay
	// sits on the network's loopback (its namespace) like the harness.
	Dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	Listen func(ctx context.Context, network, addr string) (net.Listener, error)
}

// RelayStats count what a Relay did.
type RelayStats struct {
	// Accepted counts connections forwarded; Refused those closed because
	// MaxConns were already open; DialErrors those whose target refused.
	Accepted, Refused, DialErrors int64
	// Active is the number of connections open now; Peak the most at once.
	Active, Peak int64
	// BytesUp and BytesDown count the bytes forwarded each way.
	BytesUp, BytesDown int64
}

// A Relay is a TCP relay on 127.0.0.1 that forwards every connection to a
// target, adding a fixed delay to every chunk in each direction and
// refusing connections beyond a bound. Put in front of a Tor client's
// control port it makes every circuit build slower by UpDelay+DownDelay (the
// EXTENDCIRCUIT command goes up, the CIRC BUILT event comes down); in front
// of its SOCKS port it slows streams and, with MaxConns, caps the streams
// the client can serve. It is a real regression of the client as the suite
// sees it, of a size the evaluation controls.
type Relay struct {
	opts RelayOptions
	ln   net.Listener

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup

	accepted, refused, dialErrors atomic.Int64
	active, peak                  atomic.Int64
	bytesUp, bytesDown            atomic.Int64
}

// StartRelay listens on 127.0.0.1 on a free port and starts forwarding.
func StartRelay(opts RelayOptions) (*Relay, error) {
	if opts.Target == "" {
		return nil, errors.New("relay: no target address")
	}
	if opts.UpDelay < 0 || opts.DownDelay < 0 || opts.MaxConns < 0 {
		return nil, fmt.Errorf("relay: negative delay or bound (%v, %v, %d)", opts.UpDelay, opts.DownDelay, opts.MaxConns)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = 5 * time.Second
	}
	if opts.Listen == nil {
		var lc net.ListenConfig
		opts.Listen = lc.Listen
	}
	if opts.Dial == nil {
		var d net.Dialer
		opts.Dial = d.DialContext
	}
	ln, err := opts.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("relay: listen: %w", err)
	}
	r := &Relay{opts: opts, ln: ln, conns: map[net.Conn]struct{}{}}
	r.wg.Add(1)
	go r.serve()
	return r, nil
}

// Addr is the relay's listening address, host:port on 127.0.0.1.
func (r *Relay) Addr() string { return r.ln.Addr().String() }

// Stats returns the relay's counters now.
func (r *Relay) Stats() RelayStats {
	return RelayStats{
		Accepted: r.accepted.Load(), Refused: r.refused.Load(), DialErrors: r.dialErrors.Load(),
		Active: r.active.Load(), Peak: r.peak.Load(),
		BytesUp: r.bytesUp.Load(), BytesDown: r.bytesDown.Load(),
	}
}

// Close stops listening, closes every open connection and waits for the
// relay's goroutines to end.
func (r *Relay) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	err := r.ln.Close()
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
	return err
}

func (r *Relay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *Relay) untrack(c net.Conn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
}

func (r *Relay) serve() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // listener closed
		}
		n := r.active.Add(1)
		if r.opts.MaxConns > 0 && n > int64(r.opts.MaxConns) {
			r.active.Add(-1)
			r.refused.Add(1)
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0) // a reset, like a client out of sockets
			}
			c.Close()
			continue
		}
		for {
			p := r.peak.Load()
			if n <= p || r.peak.CompareAndSwap(p, n) {
				break
			}
		}
		if !r.track(c) {
			r.active.Add(-1)
			c.Close()
			return
		}
		r.wg.Add(1)
		go r.handle(c)
	}
}

func (r *Relay) handle(c net.Conn) {
	defer r.wg.Done()
	defer r.active.Add(-1)
	defer r.untrack(c)
	defer c.Close()
	dctx, cancel := context.WithTimeout(context.Background(), r.opts.DialTimeout)
	t, err := r.opts.Dial(dctx, "tcp", r.opts.Target)
	cancel()
	if err != nil {
		r.dialErrors.Add(1)
		return
	}
	if !r.track(t) {
		t.Close()
		return
	}
	defer r.untrack(t)
	defer t.Close()
	r.accepted.Add(1)
	done := make(chan struct{}, 2)
	go func() { delayCopy(t, c, r.opts.UpDelay, &r.bytesUp); done <- struct{}{} }()
	go func() { delayCopy(c, t, r.opts.DownDelay, &r.bytesDown); done <- struct{}{} }()
	<-done
	<-done
}
