package torlab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// enterNamespace moves the calling thread (locked: a thread's) into a new
// network namespace and brings its loopback up with quick ACKs: the two
// local routes of 127.0.0.0/8 get the route attribute quickack 1, so no
// TCP connection on them delays an ACK. It needs CAP_SYS_ADMIN (unshare)
// and CAP_NET_ADMIN (the routes) in this process's user namespace.
func enterNamespace() error {
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("unshare(CLONE_NEWNET): %w (needs CAP_SYS_ADMIN: root, or a container with it)", err)
	}
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("netlink: %w", err)
	}
	defer h.Close()
	lo, err := h.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("the namespace's loopback: %w", err)
	}
	if err := h.LinkSetUp(lo); err != nil {
		return fmt.Errorf("bringing the namespace's loopback up: %w (needs CAP_NET_ADMIN)", err)
	}
	src := net.IPv4(127, 0, 0, 1)
	for _, dst := range []*net.IPNet{
		{IP: net.IPv4(127, 0, 0, 0), Mask: net.CIDRMask(8, 32)},
		{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(32, 32)},
	} {
		r := &netlink.Route{
			LinkIndex: lo.Attrs().Index,
			Dst:       dst,
			Src:       src,
			Scope:     netlink.SCOPE_HOST,
			Type:      unix.RTN_LOCAL,
			Table:     unix.RT_TABLE_LOCAL,
			Protocol:  unix.RTPROT_KERNEL,
			QuickACK:  1,
		}
		if err := h.RouteReplace(r); err != nil {
			return fmt.Errorf("route local %s quickack 1: %w (needs CAP_NET_ADMIN)", dst, err)
		}
	}
	return nil
}

// forceNoNamespace makes probeNamespace fail as if this process lacked the
// privileges (PERFGATE_NO_NAMESPACE=1): how a test, or a user comparing
// modes, forces the fallback.
const forceNoNamespace = "PERFGATE_NO_NAMESPACE"

// probeNamespace reports whether this process can make a quick-ACK
// namespace, by making one on a thread that then ends (and the namespace
// with it).
func probeNamespace() error {
	if os.Getenv(forceNoNamespace) == "1" {
		return errors.New(forceNoNamespace + "=1")
	}
	th := newThread()
	defer th.stop()
	var err error
	th.do(func() { err = enterNamespace() })
	return err
}

// dialInNamespace connects to a tcp addr inside the namespace: the socket
// is made by the namespace's thread (a socket belongs to the namespace of
// the thread that made it), then connected, and waited for, by the caller,
// so that many dials proceed at once.
func (l *Loopback) dialInNamespace(ctx context.Context, network, addr string) (net.Conn, error) {
	if network != "tcp" && network != "tcp4" {
		return nil, fmt.Errorf("torlab: dial %s %s: only tcp on the namespace's loopback", network, addr)
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return nil, fmt.Errorf("torlab: dial %s: not an IPv4 address and port", addr)
	}
	fd := -1
	if !l.th.do(func() { fd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0) }) {
		return nil, errors.New("torlab: network is closed")
	}
	if err != nil {
		return nil, fmt.Errorf("torlab: dial %s: socket: %w", addr, err)
	}
	f := os.NewFile(uintptr(fd), "tcp:"+addr) // non-blocking: the runtime's poller waits on it
	defer f.Close()                           // FileConn dups it
	opErr := func(err error) error {
		return &net.OpError{Op: "dial", Net: network, Addr: net.TCPAddrFromAddrPort(ap), Err: err}
	}
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()})
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		return nil, opErr(os.NewSyscallError("connect", err))
	}
	if err != nil {
		if dl, ok := ctx.Deadline(); ok {
			_ = f.SetWriteDeadline(dl)
		}
		stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Unix(1, 0)) })
		defer stop()
		rc, err := f.SyscallConn()
		if err != nil {
			return nil, opErr(err)
		}
		var connErr error
		werr := rc.Write(func(s uintptr) bool {
			if _, err := unix.Getpeername(int(s)); err == nil {
				return true
			}
			v, err := unix.GetsockoptInt(int(s), unix.SOL_SOCKET, unix.SO_ERROR)
			switch {
			case err != nil:
				connErr = os.NewSyscallError("getsockopt", err)
			case v != 0:
				connErr = os.NewSyscallError("connect", unix.Errno(v))
			default:
				return false // not connected yet
			}
			return true
		})
		if werr != nil {
			if ctx.Err() != nil {
				werr = ctx.Err()
			}
			return nil, opErr(werr)
		}
		if connErr != nil {
			return nil, opErr(connErr)
		}
	}
	c, err := net.FileConn(f)
	if err != nil {
		return nil, opErr(err)
	}
	return c, nil
}
