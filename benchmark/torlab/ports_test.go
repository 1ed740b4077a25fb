package torlab

import (
	"net"
	"strconv"
	"testing"
)

// TestFreePorts checks that chosen ports are distinct, bindable, never
// handed out twice by one process, and outside the kernel's ephemeral range
// (where outgoing connections could take them before tor binds them).
func TestFreePorts(t *testing.T) {
	lo, hi := ephemeralRange()
	seen := map[int]bool{}
	for round := 0; round < 5; round++ {
		ports, err := freePorts(20)
		if err != nil {
			t.Fatal(err)
		}
		if len(ports) != 20 {
			t.Fatalf("got %d ports, want 20", len(ports))
		}
		for _, p := range ports {
			if p >= lo && p <= hi {
				t.Errorf("port %d is inside the ephemeral range %d–%d", p, lo, hi)
			}
			if p < portLow || p > 65535 {
				t.Errorf("port %d out of bounds", p)
			}
			if seen[p] {
				t.Errorf("port %d handed out twice", p)
			}
			seen[p] = true
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				t.Errorf("port %d cannot be bound: %v", p, err)
				continue
			}
			l.Close()
		}
	}
}
