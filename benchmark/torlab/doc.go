// Package torlab runs a private Tor network on loopback from the system's
// tor and tor-gencert: three directory authorities, middle relays, exits
// whose exit policy accepts 127.0.0.1 only, a TCP echo server the exits can
// reach, and one client under test.
//
// Use it like this:
//
//	n, err := torlab.Start(ctx, torlab.Options{})
//	if err != nil {
//		return err // names the node that did not come up, with its log tail
//	}
//	defer n.Close()
//	c := n.Client()
//	// talk SOCKS5 to c.SOCKSAddr, the control port at c.ControlAddr
//	// (cookie in c.CookiePath), traffic to n.EchoAddr() goes through an exit.
//
// Start returns only when the network is usable: a SOCKS5 round trip from
// the client through an exit to the echo server has succeeded. Every port is
// chosen at run time, so several networks can run side by side.
//
// # A quiet instrument
//
// Every node but the client runs "Schedulers Vanilla" (RelaySettings); the
// client runs as it ships. The network runs on a loopback without Linux's
// delayed-ACK stalls where it can (Options.Loopback, LoopbackMode): in a
// network namespace of its own whose loopback ACKs at once
// (LoopbackNamespace: root or CAP_SYS_ADMIN+CAP_NET_ADMIN), else on the
// host's loopback with the relays preloaded with the quick-ACK shim
// (LoopbackShim, FindShim), else on the host's loopback as it is
// (LoopbackHost). The harness reaches the network through its Loopback:
//
//	lb := n.Loopback()             // lb.Choice() says which mode and why
//	conn, err := lb.DialContext(ctx, "tcp", c.ControlAddr)
//	ln, err := lb.Listen(ctx, "tcp", "127.0.0.1:0") // reachable from the exits
//	err = lb.Start(cmd)            // a process on the network's loopback
//
// # Life cycle
//
// Close stops every process (SIGTERM, then SIGKILL after Options.StopTimeout)
// and removes the network's directory unless Options.Keep is set. The same
// happens when the context given to Start is cancelled (main's
// signal.NotifyContext turns SIGINT/SIGTERM into that), and a deferred Close
// covers a panic in the caller. Close may be called more than once and from
// several goroutines; every call waits until the teardown is done. As
// backstops for a parent that dies without running Close, every tor process
// gets PR_SET_PDEATHSIG=SIGKILL (tied to a dedicated, locked OS thread of
// the network) and the torrc option __OwningControllerProcess naming this
// process.
//
// When a process dies while the network is in use, the network reports it on
// Faults() and from Err(), as a *NodeError naming the node with its log tail.
//
// # Keys
//
// Authority keys (tor-gencert) and relay identities are cached under
// Options.KeyCache (default: the user cache directory, perfgate/torlab-keys)
// and copied into every network, so that a warm start spends no time on
// RSA key generation. A cold cache is filled in parallel, one goroutine
// per node. Networks that share the cache share relay identities; they still
// cannot see each other because every node only knows its own authorities.
//
// # The client under test
//
// Options.ClientCommand is a command template for the client under test;
// "" runs the system's tor. The template is split into words on white space
// (single or double quotes group words; no other shell syntax), and in every
// word these placeholders are replaced:
//
//	{torrc}        path of the torrc perfgate wrote for the client
//	{socks_port}   the client's SOCKS port on 127.0.0.1
//	{control_port} the client's control port on 127.0.0.1
//	{data_dir}     the client's data directory
//
// For example "/opt/tor-dev/src/app/tor -f {torrc}" measures a build of
// one's own. The torrc already sets SocksPort, ControlPort, DataDirectory and
// the private authorities, so most clients need only {torrc}.
package torlab
