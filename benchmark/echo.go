package benchmark

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/perfgate/perfgate/benchmark/torlab"
)

// echoChildEnv makes a program that links this package run as an echo
// server instead of its main (see init): StartEchoServer re-executes the
// running program with it set.
const echoChildEnv = "PERFGATE_ECHO_SERVER"

// echoQuickACKEnv makes the echo server's connections quick-ACK after each
// read (the shim loopback mode's harness sockets).
const echoQuickACKEnv = "PERFGATE_ECHO_QUICKACK"

func init() {
	if os.Getenv(echoChildEnv) == "1" {
		os.Exit(echoChildMain(os.Stdin, os.Stdout, os.Stderr))
	}
}

// An EchoServer is the destination of the suite's streams: a TCP echo
// server on 127.0.0.1 in a process of its own (this program re-executed),
// so that the CPU time of the outside world the client talks to is
// measured apart from the harness's that drives the client. It exits when
// closed or when this process ends (it watches its standard input).
type EchoServer struct {
	// Addr is the server's 127.0.0.1:port.
	Addr string
	// PID is the server's process id.
	PID int

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer
	waited chan struct{}
	err    error
	once   sync.Once
}

// StartEchoServer starts the echo server process and returns when it
// listens. On a private network's loopback lb (nil: the host's) it runs
// where the network runs: inside its namespace, or quick-ACKing its reads.
func StartEchoServer(ctx context.Context, lb *torlab.Loopback) (*EchoServer, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("echo server: %w", err)
	}
	cmd := exec.Command(exe)
	// One P: the server's work is a few system calls per message.
	cmd.Env = append(os.Environ(), echoChildEnv+"=1", "GOMAXPROCS=1")
	if lb != nil && lb.Mode() == torlab.LoopbackShim {
		cmd.Env = append(cmd.Env, echoQuickACKEnv+"=1")
	}
	// Its own process group: Ctrl-C reaches this process, which closes
	// the server in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	e := &EchoServer{cmd: cmd, stderr: &bytes.Buffer{}, waited: make(chan struct{})}
	cmd.Stderr = &limitedBuffer{b: e.stderr, max: 4096}
	if e.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("echo server: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("echo server: %w", err)
	}
	start := cmd.Start
	if lb != nil {
		start = func() error { return lb.Start(cmd) }
	}
	if err := start(); err != nil {
		return nil, fmt.Errorf("echo server: %w", err)
	}
	e.PID = cmd.Process.Pid
	go func() {
		e.err = cmd.Wait()
		close(e.waited)
	}()
	addr := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		addr <- strings.TrimSpace(line)
	}()
	select {
	case e.Addr = <-addr:
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
	}
	if _, _, err := net.SplitHostPort(e.Addr); err != nil {
		e.Close()
		return nil, fmt.Errorf("echo server (pid %d) did not report its address (%q): %s", e.PID, e.Addr, strings.TrimSpace(e.stderr.String()))
	}
	return e, nil
}

// CPU returns the CPU time the server has used.
func (e *EchoServer) CPU() (time.Duration, error) { return ProcessCPU(e.PID) }

// Close stops the server (it exits when its standard input closes; after
// 2 s it is killed) and waits for it.
func (e *EchoServer) Close() error {
	e.once.Do(func() {
		e.stdin.Close()
		select {
		case <-e.waited:
		case <-time.After(2 * time.Second):
			e.cmd.Process.Kill()
			<-e.waited
		}
	})
	var ee *exec.ExitError
	if e.err != nil && !errors.As(e.err, &ee) {
		return fmt.Errorf("echo server: %w", e.err)
	}
	return nil
}

// echoChildMain is the echo server process: it listens on 127.0.0.1,
// writes its address to stdout, serves until stdin reaches its end and
// returns the exit code.
func echoChildMain(stdin io.Reader, stdout, stderr io.Writer) int {
	l, err := listenEcho()
	if err != nil {
		fmt.Fprintln(stderr, "echo server:", err)
		return 2
	}
	if os.Getenv(echoQuickACKEnv) == "1" {
		l = torlab.QuickACKListener(l)
	}
	fmt.Fprintln(stdout, l.Addr())
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		l.Close()
	}()
	if err := serveEcho(l); err != nil && !errors.Is(err, net.ErrClosed) {
		fmt.Fprintln(stderr, "echo server:", err)
		return 2
	}
	return 0
}

// listenEcho listens on a free port of 127.0.0.1 without TCP keep-alive
// (every stream is short; keep-alive costs system calls per connection).
func listenEcho() (net.Listener, error) {
	lc := net.ListenConfig{KeepAlive: -1}
	return lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
}

// serveEcho accepts connections until l is closed and writes back what
// each one sends. A shortage of file descriptors pauses accepting briefly
// (the stream that waits fails or succeeds on its own terms).
func serveEcho(l net.Listener) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return err
		}
		go echoConn(c)
	}
}

// echoBuffers hold one message each: the suite's messages are 1 KiB.
var echoBuffers = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// echoConn copies c's input back with plain reads and writes: io.Copy
// between two TCP sockets would splice through a pipe, which costs more
// system calls than it saves for small messages.
func echoConn(c net.Conn) {
	defer c.Close()
	bp := echoBuffers.Get().(*[]byte)
	defer echoBuffers.Put(bp)
	buf := *bp
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	b   *bytes.Buffer
	max int
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - w.b.Len(); room > 0 {
		w.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
