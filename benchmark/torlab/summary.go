package torlab

import (
	"fmt"
	"io"
	"strings"
)

// WriteSummary writes what a person debugging a client needs of a running
// network, one line each: the start-up time, the client, its SOCKS and
// control addresses, the echo server, the directory, the client's log and
// the loopback.
func (n *Network) WriteSummary(w io.Writer) error {
	var b strings.Builder
	c := n.Client()
	fmt.Fprintf(&b, "private Tor network ready in %.1f s (first tor process started → SOCKS round trip through an exit)\n", n.StartupDuration().Seconds())
	fmt.Fprintf(&b, "client:     %s (pid %d): %s\n", orUnknown(c.Version()), c.PID(), c.Name)
	fmt.Fprintf(&b, "SOCKS5:     %s\n", c.SOCKSAddr)
	fmt.Fprintf(&b, "control:    %s (cookie %s)\n", c.ControlAddr, c.CookiePath)
	fmt.Fprintf(&b, "echo:       %s (TCP echo server, reachable through the exits)\n", n.EchoAddr())
	fmt.Fprintf(&b, "data dir:   %s\n", n.Dir())
	fmt.Fprintf(&b, "client log: %s\n", c.LogPath)
	fmt.Fprintf(&b, "%s\n", n.Loopback().Choice())
	if n.Loopback().Mode() == LoopbackNamespace {
		fmt.Fprintf(&b, "            these addresses are inside the network's namespace: reach them with 'nsenter -t %d -n COMMAND' (or --loopback shim)\n", c.PID())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown version"
	}
	return s
}
