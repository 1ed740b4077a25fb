package torlab

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// The authorities' vote schedule (seconds). Tor 0.4.9 casts the first vote
// about VoteDelay before the interval starts (the consensus's valid-after);
// the first interval is placed so that the first vote comes firstVoteAfter
// after the authorities are launched, late enough for every relay to have
// uploaded its descriptor (3-4 s after launch on a loaded 2-core machine,
// under a second on an idle one).
//
// The first consensus is made on the initial 5 s grid; it is fresh for
// votingInterval, and the next vote comes that much later. A vote, the
// consensus and its diffs and the 9 processes fetching them load every
// core: with a 10 s interval, sequential circuit builds on the network
// took 30–100 ms instead of 17 in a cluster every 10 s (13–21 of 100
// builds per run, p95 43–68 ms over 6 fresh networks); with 300 s, 3–10
// of 100 builds, nearly all in the run's first seconds (p95 21–45 ms). A
// run and a test package last minutes, so they see one consensus; a
// longer session sees the next after 5 minutes. The consensus stays
// valid for V3AuthNIntervalsValid intervals, so a client that joins later
// (AddClient) still finds one.
const (
	initialVotingInterval = 5
	voteDelay             = 2
	distDelay             = 2
	votingInterval        = 300
	firstVoteAfter        = 4 * time.Second
)

// votingStartOffset returns TestingV3AuthVotingStartOffset for a first vote
// about voteAfter after now, and the valid-after time of that consensus:
// tor places intervals at midnight UTC + offset + k*interval.
func votingStartOffset(now time.Time, voteAfter time.Duration) (offset int, validAfter time.Time) {
	va := now.Add(voteAfter + voteDelay*time.Second)
	sec := va.Unix()
	if va.Nanosecond() > 0 {
		sec++
	}
	return int(sec % initialVotingInterval), time.Unix(sec, 0)
}

// relaySettings are the torrc lines that make every node but the client a
// quiet instrument on loopback. KIST, tor's default scheduler, waits for
// its next tick (2 ms on 0.4.8+) and checks the kernel's socket buffers
// before it writes; over 3 hops that was about half of a sequential
// circuit build (p50 16.8–17.5 ms → 7.9–8.2 ms with the relays on Vanilla,
// 5 fresh networks each). The client keeps the scheduler it ships with:
// its cost is what the suite measures.
var relaySettings = [][2]string{{"Schedulers", "Vanilla"}}

// RelaySettings describes the settings every relay and authority of a
// network gets beyond what a test network needs ("Schedulers Vanilla"):
// part of the results' environment, so that a baseline measured on another
// instrument is flagged.
func RelaySettings() string {
	var s []string
	for _, kv := range relaySettings {
		s = append(s, kv[0]+" "+kv[1])
	}
	return strings.Join(s, "; ")
}

// A torrc is a torrc under construction.
type torrc struct{ b strings.Builder }

func (t *torrc) set(key string, value any) { fmt.Fprintf(&t.b, "%s %v\n", key, value) }
func (t *torrc) String() string            { return t.b.String() }

// torrcConfig is what every node's torrc needs to know about the network.
type torrcConfig struct {
	authorities []*Node
	emptyGeoIP  string
	ownerPID    int
	bwFile      string // authorities: V3BandwidthsFile
	voteOffset  int    // authorities: TestingV3AuthVotingStartOffset
	infoLogs    bool   // also log at info level to info.log
}

// dirAuthorityLine is the DirAuthority line that names authority a.
func dirAuthorityLine(a *Node) string {
	return fmt.Sprintf("%s orport=%d no-v2 v3ident=%s 127.0.0.1:%d %s", a.Name, a.ORPort, a.V3Ident, a.DirPort, a.Fingerprint)
}

// renderTorrc returns the torrc of node n.
func renderTorrc(n *Node, cfg torrcConfig) string {
	var t torrc
	t.set("# torrc of", n.Name+" ("+string(n.Role)+"), written by perfgate's torlab")
	t.set("TestingTorNetwork", 1)
	t.set("DataDirectory", n.DataDir)
	t.set("Nickname", n.Name)
	t.set("RunAsDaemon", 0)
	t.set("Log", "notice stdout")
	t.set("SafeLogging", 0)
	t.set("ControlPort", fmt.Sprintf("127.0.0.1:%d", n.ControlPort))
	t.set("CookieAuthentication", 1)
	t.set("CookieAuthFile", n.DataDir+"/control_auth_cookie")
	t.set("PathsNeededToBuildCircuits", 0.67)
	t.set("TestingDirAuthVoteExit", "*")
	t.set("TestingDirAuthVoteGuard", "*")
	t.set("TestingDirAuthVoteHSDir", "*")
	t.set("TestingMinExitFlagThreshold", 0)
	t.set("V3AuthNIntervalsValid", 2)
	t.set("ShutdownWaitLength", 0)
	// GeoIP parsing costs about a CPU-second and 35 MB per process.
	t.set("GeoIPFile", cfg.emptyGeoIP)
	t.set("GeoIPv6File", cfg.emptyGeoIP)
	if cfg.ownerPID > 0 {
		// Backstop: tor exits when this process is gone.
		t.set("__OwningControllerProcess", cfg.ownerPID)
	}
	for _, a := range cfg.authorities {
		t.set("DirAuthority", dirAuthorityLine(a))
	}
	if cfg.infoLogs {
		t.set("Log", "info file "+n.DataDir+"/info.log")
	}
	switch n.Role {
	case RoleClient:
		t.set("SocksPort", fmt.Sprintf("127.0.0.1:%d", n.SOCKSPort))
		// A loopback-only exit policy summarises to "reject all" in
		// microdescriptors: the client needs full descriptors to find an exit.
		t.set("UseMicrodescriptors", 0)
		t.set("FetchDirInfoEarly", 1)
		t.set("FetchDirInfoExtraEarly", 1)
		// ~60 ms builds make a learned timeout kill parallel builds.
		t.set("LearnCircuitBuildTimeout", 0)
		t.set("CircuitBuildTimeout", 30)
		return t.String()
	}
	for _, kv := range relaySettings {
		t.set(kv[0], kv[1])
	}
	t.set("SocksPort", 0)
	t.set("ORPort", fmt.Sprintf("127.0.0.1:%d", n.ORPort))
	t.set("Address", "127.0.0.1")
	t.set("AssumeReachable", 1)
	t.set("ServerDNSDetectHijacking", 0)
	t.set("ServerDNSTestAddresses", "")
	t.set("ServerDNSResolvConfFile", os.DevNull)
	switch n.Role {
	case RoleExit:
		t.set("ExitRelay", 1)
		t.set("ExitPolicyRejectPrivate", 0)
		t.set("ExitPolicy", "accept 127.0.0.1:*")
		t.set("ExitPolicy", "reject *:*")
		// Accept streams on circuits whose previous hop is not yet in this
		// exit's consensus: the network is young and all ours.
		t.set("RefuseUnknownExits", 0)
	default:
		t.set("ExitRelay", 0)
	}
	if n.Role == RoleAuthority {
		t.set("DirPort", fmt.Sprintf("127.0.0.1:%d", n.DirPort))
		t.set("AuthoritativeDirectory", 1)
		t.set("V3AuthoritativeDirectory", 1)
		t.set("AuthDirTestReachability", 0)
		t.set("TestingV3AuthInitialVotingInterval", initialVotingInterval)
		t.set("TestingV3AuthInitialVoteDelay", voteDelay)
		t.set("TestingV3AuthInitialDistDelay", distDelay)
		t.set("V3AuthVotingInterval", votingInterval)
		t.set("V3AuthVoteDelay", voteDelay)
		t.set("V3AuthDistDelay", distDelay)
		t.set("TestingV3AuthVotingStartOffset", cfg.voteOffset)
		t.set("V3BandwidthsFile", cfg.bwFile)
		// Thousands of streams on one circuit must not close it for a full cell queue.
		t.set("ConsensusParams", "circ_max_cell_queue_size=50000 circ_max_cell_queue_size_out=50000")
	}
	return t.String()
}

// bandwidthFile is a V3BandwidthsFile giving every relay the same measured
// bandwidth; without it a new exit can get weight 0 and is never picked.
func bandwidthFile(now time.Time, relays []*Node) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", now.Unix())
	for _, r := range relays {
		fmt.Fprintf(&b, "node_id=$%s bw=1000\n", r.Fingerprint)
	}
	return b.String()
}
