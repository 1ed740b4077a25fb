package quality

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// echoServer is a plain TCP echo server on loopback: the far end of the
// relay in tests (the real target in production is a tor client).
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func roundTrip(t *testing.T, c net.Conn, msg []byte) time.Duration {
	t.Helper()
	start := time.Now()
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("echo: got %q, want %q", got, msg)
	}
	return time.Since(start)
}

func TestRelayDelay(t *testing.T) {
	target := echoServer(t)
	for _, tc := range []struct {
		name     string
		up, down time.Duration
	}{
		{"none", 0, 0},
		{"up", 20 * time.Millisecond, 0},
		{"down", 0, 20 * time.Millisecond},
		{"both", 15 * time.Millisecond, 25 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := StartRelay(RelayOptions{Target: target, UpDelay: tc.up, DownDelay: tc.down})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			c, err := net.Dial("tcp", r.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for i := 0; i < 5; i++ {
				// A delay line can only add time: every round trip takes at
				// least the sum of both delays.
				if d := roundTrip(t, c, []byte("ping")); d < tc.up+tc.down {
					t.Errorf("round trip %d took %v, less than the delays %v", i, d, tc.up+tc.down)
				}
			}
			c.Close()
			r.Close() // waits for the relay's goroutines: the counts are final
			st := r.Stats()
			if st.Accepted != 1 || st.BytesUp != 20 || st.BytesDown != 20 {
				t.Errorf("stats = %+v, want 1 accepted, 20 bytes each way", st)
			}
		})
	}
}

func TestRelayKeepsOrderAndHalfClose(t *testing.T) {
	target := echoServer(t)
	r, err := StartRelay(RelayOptions{Target: target, UpDelay: time.Millisecond, DownDelay: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var want bytes.Buffer
	for i := 0; i < 2000; i++ {
		want.WriteString("chunk-")
		want.WriteByte(byte('a' + i%26))
	}
	go func() {
		b := want.Bytes()
		for len(b) > 0 { // many small writes
			n := min(len(b), 777)
			c.Write(b[:n])
			b = b[n:]
		}
		c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("echo through relay: got %d bytes, want %d, equal=%v", len(got), want.Len(), false)
	}
}

func TestRelayMaxConns(t *testing.T) {
	target := echoServer(t)
	for _, max := range []int{1, 3} {
		t.Run("max"+string(rune('0'+max)), func(t *testing.T) {
			r, err := StartRelay(RelayOptions{Target: target, MaxConns: max})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var open []net.Conn
			defer func() {
				for _, c := range open {
					c.Close()
				}
			}()
			for i := 0; i < max; i++ {
				c, err := net.Dial("tcp", r.Addr())
				if err != nil {
					t.Fatal(err)
				}
				open = append(open, c)
				roundTrip(t, c, []byte("ok"))
			}
			// One more is refused: the kernel accepts it, the relay resets it
			// before any byte goes through (the reset may reach the dialler
			// before its connect returns, or at its first read).
			if extra, err := net.Dial("tcp", r.Addr()); err == nil {
				extra.SetDeadline(time.Now().Add(5 * time.Second))
				extra.Write([]byte("x"))
				if n, err := extra.Read(make([]byte, 1)); err == nil {
					t.Errorf("connection beyond MaxConns=%d read %d bytes, want an error", max, n)
				}
				extra.Close()
			}
			for r.Stats().Refused != 1 {
				time.Sleep(time.Millisecond)
			}
			// Closing one frees a slot.
			open[0].Close()
			open = open[1:]
			deadline := time.Now().Add(5 * time.Second)
			for r.Stats().Active >= int64(max) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			c, err := net.Dial("tcp", r.Addr())
			if err != nil {
				t.Fatal(err)
			}
			open = append(open, c)
			roundTrip(t, c, []byte("again"))
			st := r.Stats()
			if st.Refused != 1 || st.Peak != int64(max) || st.Accepted != int64(max+1) {
				t.Errorf("stats = %+v, want 1 refused, peak %d, %d accepted", st, max, max+1)
			}
		})
	}
}

func TestRelayCloseEndsConnections(t *testing.T) {
	target := echoServer(t)
	r, err := StartRelay(RelayOptions{Target: target, DownDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, []byte("hi"))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("read after relay Close succeeded, want EOF")
	}
	if _, err := net.Dial("tcp", r.Addr()); err == nil {
		t.Error("dial after Close succeeded")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRelayBadOptions(t *testing.T) {
	for name, o := range map[string]RelayOptions{
		"no target":      {},
		"negative delay": {Target: "127.0.0.1:1", UpDelay: -time.Second},
		"negative max":   {Target: "127.0.0.1:1", MaxConns: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if r, err := StartRelay(o); err == nil {
				r.Close()
				t.Error("StartRelay succeeded, want an error")
			}
		})
	}
}

func TestRelayTargetDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	r, err := StartRelay(RelayOptions{Target: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("read through a relay whose target is down succeeded")
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.Stats().DialErrors != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if st := r.Stats(); st.DialErrors != 1 {
		t.Errorf("stats = %+v, want 1 dial error", st)
	}
}
