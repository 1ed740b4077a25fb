package benchmark

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/proxy"
)

// socksPassword is the password sent with every SOCKS username. Tor
// isolates streams by the pair (IsolateSOCKSAuth), so the username alone
// chooses the circuit.
const socksPassword = "perfgate"

// dialSOCKS opens a stream to addr through the client's SOCKS5 port. A
// non-empty user puts the stream on the circuits of that username.
func dialSOCKS(ctx context.Context, ep Endpoints, user, addr string) (net.Conn, error) {
	var auth *proxy.Auth
	if user != "" {
		auth = &proxy.Auth{User: user, Password: socksPassword}
	}
	// No TCP keep-alive: a stream lives for seconds, and keep-alive costs
	// four setsockopt calls per connection.
	d, err := proxy.SOCKS5("tcp", ep.SOCKSAddr, auth, ep.dialer())
	if err != nil {
		return nil, err
	}
	return d.(proxy.ContextDialer).DialContext(ctx, "tcp", addr)
}

// A streamOutcome is the record of one echo stream.
type streamOutcome struct {
	// Latency is the time from the SOCKS request to the first full echo.
	Latency time.Duration
	// Total is the time from the SOCKS request to the last echo.
	Total time.Duration
	// Bytes is the number of bytes echoed back.
	Bytes int64
	// Exchanges is the number of completed round trips.
	Exchanges int
	Err       error
}

// echoStream opens one stream through the client to the echo server, sends
// payload exchanges times and reads each echo back. The connection is
// closed when ctx ends, so a stream never outlives its benchmark.
func echoStream(ctx context.Context, ep Endpoints, user string, payload []byte, exchanges int) streamOutcome {
	var o streamOutcome
	start := time.Now()
	conn, err := dialSOCKS(ctx, ep, user, ep.EchoAddr)
	if err != nil {
		o.Err = fmt.Errorf("connect: %w", err)
		return o
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	buf := make([]byte, len(payload))
	for i := 0; i < exchanges; i++ {
		if _, err := conn.Write(payload); err != nil {
			o.Err = fmt.Errorf("write: %w", err)
			return o
		}
		if _, err := io.ReadFull(conn, buf); err != nil {
			o.Err = fmt.Errorf("read: %w", err)
			return o
		}
		if !bytes.Equal(buf, payload) {
			o.Err = errors.New("echo: data differs")
			return o
		}
		o.Bytes += int64(len(buf))
		o.Exchanges++
		if i == 0 {
			o.Latency = time.Since(start)
		}
	}
	o.Total = time.Since(start)
	if ctx.Err() != nil && o.Exchanges < exchanges {
		o.Err = context.Cause(ctx)
	}
	return o
}

// firstByte opens a stream and measures the time from the SOCKS request
// to the first echoed byte of a one-byte message.
func firstByte(ctx context.Context, ep Endpoints, user string) (time.Duration, error) {
	o := echoStream(ctx, ep, user, []byte{'p'}, 1)
	return o.Latency, o.Err
}

// failureReason names an error for counting: stable across occurrences
// (no addresses, ports or ids).
func failureReason(err error) string {
	var be *buildError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &be):
		return be.Reason
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return "too many open files"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, net.ErrClosed):
		return "closed"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	}
	s := err.Error()
	// SOCKS replies: "socks connect tcp 127.0.0.1:9050->127.0.0.1:7: unknown error TTL expired"
	if i := strings.Index(s, "socks "); i >= 0 {
		if j := strings.LastIndex(s, ": "); j > i {
			return "socks: " + s[j+2:]
		}
	}
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}

// A streamBatch is the outcome of opening many streams at once.
type streamBatch struct {
	Streams   int
	Outcomes  []streamOutcome
	Latencies []time.Duration // of the successful streams, in completion order
	OK        int
	Failed    int
	Reasons   map[string]int
	Bytes     int64
	Exchanges int
	Wall      time.Duration
}

// runStreams opens n streams at the same moment (user(i) names the SOCKS
// username of stream i), each doing exchanges round trips of payload, and
// waits for all of them or for timeout.
func runStreams(ctx context.Context, ep Endpoints, n int, user func(int) string, payload []byte, exchanges int, timeout time.Duration) streamBatch {
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("%d streams not done within %v", n, timeout))
	defer cancel()
	b := streamBatch{Streams: n, Outcomes: make([]streamOutcome, n), Reasons: map[string]int{}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	gate := make(chan struct{})
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			o := echoStream(ctx, ep, user(i), payload, exchanges)
			b.Outcomes[i] = o
			if o.Err == nil {
				mu.Lock()
				b.Latencies = append(b.Latencies, o.Total)
				mu.Unlock()
			}
		}()
	}
	start = time.Now()
	close(gate)
	wg.Wait()
	b.Wall = time.Since(start)
	for _, o := range b.Outcomes {
		b.Bytes += o.Bytes
		b.Exchanges += o.Exchanges
		if o.Err != nil {
			b.Failed++
			b.Reasons[failureReason(o.Err)]++
		} else {
			b.OK++
		}
	}
	return b
}

// payloadOf returns a deterministic payload of size bytes.
func payloadOf(size int) []byte {
	p := make([]byte, size)
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	return p
}
