package torlab

import (
	"io"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// QuickACK returns c whose every successful Read is followed by
// TCP_QUICKACK on its socket: the ACK of what was read goes out at once
// instead of up to 40 ms later (Linux's delayed ACK), so a peer that writes
// small messages without TCP_NODELAY, as C tor does, is not held back by
// Nagle's algorithm waiting for it. Linux leaves quick-ACK mode on its own,
// hence after every read. A connection that is not a *net.TCPConn is
// returned as it is.
func QuickACK(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	return &quickACKConn{TCPConn: tc, rc: rc}
}

// A quickACKConn keeps *net.TCPConn's other methods (CloseWrite, …).
type quickACKConn struct {
	*net.TCPConn
	rc syscall.RawConn
}

func (c *quickACKConn) Read(p []byte) (int, error) {
	n, err := c.TCPConn.Read(p)
	if n > 0 {
		_ = c.rc.Control(func(fd uintptr) {
			_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_QUICKACK, 1)
		})
	}
	return n, err
}

// WriteTo hides (*net.TCPConn).WriteTo, which would read past Read (io.Copy
// prefers it).
func (c *quickACKConn) WriteTo(w io.Writer) (int64, error) {
	return io.Copy(w, struct{ io.Reader }{c})
}

// QuickACKListener returns l whose accepted connections are QuickACK's.
func QuickACKListener(l net.Listener) net.Listener { return quickACKListener{l} }

type quickACKListener struct{ net.Listener }

func (l quickACKListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return QuickACK(c), nil
}
