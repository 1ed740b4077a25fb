package benchmark

import "fmt"

// Endpoints are where the suite reaches the Tor client under test and the
// echo server behind the network's exits. Any client that offers a SOCKS5
// port and a control port can be measured; PID names its process so that
// its memory and CPU can be read from /proc.
type Endpoints struct {
	// SOCKSAddr is the client's SOCKS5 port, host:port.
	SOCKSAddr string
	// ControlAddr is the client's control port, host:port.
	ControlAddr string
	// CookiePath is the control port's authentication cookie, when the
	// client does not name it in PROTOCOLINFO (optional).
	CookiePath string
	// ControlPassword is used when the control port only offers
	// HASHEDPASSWORD authentication (optional).
	ControlPassword string
	// PID is the client's process id.
	PID int
	// EchoAddr is a TCP echo server reachable through the exits, host:port.
	EchoAddr string
	// EchoPID is the echo server's process id when it runs in a process
	// of its own (see StartEchoServer); its CPU time is then reported
	// apart from the harness's (echo_cpu_s). 0: unknown, or in this process.
	EchoPID int
}

// validate says what is missing.
func (e Endpoints) validate() error {
	switch {
	case e.SOCKSAddr == "":
		return fmt.Errorf("endpoints: no SOCKS address")
	case e.ControlAddr == "":
		return fmt.Errorf("endpoints: no control address")
	case e.EchoAddr == "":
		return fmt.Errorf("endpoints: no echo address")
	case e.PID <= 0:
		return fmt.Errorf("endpoints: no client PID")
	}
	return nil
}
