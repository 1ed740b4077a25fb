package benchmark

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// TestEchoServer starts the echo server process (this test binary
// re-executed), echoes messages of several sizes through it, reads its CPU
// time and closes it: it must exit by itself when its standard input
// closes, not be killed.
func TestEchoServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := StartEchoServer(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.PID == os.Getpid() || e.PID <= 0 {
		t.Fatalf("echo server pid %d, want a child's", e.PID)
	}
	for _, tc := range []struct {
		name string
		size int
	}{{"one byte", 1}, {"one KiB", 1024}, {"larger than its buffer", 100 << 10}} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", e.Addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(20 * time.Second))
			msg := payloadOf(tc.size)
			errc := make(chan error, 1)
			go func() { _, err := c.Write(msg); errc <- err }()
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil {
				t.Fatal(err)
			}
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, msg) {
				t.Error("echo differs from the message")
			}
		})
	}
	if _, err := e.CPU(); err != nil {
		t.Errorf("CPU: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if e.err != nil {
		t.Errorf("echo server did not exit by itself when its stdin closed: %v", e.err)
	}
	if processAlive(e.PID) {
		t.Errorf("echo server %d still runs after Close", e.PID)
	}
	if _, err := net.DialTimeout("tcp", e.Addr, time.Second); err == nil {
		t.Errorf("%s still accepts connections after Close", e.Addr)
	}
}
