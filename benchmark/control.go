package benchmark

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cretz/bine/control"
)

// A controller is the suite's connection to the client's control port: it
// builds and closes circuits and follows CIRC events. bine (control.Conn)
// authenticates and parses replies and events; after authentication one
// goroutine of ours reads every reply, hands synchronous replies to the one
// request in flight and CIRC events to the builds waiting for them. (bine's
// own HandleEvents spins while a request waits for its reply, which showed
// up as a quarter of the harness's CPU.)
type controller struct {
	conn    *control.Conn
	tp      *textproto.Conn
	raw     net.Conn
	reqMu   sync.Mutex // one request in flight
	replies chan *control.Response

	mu      sync.Mutex
	waiters map[string]chan circEvent
	early   map[string]circEvent // terminal events that came before their waiter

	refusals atomic.Int64 // EXTENDCIRCUITs refused and asked again

	done    chan struct{} // closed when the connection is lost or closed
	errOnce sync.Once
	err     error
}

// circEvent is a CIRC event and the moment the harness read it.
type circEvent struct {
	*control.CircuitEvent
	at time.Time
}

// dialController connects to the control port at ep.ControlAddr,
// authenticates and subscribes to CIRC events.
func dialController(ctx context.Context, ep Endpoints) (*controller, error) {
	raw, err := ep.dialer().DialContext(ctx, "tcp", ep.ControlAddr)
	if err != nil {
		return nil, fmt.Errorf("control port %s: %w", ep.ControlAddr, err)
	}
	tp := textproto.NewConn(raw)
	conn := control.NewConn(tp)
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	if err := authenticate(conn, ep); err != nil {
		raw.Close()
		return nil, fmt.Errorf("control port %s: authenticating: %w", ep.ControlAddr, err)
	}
	c := &controller{
		conn:    conn,
		tp:      tp,
		raw:     raw,
		replies: make(chan *control.Response, 1),
		waiters: make(map[string]chan circEvent),
		early:   make(map[string]circEvent),
		done:    make(chan struct{}),
	}
	go c.read()
	if _, err := c.request("SETEVENTS CIRC"); err != nil {
		c.Close()
		return nil, fmt.Errorf("control port %s: SETEVENTS CIRC: %w", ep.ControlAddr, err)
	}
	return c, nil
}

// authenticate tries bine's method choice (SAFECOOKIE with the cookie file
// tor names, NULL, HASHEDPASSWORD), and falls back to the cookie file the
// endpoints name.
func authenticate(conn *control.Conn, ep Endpoints) error {
	err := conn.Authenticate(ep.ControlPassword)
	if err == nil || ep.CookiePath == "" || conn.Authenticated {
		return err
	}
	cookie, rerr := os.ReadFile(ep.CookiePath)
	if rerr != nil {
		return errors.Join(err, rerr)
	}
	if _, aerr := conn.SendRequest("AUTHENTICATE %x", cookie); aerr != nil {
		return errors.Join(err, aerr)
	}
	conn.Authenticated = true
	return nil
}

// fail records the first error of the connection and wakes everyone.
func (c *controller) fail(err error) {
	c.errOnce.Do(func() {
		c.err = err
		close(c.done)
	})
}

// Done is closed when the control connection is lost or closed.
func (c *controller) Done() <-chan struct{} { return c.done }

// Err is the reason Done was closed.
func (c *controller) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// errClosed is the cause of a controller closed on purpose.
var errClosed = errors.New("control connection closed")

// Close ends the connection.
func (c *controller) Close() error {
	c.fail(errClosed)
	return c.raw.Close()
}

// read is the only reader of the connection after authentication.
func (c *controller) read() {
	for {
		resp, err := c.conn.ReadResponse()
		if err != nil {
			c.fail(fmt.Errorf("control connection to the client lost: %w", err))
			return
		}
		if !resp.IsAsync() {
			select {
			case c.replies <- resp:
			case <-c.done:
				return
			}
			continue
		}
		if ce := circuitEventOf(resp); ce != nil {
			c.deliver(circEvent{ce, time.Now()})
		}
	}
}

// circuitEventOf returns the CIRC event in an asynchronous reply, nil for
// other events. (The layout rules are bine's relayAsyncEvents'.)
func circuitEventOf(resp *control.Response) *control.CircuitEvent {
	var code, data string
	switch {
	case len(resp.Data) == 1:
		code, data, _ = strings.Cut(resp.Data[0], " ")
	case len(resp.Data) > 1:
		code = resp.Data[0]
	default:
		code, data, _ = strings.Cut(resp.Reply, " ")
	}
	if code != string(control.EventCodeCircuit) || data == "" {
		return nil
	}
	return control.ParseCircuitEvent(data)
}

// deliver hands a CIRC event to the build waiting for it, or keeps a
// terminal one for a build that has not registered yet.
func (c *controller) deliver(e circEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.waiters[e.CircuitID]; ok {
		select {
		case ch <- e:
		default:
		}
		return
	}
	if !terminal(e.Status) {
		return
	}
	if len(c.early) > 1024 {
		for id, old := range c.early {
			if time.Since(old.at) > time.Minute {
				delete(c.early, id)
			}
		}
	}
	c.early[e.CircuitID] = e
}

// terminal reports whether a circuit status ends a build.
func terminal(status string) bool {
	return status == "BUILT" || status == "FAILED" || status == "CLOSED"
}

// request sends one command and returns its reply; an error reply is
// returned as the error (a *textproto.Error) with the reply.
func (c *controller) request(format string, args ...any) (*control.Response, error) {
	c.reqMu.Lock()
	defer c.reqMu.Unlock()
	if err := c.Err(); err != nil {
		return nil, err
	}
	if err := c.tp.PrintfLine(format, args...); err != nil {
		c.fail(fmt.Errorf("control connection to the client lost: %w", err))
		return nil, c.err
	}
	select {
	case resp := <-c.replies:
		if !resp.IsOk() {
			return resp, resp.Err
		}
		return resp, nil
	case <-c.done:
		return nil, c.err
	}
}

// How often a refused EXTENDCIRCUIT is asked again, and the least wait
// before (see buildCircuitPurpose).
const (
	refusalRetries = 2
	refusalWait    = 100 * time.Millisecond
)

// waitDirInfo waits refusalWait, then until the client reports enough
// directory information to build circuits, or max has passed (nil: asking
// again is the way to find out), or ctx ends or the connection is lost
// (the error).
func (c *controller) waitDirInfo(ctx context.Context, max time.Duration) error {
	deadline := time.Now().Add(max)
	for {
		if !pause(ctx, refusalWait) {
			return context.Cause(ctx)
		}
		v, err := c.getInfo("status/enough-dir-info")
		if cerr := c.Err(); cerr != nil {
			return cerr
		}
		if (err == nil && v == "1") || time.Now().After(deadline) {
			return nil
		}
	}
}

// Refusals is the number of EXTENDCIRCUITs tor refused and the controller
// asked again.
func (c *controller) Refusals() int64 { return c.refusals.Load() }

// A buildError is a circuit build that did not reach BUILT; Reason is the
// stable name it is counted under.
type buildError struct {
	Reason string
	Err    error
}

func (e *buildError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("circuit build failed (%s): %v", e.Reason, e.Err)
	}
	return "circuit build failed: " + e.Reason
}

func (e *buildError) Unwrap() error { return e.Err }

// buildCircuit asks the client for a new circuit on a path of its choosing
// (EXTENDCIRCUIT 0) and waits up to timeout for CIRC BUILT. It returns the
// circuit's id and the time from the request to the event. A failed build
// returns a *buildError whose Reason is tor's REASON (or TIMEOUT, or the
// control error). The circuit is not closed.
func (c *controller) buildCircuit(ctx context.Context, timeout time.Duration) (string, time.Duration, error) {
	return c.buildCircuitPurpose(ctx, timeout, "")
}

// buildCircuitPurpose is buildCircuit with a purpose set while the circuit
// is being built: "controller" keeps the client from attaching streams to
// it, so that closing it does not cut the streams of a concurrent load.
//
// Tor refuses EXTENDCIRCUIT (551 "Couldn't start circuit") while it holds
// too little directory information to pick a path, for example just after
// a new consensus named relay descriptors it has yet to fetch. Debian's
// tor refused 7 of 24 000 builds one at a time on the private network,
// and once a fresh client refused 302 in a row; tor decides again whether
// it has enough only when its directory information changes, so a
// refusal can last seconds. A refused build is asked again up to
// refusalRetries times, each after refusalWait and then as soon as the
// client reports enough directory information (GETINFO
// status/enough-dir-info), waiting at most timeout for it; the time is
// measured from the request tor accepted. Each refusal asked again is
// counted (Refusals); a build refused every time fails under tor's reply.
func (c *controller) buildCircuitPurpose(ctx context.Context, timeout time.Duration, purpose string) (string, time.Duration, error) {
	var (
		start time.Time
		resp  *control.Response
		err   error
	)
	for attempt := 0; ; attempt++ {
		start = time.Now()
		resp, err = c.request("EXTENDCIRCUIT 0")
		if err == nil {
			break
		}
		if cerr := c.Err(); cerr != nil {
			return "", 0, cerr
		}
		var te *textproto.Error
		if errors.As(err, &te) && te.Code == 551 && attempt < refusalRetries {
			c.refusals.Add(1)
			if err := c.waitDirInfo(ctx, timeout); err != nil {
				return "", 0, err
			}
			continue
		}
		reason := "EXTENDCIRCUIT refused"
		if te != nil {
			// Tor's reply, e.g. "551 Couldn't start circuit": stable
			// across occurrences, and says why.
			reason = fmt.Sprintf("EXTENDCIRCUIT refused: %d %s", te.Code, te.Msg)
			if te.Code == 551 {
				// Tor launches no circuit without enough directory
				// information; say whether that was it.
				if v, gerr := c.getInfo("status/enough-dir-info"); gerr == nil {
					reason += " (enough-dir-info=" + v + ")"
				}
			}
		}
		return "", 0, &buildError{Reason: reason, Err: err}
	}
	f := strings.Fields(resp.Reply)
	if len(f) != 2 || f[0] != "EXTENDED" {
		return "", 0, &buildError{Reason: "EXTENDCIRCUIT bad reply", Err: fmt.Errorf("reply %q", resp.Reply)}
	}
	id := f[1]
	if purpose != "" {
		// Before the circuit is built, so no stream can be attached to it.
		if _, err := c.request("SETCIRCUITPURPOSE %s purpose=%s", id, purpose); err != nil {
			if cerr := c.Err(); cerr != nil {
				return id, 0, cerr
			}
			return id, 0, &buildError{Reason: "SETCIRCUITPURPOSE refused", Err: err}
		}
	}
	ch := make(chan circEvent, 16)
	c.mu.Lock()
	e, seen := c.early[id]
	if seen {
		delete(c.early, id)
	} else {
		c.waiters[id] = ch
	}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiters, id)
		c.mu.Unlock()
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for !seen {
		select {
		case e = <-ch:
			seen = terminal(e.Status)
		case <-timer.C:
			return id, 0, &buildError{Reason: "TIMEOUT", Err: fmt.Errorf("circuit %s not built within %v", id, timeout)}
		case <-ctx.Done():
			return id, 0, context.Cause(ctx)
		case <-c.done:
			return id, 0, c.err
		}
	}
	if e.Status != "BUILT" {
		reason := e.Reason
		if reason == "" {
			reason = e.Status
		}
		if e.RemoteReason != "" {
			reason += "/" + e.RemoteReason
		}
		return id, 0, &buildError{Reason: reason}
	}
	return id, e.at.Sub(start), nil
}

// closeCircuit closes a circuit; an unknown circuit (already gone) is not
// an error.
func (c *controller) closeCircuit(id string) error {
	if id == "" {
		return nil
	}
	_, err := c.request("CLOSECIRCUIT %s", id)
	if err != nil && strings.Contains(err.Error(), "Unknown circuit") {
		return nil
	}
	return err
}

// getInfo returns one GETINFO value (a multi-line value without its
// leading line break).
func (c *controller) getInfo(key string) (string, error) {
	resp, err := c.request("GETINFO %s", key)
	if err != nil {
		return "", err
	}
	for _, line := range resp.Data {
		k, v, _ := strings.Cut(line, "=")
		if k == key {
			return strings.TrimLeft(v, "\r\n"), nil
		}
	}
	return "", fmt.Errorf("GETINFO %s: no value", key)
}
