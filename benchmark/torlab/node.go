package torlab

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A Role is what a node does in the network.
type Role string

// The roles of a network's nodes.
const (
	RoleAuthority Role = "authority"
	RoleRelay     Role = "relay"
	RoleExit      Role = "exit"
	RoleClient    Role = "client"
)

// A Node is one tor process of a network (or the client under test).
// Its fields are set before the process starts and do not change.
type Node struct {
	Name        string // auth1, relay1, exit1, client, client2, ...
	Role        Role
	DataDir     string
	LogPath     string // the process's stdout and stderr (tor logs notices there)
	TorrcPath   string
	PID         int
	ORPort      int // 0 for clients
	DirPort     int // authorities only
	ControlPort int
	SOCKSPort   int    // clients only
	Fingerprint string // relay identity (hex), "" for clients
	V3Ident     string // authorities only: the v3 identity of the authority certificate

	retired    atomic.Bool // stopped on purpose: its exit is not a fault
	adding     atomic.Bool // a client of AddClient not ready yet: its exit fails AddClient, not the network
	argv       []string
	env        []string      // added to the process's environment (a relay's LD_PRELOAD of the shim)
	earlyStart bool          // client started before the first consensus: reload it once there is one
	exited     chan struct{} // closed when the process has been reaped
	state      *os.ProcessState
	proc       *os.Process
}

// Running reports whether the node's process is still alive.
func (n *Node) Running() bool {
	if n.exited == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
		return true
	}
}

// A NodeError is a failure of one node: it did not come up, or it died while
// the network was in use. Its message carries the last lines of the node's log.
type NodeError struct {
	Node    string // the node's name
	PID     int
	LogPath string
	Err     error
	LogTail string
}

func (e *NodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "torlab: %s", e.Node)
	if e.PID != 0 {
		fmt.Fprintf(&b, " (pid %d)", e.PID)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.LogTail != "" {
		fmt.Fprintf(&b, "\n--- last lines of %s ---\n%s", e.LogPath, strings.TrimRight(e.LogTail, "\n"))
	}
	return b.String()
}

func (e *NodeError) Unwrap() error { return e.Err }

// nodeError builds a NodeError for n with the tail of its log.
func nodeError(n *Node, err error) *NodeError {
	return &NodeError{Node: n.Name, PID: n.PID, LogPath: n.LogPath, Err: err, LogTail: logTail(n.LogPath, 15)}
}

// logTail returns the last lines of the file at path ("" if unreadable).
func logTail(path string, lines int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	const max = 8 << 10
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	off := st.Size() - max
	if off < 0 {
		off = 0
	}
	buf, err := io.ReadAll(io.NewSectionReader(f, off, max))
	if err != nil {
		return ""
	}
	return lastLines(buf, lines)
}

// lastLines returns the last n lines of buf.
func lastLines(buf []byte, n int) string {
	s := strings.TrimRight(string(buf), "\n")
	if s == "" || n <= 0 {
		return ""
	}
	ls := strings.Split(s, "\n")
	if len(ls) > n {
		ls = ls[len(ls)-n:]
	}
	return strings.Join(ls, "\n") + "\n"
}

// A spawner starts the network's processes through its loopback, whose
// one OS thread stays alive as long as the network: Linux delivers
// PR_SET_PDEATHSIG when the thread that forked a child exits, not the
// process, so the children must not be forked from an arbitrary Go thread
// (Go ends the thread of a goroutine that exits locked to it); in namespace
// mode that thread is also the one inside the network's namespace.
type spawner struct {
	lb *Loopback

	mu      sync.Mutex // held while a process starts
	refused bool       // no more starts: the network is closing
}

func newSpawner(lb *Loopback) *spawner { return &spawner{lb: lb} }

// refuse makes every later start fail; it returns once a start in progress
// has finished, so that afterwards every started node has its process set.
func (s *spawner) refuse() {
	s.mu.Lock()
	s.refused = true
	s.mu.Unlock()
}

// stop ends the spawner's thread; call it once every child is gone (the
// thread's exit would SIGKILL the children that are left).
func (s *spawner) stop() { s.lb.close() }

// start runs n.argv with stdout and stderr going to n.LogPath. onExit is
// called (from another goroutine) after the process has been reaped.
func (s *spawner) start(n *Node, dir string, onExit func(*Node)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refused {
		return errors.New("torlab: network is closed")
	}
	logf, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(n.argv[0], n.argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true, // Ctrl-C in a terminal reaches perfgate only; it tears down in order
		Pdeathsig: syscall.SIGKILL,
	}
	if n.env != nil {
		cmd.Env = append(os.Environ(), n.env...)
	}
	if startErr := s.lb.Start(cmd); startErr != nil {
		logf.Close()
		return startErr
	}
	n.PID = cmd.Process.Pid
	n.proc = cmd.Process
	n.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		n.state = cmd.ProcessState
		if onExit != nil {
			onExit(n) // before exited is closed: waiters then see the fault
		}
		close(n.exited)
	}()
	return nil
}

// stop sends SIGTERM to the node's process and SIGKILL after timeout, and
// waits until it has been reaped. It reports whether SIGKILL was needed.
func (n *Node) stop(timeout time.Duration) bool {
	if n.exited == nil {
		return false
	}
	select {
	case <-n.exited:
		return false
	default:
	}
	// Each process leads its own process group (Setpgid): signal the group,
	// so that a client command that is a wrapper script stops with its tor.
	_ = syscall.Kill(-n.PID, syscall.SIGTERM)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-n.exited:
		return false
	case <-t.C:
	}
	_ = syscall.Kill(-n.PID, syscall.SIGKILL)
	_ = n.proc.Kill()
	<-n.exited
	return true
}

// exitDescription says how a reaped process ended.
func exitDescription(st *os.ProcessState) string {
	if st == nil {
		return "exited"
	}
	return "exited unexpectedly (" + st.String() + ")"
}
