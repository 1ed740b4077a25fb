package benchmark

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/results"
)

// shared is the private network the tests share; sharedEP its client's
// endpoints. TestMain starts it when tor is installed.
var (
	shared   *torlab.Network
	sharedEP Endpoints
)

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run()) // fuzzing needs no network
	}
	if _, err := exec.LookPath("tor"); err != nil {
		fmt.Fprintln(os.Stderr, "TestMain: tor is not installed: the tests that need a network are skipped (make deps installs it)")
		os.Exit(m.Run())
	}
	// The network lives as long as ctx: until the tests are done.
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	shared, err = torlab.Start(ctx, torlab.Options{StartTimeout: 3 * time.Minute})
	if err != nil {
		cancel()
		fmt.Fprintln(os.Stderr, "TestMain: starting the shared network:", err)
		os.Exit(1)
	}
	sharedEP = endpointsOf(shared)
	// As in Run: the streams' destination in a process of its own.
	echo, err := StartEchoServer(ctx, shared.Loopback())
	if err != nil {
		shared.Close()
		cancel()
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(1)
	}
	sharedEP.EchoAddr, sharedEP.EchoPID = echo.Addr, echo.PID
	code := m.Run()
	if err := echo.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		code = 1
	}
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		code = 1
	}
	cancel()
	os.Exit(code)
}

func endpointsOf(n *torlab.Network) Endpoints { return ClientEndpoints(n, n.Client()) }

// testConfig is QuickConfig made smaller still.
func testConfig() Config {
	c := QuickConfig()
	c.Circuits = 20
	c.CircuitWarmup = 2
	c.PoolRequests = 20
	c.MemoryWindow = time.Second
	c.LeakCycles = 3
	c.LeakStreams = 30
	c.LeakCircuits = 3
	c.StreamMaxLevel = 400
	return c
}

// needNetwork skips a test when there is no tor.
func needNetwork(t *testing.T) {
	t.Helper()
	if shared == nil {
		t.Skip("tor is not installed")
	}
	if err := shared.Err(); err != nil {
		t.Fatalf("the shared network is broken: %v", err)
	}
}

// runOne runs one benchmark on the shared network and returns its result.
func runOne(t *testing.T, cfg Config, bench func(*Suite) func(context.Context) error) Result {
	t.Helper()
	needNetwork(t)
	s := NewSuite(nil, WithEndpoints(sharedEP), WithConfig(cfg))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := bench(s)(ctx); err != nil {
		t.Fatalf("benchmark failed: %v", err)
	}
	rs := s.Results()
	if len(rs) != 1 {
		t.Fatalf("%d results, want 1", len(rs))
	}
	r := rs[0]
	t.Logf("%s: ops %d, p50 %v, p95 %v, max %v, RSS %s, failures %d %v, metrics %v",
		r.Name, r.TotalOperations, r.P50Latency, r.P95Latency, r.MaxLatency, FormatBytes(r.MemoryInUse), r.Failures, r.FailureReasons, r.AdditionalMetrics)
	return r
}

// plausibleLatency checks 0 < p95 < the circuit target (5 s).
func plausibleLatency(t *testing.T, r Result) {
	t.Helper()
	if r.P95Latency <= 0 || r.P95Latency >= 5*time.Second {
		t.Errorf("p95 %v, want within (0, 5s)", r.P95Latency)
	}
	if r.P50Latency > r.P95Latency || r.P95Latency > r.MaxLatency {
		t.Errorf("percentiles out of order: p50 %v p95 %v max %v", r.P50Latency, r.P95Latency, r.MaxLatency)
	}
}

// plausibleRSS checks the client's RSS is within 1 MB–1 GB.
func plausibleRSS(t *testing.T, rss uint64) {
	t.Helper()
	if rss < 1<<20 || rss > 1<<30 {
		t.Errorf("client RSS %s, want within 1 MB–1 GB", FormatBytes(rss))
	}
}

func TestCircuitBuildOnTor(t *testing.T) {
	tests := []struct {
		name  string
		bench func(*Suite) func(context.Context) error
		key   string
	}{
		{"sequential", func(s *Suite) func(context.Context) error { return s.BenchmarkCircuitBuild }, results.BenchCircuitBuild},
		{"concurrent", func(s *Suite) func(context.Context) error { return s.BenchmarkCircuitBuildConcurrent }, results.BenchCircuitBuildConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			r := runOne(t, cfg, tt.bench)
			if r.Key != tt.key || !r.Success || r.Error != nil {
				t.Errorf("key %q success %v error %v", r.Key, r.Success, r.Error)
			}
			if w := r.AdditionalMetrics["warmup_builds"]; tt.key == results.BenchCircuitBuild && w != cfg.CircuitWarmup {
				t.Errorf("warm-up builds %v, want %d", w, cfg.CircuitWarmup)
			}
			if len(r.Latencies) != cfg.Circuits || r.Failures != 0 {
				t.Errorf("%d built, %d failed (%v); want every one of %d built", len(r.Latencies), r.Failures, r.FailureReasons, cfg.Circuits)
			}
			plausibleLatency(t, r)
			plausibleRSS(t, r.MemoryInUse)
		})
	}
}

func TestCircuitBuildWithPoolOnTor(t *testing.T) {
	cfg := testConfig()
	r := runOne(t, cfg, func(s *Suite) func(context.Context) error { return s.BenchmarkCircuitBuildWithPool })
	if !r.Success || len(r.Latencies) != cfg.PoolRequests {
		t.Errorf("success %v, %d of %d streams (%v)", r.Success, len(r.Latencies), cfg.PoolRequests, r.FailureReasons)
	}
	plausibleLatency(t, r)
}

func TestMemoryUsageOnTor(t *testing.T) {
	r := runOne(t, testConfig(), func(s *Suite) func(context.Context) error { return s.BenchmarkMemoryUsage })
	if len(r.Memory) < 2 {
		t.Fatalf("%d memory samples", len(r.Memory))
	}
	for _, m := range r.Memory {
		plausibleRSS(t, m.RSS)
	}
	plausibleRSS(t, r.MemoryInUse)
	if r.Failures != 0 || r.TotalOperations == 0 {
		t.Errorf("load: %d operations, %d failures %v", r.TotalOperations, r.Failures, r.FailureReasons)
	}
}

func TestMemoryLeaksOnTor(t *testing.T) {
	cfg := testConfig()
	r := runOne(t, cfg, func(s *Suite) func(context.Context) error { return s.BenchmarkMemoryLeaks })
	if len(r.Memory) != cfg.LeakCycles {
		t.Fatalf("%d samples, want one per cycle (%d)", len(r.Memory), cfg.LeakCycles)
	}
	for i, m := range r.Memory {
		plausibleRSS(t, m.RSS)
		if m.Cycle != i+1 {
			t.Errorf("sample %d has cycle %d", i, m.Cycle)
		}
	}
	// A circuit that the network closes under its streams (seen once in a
	// loaded CI run: the 10 streams of one isolated circuit ended with
	// EOF) is a real event the benchmark counts; more than one circuit's
	// streams, or any other failure, is a bug.
	perCircuit := cfg.LeakStreams / cfg.LeakCircuits
	if r.Failures != 0 && (r.Failures > perCircuit || r.FailureReasons["eof"] != r.Failures) {
		t.Errorf("%d failures: %v", r.Failures, r.FailureReasons)
	} else if r.Failures != 0 {
		t.Logf("one circuit's streams ended early: %v", r.FailureReasons)
	}
	if _, ok := r.AdditionalMetrics["growth_per_cycle_bytes"]; !ok {
		t.Error("no growth_per_cycle_bytes")
	}
}

func TestConcurrentStreamsOnTor(t *testing.T) {
	cfg := testConfig()
	r := runOne(t, cfg, func(s *Suite) func(context.Context) error { return s.BenchmarkConcurrentStreams })
	if !r.Success || len(r.Latencies) != cfg.ConcurrentStreams || r.Failures != 0 {
		t.Errorf("success %v, %d of %d streams, failures %v", r.Success, len(r.Latencies), cfg.ConcurrentStreams, r.FailureReasons)
	}
	if r.TotalOperations != int64(cfg.ConcurrentStreams*cfg.StreamExchanges) {
		t.Errorf("%d exchanges, want %d", r.TotalOperations, cfg.ConcurrentStreams*cfg.StreamExchanges)
	}
	plausibleLatency(t, r)
}

func TestStreamScalingOnTor(t *testing.T) {
	cfg := testConfig()
	r := runOne(t, cfg, func(s *Suite) func(context.Context) error { return s.BenchmarkStreamScaling })
	capacity, _ := r.AdditionalMetrics["stream_capacity"].(int)
	if capacity < 100 {
		t.Errorf("stream capacity %d, want at least 100", capacity)
	}
	if len(r.Levels) < len(cfg.StreamLevels) {
		t.Fatalf("%d levels recorded, want at least the first %d", len(r.Levels), len(cfg.StreamLevels))
	}
	for i, lv := range cfg.StreamLevels {
		if r.Levels[i].Streams != lv {
			t.Errorf("level %d is %d streams, want %d", i, r.Levels[i].Streams, lv)
		}
	}
	for _, lv := range r.Levels {
		if lv.OK+lv.Failed != lv.Streams {
			t.Errorf("level %d: %d ok + %d failed", lv.Streams, lv.OK, lv.Failed)
		}
	}
}

func TestStreamMultiplexingOnTor(t *testing.T) {
	cfg := testConfig()
	r := runOne(t, cfg, func(s *Suite) func(context.Context) error { return s.BenchmarkStreamMultiplexing })
	if !r.Success || len(r.Latencies) != cfg.MuxCircuits*cfg.MuxStreams {
		t.Errorf("success %v, %d streams, failures %v", r.Success, len(r.Latencies), r.FailureReasons)
	}
	if used := r.AdditionalMetrics["circuits_used"]; used != cfg.MuxCircuits {
		t.Errorf("%v circuits carried the streams, want %d (one per SOCKS username)", used, cfg.MuxCircuits)
	}
}

func TestTimeoutStopsPromptly(t *testing.T) {
	needNetwork(t)
	cfg := testConfig()
	cfg.Circuits = 100000
	cfg.CircuitWarmup = -1 // measured builds from the start
	s := NewSuite(nil, WithEndpoints(sharedEP), WithConfig(cfg))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	err := s.RunAll(ctx)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("RunAll = %v, want the deadline", err)
	}
	if took > 6*time.Second {
		t.Errorf("RunAll returned %v after a 1 s deadline, want within 5 s of it", took)
	}
	rs := s.Results()
	if len(rs) != 1 || rs[0].Success || rs[0].Error == nil {
		t.Fatalf("results %+v, want one failed circuit build with its error", rs)
	}
	if len(rs[0].Latencies) == 0 {
		t.Error("the builds before the deadline were not kept")
	}
}

func TestRunTimeoutDuringNetworkStart(t *testing.T) {
	needNetwork(t)
	start := time.Now()
	res, err := Run(context.Background(), RunOptions{Runs: 2, Config: testConfig(), Timeout: 2 * time.Second})
	if !errors.Is(err, ErrRun) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("Run = %v, want ErrRun with the timeout", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("Run took %v with a 2 s timeout", took)
	}
	if res == nil || len(res.Runs) != 1 || res.Runs[0].Error == "" {
		t.Fatalf("results %+v, want the failed first run recorded and no second run", res)
	}
}

func TestKilledProcessStopsRun(t *testing.T) {
	tests := []struct {
		name   string
		victim func(n *torlab.Network) int
		want   string
	}{
		{"client", func(n *torlab.Network) int { return n.Client().PID() }, "client"},
		{"exit relay", func(n *torlab.Network) int {
			for _, nd := range n.Nodes() {
				if nd.Role == torlab.RoleExit {
					return nd.PID
				}
			}
			return 0
		}, "network fault"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			killedProcessStopsRun(t, tt.victim, tt.want)
		})
	}
}

// killedProcessStopsRun starts a run on its own network, kills one of the
// network's processes (chosen by victim) 1.5 s into the benchmarks, and
// checks that the run stops promptly with the error recorded.
func killedProcessStopsRun(t *testing.T, victim func(*torlab.Network) int, want string) {
	needNetwork(t)
	var pid int
	var mode torlab.LoopbackMode
	killed := make(chan time.Time, 1)
	start := func(ctx context.Context, o torlab.Options) (*torlab.Network, error) {
		n, err := torlab.Start(ctx, o)
		if err == nil {
			mode = n.Loopback().Mode()
			pid = victim(n)
			go func() {
				time.Sleep(1500 * time.Millisecond)
				syscall.Kill(pid, syscall.SIGKILL) // a process of the network this test started
				killed <- time.Now()
			}()
		}
		return n, err
	}
	cfg := testConfig()
	cfg.Circuits = 100000
	res, err := Run(context.Background(), RunOptions{Runs: 3, Config: cfg, Timeout: 3 * time.Minute, Start: start})
	var stopped time.Duration
	select {
	case at := <-killed:
		stopped = time.Since(at)
	default:
		t.Fatalf("Run returned before the process was killed: %v", err)
	}
	if !errors.Is(err, ErrRun) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Run = %v, want ErrRun naming %q", err, want)
	}
	t.Logf("Run stopped %v after the kill: %v", stopped, err)
	if stopped > 15*time.Second {
		t.Errorf("Run stopped %v after the kill, want within 5 s (plus teardown)", stopped)
	}
	if len(res.Runs) != 1 || res.Runs[0].Error == "" {
		t.Fatalf("runs %+v, want one run with its error", res.Runs)
	}
	bs := res.Runs[0].Benchmarks
	if len(bs) == 0 || bs[len(bs)-1].Success || bs[len(bs)-1].Error == "" {
		t.Errorf("benchmarks %+v, want the interrupted one recorded with its error", bs)
	}
	if processAlive(pid) {
		t.Errorf("process %d still alive", pid)
	}
	// The results record the instrument the run measured on, and the
	// pause its loopback calls for.
	env := res.Environment
	if env.Loopback != string(mode) || env.NetworkSettings != torlab.RelaySettings() {
		t.Errorf("environment loopback %q, network settings %q; the network ran in %q with %q", env.Loopback, env.NetworkSettings, mode, torlab.RelaySettings())
	}
	if got, want := res.Settings.Extra["circuit_pause_s"], ftoa(CircuitPauseFor(string(mode)).Seconds()); got != want {
		t.Errorf("circuit_pause_s %s, want %s for loopback %s", got, want, mode)
	}
}

// TestBuildCircuitRefused makes a client of its own refuse to start
// circuits (DisableNetwork 1: tor has no usable directory information and
// answers EXTENDCIRCUIT with 551) and checks that a build is asked again,
// counted, and fails under tor's reply when every attempt is refused, and
// that it is built when the client can build again before the attempts run
// out.
func TestBuildCircuitRefused(t *testing.T) {
	needNetwork(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := shared.AddClient(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ep := sharedEP
	ep.ControlAddr, ep.CookiePath, ep.SOCKSAddr, ep.PID = c.ControlAddr, c.CookiePath, c.SOCKSAddr, c.PID()
	ctl, err := dialController(ctx, ep)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	network := func(on bool) {
		t.Helper()
		v := 1
		if on {
			v = 0
		}
		if _, err := ctl.request("SETCONF DisableNetwork=%d", v); err != nil {
			t.Fatalf("SETCONF DisableNetwork=%d: %v", v, err)
		}
	}
	const timeout = 2 * time.Second

	t.Run("refused every time", func(t *testing.T) {
		network(false)
		defer network(true)
		before := ctl.Refusals()
		start := time.Now()
		id, _, err := ctl.buildCircuit(ctx, timeout)
		var be *buildError
		if !errors.As(err, &be) || id != "" {
			t.Fatalf("build: id %q, err %v; want a refusal", id, err)
		}
		if want := "EXTENDCIRCUIT refused: 551 Internal error: Couldn't start circuit (enough-dir-info=0)"; be.Reason != want {
			t.Errorf("reason %q, want %q", be.Reason, want)
		}
		if got := ctl.Refusals() - before; got != refusalRetries {
			t.Errorf("%d refusals asked again, want %d", got, refusalRetries)
		}
		// Each retry waited for directory information, at most timeout.
		if d := time.Since(start); d < refusalRetries*timeout || d > refusalRetries*timeout+5*time.Second { // slack for a loaded machine
			t.Errorf("refused after %v, want about %v", d, refusalRetries*timeout)
		}
	})
	t.Run("built when asked again", func(t *testing.T) {
		network(false)
		before := ctl.Refusals()
		type built struct {
			id  string
			d   time.Duration
			err error
		}
		res := make(chan built, 1)
		go func() {
			id, d, err := ctl.buildCircuit(ctx, 10*time.Second)
			res <- built{id, d, err}
		}()
		for ctl.Refusals() == before {
			time.Sleep(5 * time.Millisecond)
		}
		network(true)
		b := <-res
		if b.err != nil {
			t.Fatalf("build after the client could build again: %v", b.err)
		}
		defer ctl.closeCircuit(b.id)
		if b.d <= 0 || b.d >= 5*time.Second {
			t.Errorf("build took %v: want the accepted attempt's time alone", b.d)
		}
		if got := ctl.Refusals() - before; got != 1 {
			t.Errorf("%d refusals asked again, want 1", got)
		}
	})
}
