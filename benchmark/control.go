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
	"time"

	"github.com/cretz/bine/control"
)

// A controller is the suite's connection to the client's control port: it
// builds and closes circuits and follows CIRC events. bine's Conn may not be
// used by two goroutines' requests at once, so requests are serialised here;
// events are read by one goroutine and handed to the builds waiting for them.
type controller struct {
	conn   *control.Conn
	raw    net.Conn
	reqMu  sync.Mutex
	events chan control.Event

	mu      sync.Mutex
	waiters map[string]chan circEvent
	early   map[string]circEvent // terminal events that came before their waiter

	done    chan struct{} // closed when the connection is lost or closed
	errOnce sync.Once
	err     error
	cancel  context.CancelFunc
}

// circEvent is a CIRC event and the moment the harness read it.
type circEvent struct {
	*control.CircuitEvent
	at time.Time
}

// dialController connects to the control port at ep.ControlAddr,
// authenticates and subscribes to CIRC events.
func dialController(ctx context.Context, ep Endpoints) (*controller, error) {
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", ep.ControlAddr)
	if err != nil {
		return nil, fmt.Errorf("control port %s: %w", ep.ControlAddr, err)
	}
	conn := control.NewConn(textproto.NewConn(raw))
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	if err := authenticate(conn, ep); err != nil {
		raw.Close()
		return nil, fmt.Errorf("control port %s: authenticating: %w", ep.ControlAddr, err)
	}
	hctx, cancel := context.WithCancel(context.Background())
	c := &controller{
		conn:    conn,
		raw:     raw,
		events:  make(chan control.Event, 4096),
		waiters: make(map[string]chan circEvent),
		early:   make(map[string]circEvent),
		done:    make(chan struct{}),
		cancel:  cancel,
	}
	if err := conn.AddEventListener(c.events, control.EventCodeCircuit); err != nil {
		cancel()
		raw.Close()
		return nil, fmt.Errorf("control port %s: SETEVENTS CIRC: %w", ep.ControlAddr, err)
	}
	go func() {
		err := conn.HandleEvents(hctx)
		if hctx.Err() == nil {
			c.fail(fmt.Errorf("control connection to the client lost: %w", err))
		}
	}()
	go c.dispatch()
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

// Close ends the connection.
func (c *controller) Close() error {
	c.fail(errors.New("control connection closed"))
	c.cancel()
	return c.raw.Close()
}

// dispatch hands CIRC events to the builds that wait for them. It never
// blocks on a request, so bine's reader is never stuck behind it.
func (c *controller) dispatch() {
	for {
		var ev control.Event
		select {
		case ev = <-c.events:
		case <-c.done:
			return
		}
		ce, ok := ev.(*control.CircuitEvent)
		if !ok {
			continue
		}
		e := circEvent{ce, time.Now()}
		c.mu.Lock()
		if ch, ok := c.waiters[ce.CircuitID]; ok {
			select {
			case ch <- e:
			default:
			}
		} else if terminal(ce.Status) {
			if len(c.early) > 1024 {
				for id, old := range c.early {
					if time.Since(old.at) > time.Minute {
						delete(c.early, id)
					}
				}
			}
			c.early[ce.CircuitID] = e
		}
		c.mu.Unlock()
	}
}

// terminal reports whether a circuit status ends a build.
func terminal(status string) bool {
	return status == "BUILT" || status == "FAILED" || status == "CLOSED"
}

// request sends one command; requests are serialised.
func (c *controller) request(format string, args ...any) (*control.Response, error) {
	c.reqMu.Lock()
	defer c.reqMu.Unlock()
	if err := c.Err(); err != nil {
		return nil, err
	}
	return c.conn.SendRequest(format, args...)
}

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
	start := time.Now()
	resp, err := c.request("EXTENDCIRCUIT 0")
	if err != nil {
		if cerr := c.Err(); cerr != nil {
			return "", 0, cerr
		}
		return "", 0, &buildError{Reason: "EXTENDCIRCUIT refused", Err: err}
	}
	f := strings.Fields(resp.Reply)
	if len(f) != 2 || f[0] != "EXTENDED" {
		return "", 0, &buildError{Reason: "EXTENDCIRCUIT bad reply", Err: fmt.Errorf("reply %q", resp.Reply)}
	}
	id := f[1]
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

// getInfo returns one GETINFO value.
func (c *controller) getInfo(key string) (string, error) {
	c.reqMu.Lock()
	defer c.reqMu.Unlock()
	kvs, err := c.conn.GetInfo(key)
	if err != nil {
		return "", err
	}
	for _, kv := range kvs {
		if kv.Key == key {
			return kv.Val, nil
		}
	}
	return "", fmt.Errorf("GETINFO %s: no value", key)
}
