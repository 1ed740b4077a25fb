package torlab

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Ports for the nodes are chosen outside the kernel's ephemeral range
// (net.ipv4.ip_local_port_range, 32768–60999 by default). A port the
// kernel picks for "bind to port 0" comes from that range, and so does the
// local port of every outgoing connection: a benchmark that opens thousands
// of streams, or another network's tests running beside it, could take a
// port between the moment it is chosen and the moment tor binds it. Ports
// below the range are never handed out by the kernel on its own, so only
// another program choosing the same port by chance (one in tens of
// thousands) can collide, and Start reports that as a node that did not
// come up.

// portLow is the lowest port torlab chooses; below it are the ports that
// well-known services like to take.
const portLow = 10000

var (
	portsMu sync.Mutex
	// portsGiven remembers the ports this process handed out, so two
	// networks of one process never get the same port even when the first
	// has not bound it yet.
	portsGiven = map[int]bool{}
)

// ephemeralRange returns the kernel's range of ephemeral ports.
func ephemeralRange() (lo, hi int) {
	lo, hi = 32768, 60999
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return lo, hi
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return lo, hi
	}
	l, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || l > h {
		return lo, hi
	}
	return l, h
}

// candidatePorts lists the ports outside the ephemeral range that torlab
// may choose from.
func candidatePorts() []int {
	lo, hi := ephemeralRange()
	var c []int
	for p := portLow; p <= 65535; p++ {
		if p < lo || p > hi {
			c = append(c, p)
		}
	}
	return c
}

// freePorts returns n distinct TCP ports on 127.0.0.1 that were free a
// moment ago, outside the ephemeral range and never handed out before by
// this process. Each is tried with a bind; all n are held open until the
// choice is made, so they differ from each other and from ports in use.
func freePorts(n int) ([]int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	cands := candidatePorts()
	ports := make([]int, 0, n)
	for tries := 0; len(ports) < n; tries++ {
		if tries > 100*n+1000 || len(portsGiven) >= len(cands) {
			return nil, fmt.Errorf("torlab: no free port on 127.0.0.1 outside the ephemeral range after %d tries", tries)
		}
		p := cands[rand.IntN(len(cands))]
		if portsGiven[p] {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			continue // in use: try another
		}
		ls = append(ls, l)
		portsGiven[p] = true
		ports = append(ports, p)
	}
	return ports, nil
}
