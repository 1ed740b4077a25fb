package benchmark

import (
	"strconv"
	"time"

	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/results"
)

// Config holds the suite's parameters. Every benchmark is bounded in time
// by the fields that say so.
type Config struct {
	// Circuits is the number of sequential circuit builds.
	Circuits int
	// CircuitConcurrency is how many builds the concurrent variant keeps
	// in flight; it builds Circuits circuits too.
	CircuitConcurrency int
	// CircuitTimeout bounds one build (EXTENDCIRCUIT to CIRC BUILT).
	CircuitTimeout time.Duration
	// CircuitPause is the idle time before each sequential build (plus up
	// to a quarter more, at random; negative: none; zero: the default of
	// the client's loopback, CircuitPauseFor). See BenchmarkCircuitBuild.
	CircuitPause time.Duration
	// CircuitWarmup is the number of sequential builds made first and left
	// out of the measurement (negative: none). See BenchmarkCircuitBuild.
	CircuitWarmup int

	// PoolRequests is the number of sequential streams of the pool benchmark.
	PoolRequests int

	// MemoryWindow is the steady-state sampling window; MemoryInterval
	// the time between samples; MemoryLoadStreams the streams kept busy
	// while sampling.
	MemoryWindow      time.Duration
	MemoryInterval    time.Duration
	MemoryLoadStreams int

	// LeakCycles is the number of open/close cycles; LeakStreams the
	// streams (over LeakCircuits isolated circuits) opened per cycle;
	// LeakThreshold the growth per cycle, in bytes, above which a leak is
	// flagged.
	LeakCycles    int
	LeakStreams   int
	LeakCircuits  int
	LeakThreshold float64

	// ConcurrentStreams is the stream count of the concurrent-streams
	// benchmark; StreamExchanges the round trips each of its streams makes.
	ConcurrentStreams int
	StreamExchanges   int
	// PayloadBytes is the size of one echo message.
	PayloadBytes int

	// StreamLevels are the first levels of the scaling ladder. Beyond the
	// last, the ladder doubles until a level fails (twice: a failing level
	// is run again), StreamMaxLevel is reached or LadderBudget is spent,
	// then runs StreamProbes levels at the estimated capacity
	// ×(1∓StreamKneeResolution) in turn (see results.EstimateCapacity).
	StreamLevels         []int
	StreamMaxLevel       int
	StreamKneeResolution float64
	StreamProbes         int
	// StreamP95Bound is the p95 stream latency a level must stay under.
	StreamP95Bound time.Duration
	// LevelTimeout bounds one level; LadderBudget the whole ladder.
	LevelTimeout time.Duration
	LadderBudget time.Duration

	// MuxCircuits isolated circuits each carry MuxStreams streams.
	MuxCircuits int
	MuxStreams  int

	// Targets: the seed's three.
	TargetCircuitP95 time.Duration
	TargetMemory     uint64
	TargetStreams    int
}

// seedTarget is the seed's target of a gated metric, as results.Metrics
// defines it (seconds, bytes, streams): the one source of the three.
func seedTarget(key string) float64 {
	m, _ := results.MetricByKey(key)
	return m.Target
}

// DefaultConfig is the gate's configuration: one run takes about 30 s on a
// 2-core machine, plus the network's start. A level of the stream ladder
// passes when at least 99 % of its streams succeed and their p95 (SOCKS
// request to echo) stays under 1 s.
func DefaultConfig() Config {
	return Config{
		Circuits:             100,
		CircuitConcurrency:   10,
		CircuitTimeout:       10 * time.Second,
		CircuitWarmup:        30,
		PoolRequests:         50,
		MemoryWindow:         3 * time.Second,
		MemoryInterval:       250 * time.Millisecond,
		MemoryLoadStreams:    20,
		LeakCycles:           6,
		LeakStreams:          100,
		LeakCircuits:         10,
		LeakThreshold:        1 << 20,
		ConcurrentStreams:    100,
		StreamExchanges:      10,
		PayloadBytes:         1024,
		StreamLevels:         []int{10, 25, 50, 100, 200},
		StreamMaxLevel:       8192,
		StreamKneeResolution: 0.125,
		StreamProbes:         4,
		StreamP95Bound:       time.Second,
		LevelTimeout:         15 * time.Second,
		LadderBudget:         8 * time.Second, // 12 s gave the same capacity noise (CV 9.4 % against 8.2 % over 6 networks each); 6 s: 14.7 %
		MuxCircuits:          5,
		MuxStreams:           20,
		TargetCircuitP95:     time.Duration(seedTarget(results.MetricCircuitBuildP95) * float64(time.Second)),
		TargetMemory:         uint64(seedTarget(results.MetricMemorySteadyRSS)),
		TargetStreams:        int(seedTarget(results.MetricStreamCapacity)),
	}
}

// CircuitPauseFor is the default idle time before each sequential circuit
// build on a loopback of the given mode (a torlab.LoopbackMode; "" is the
// host's). On the host's loopback a build that follows another within
// Linux's delayed-ACK window waits ~40 ms for an ACK; after 100 ms idle the
// ACK has gone out. Where the loopback (namespace) or the relays and the
// harness (shim) ACK at once there is no such wait to sit out, but a build
// right after the previous one still meets its teardown: measured over 6
// fresh networks per setting, alternated (README, "The network as an
// instrument"), the runs' p95 spread over 8.9–14.9 ms with no pause and
// 10.7–12.7 ms after 20 ms (shim: 9.6–18.6 and 10.5–12.6), for 3 s more per
// run; 5 ms did not narrow it.
func CircuitPauseFor(mode string) time.Duration {
	switch torlab.LoopbackMode(mode) {
	case torlab.LoopbackNamespace, torlab.LoopbackShim:
		return 20 * time.Millisecond
	}
	return 100 * time.Millisecond
}

// ForLoopback returns c with the fields whose default depends on the
// loopback (CircuitPause) filled for mode, when left zero.
func (c Config) ForLoopback(mode string) Config {
	if c.CircuitPause == 0 {
		c.CircuitPause = CircuitPauseFor(mode)
	}
	return c
}

// QuickConfig is a smaller configuration for -quick and tests: one run in
// about 15 s plus the network's start.
func QuickConfig() Config {
	c := DefaultConfig()
	c.Circuits = 30
	c.CircuitWarmup = 10
	c.PoolRequests = 20
	c.MemoryWindow = 1500 * time.Millisecond
	c.LeakCycles = 4
	c.LeakStreams = 30
	c.LeakCircuits = 3
	c.StreamExchanges = 4
	c.StreamMaxLevel = 1600
	c.StreamKneeResolution = 0.125
	c.StreamProbes = 2
	c.LadderBudget = 6 * time.Second
	c.MuxCircuits = 3
	c.MuxStreams = 10
	return c
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&c.Circuits, d.Circuits)
	set(&c.CircuitConcurrency, d.CircuitConcurrency)
	setD(&c.CircuitTimeout, d.CircuitTimeout)
	if c.CircuitPause == 0 {
		c.CircuitPause = CircuitPauseFor("")
	}
	if c.CircuitWarmup == 0 {
		c.CircuitWarmup = d.CircuitWarmup
	}
	set(&c.PoolRequests, d.PoolRequests)
	setD(&c.MemoryWindow, d.MemoryWindow)
	setD(&c.MemoryInterval, d.MemoryInterval)
	set(&c.MemoryLoadStreams, d.MemoryLoadStreams)
	set(&c.LeakCycles, d.LeakCycles)
	set(&c.LeakStreams, d.LeakStreams)
	set(&c.LeakCircuits, d.LeakCircuits)
	if c.LeakThreshold <= 0 {
		c.LeakThreshold = d.LeakThreshold
	}
	set(&c.ConcurrentStreams, d.ConcurrentStreams)
	set(&c.StreamExchanges, d.StreamExchanges)
	set(&c.PayloadBytes, d.PayloadBytes)
	if len(c.StreamLevels) == 0 {
		c.StreamLevels = d.StreamLevels
	}
	set(&c.StreamMaxLevel, d.StreamMaxLevel)
	if c.StreamKneeResolution <= 0 {
		c.StreamKneeResolution = d.StreamKneeResolution
	}
	set(&c.StreamProbes, d.StreamProbes)
	setD(&c.StreamP95Bound, d.StreamP95Bound)
	setD(&c.LevelTimeout, d.LevelTimeout)
	setD(&c.LadderBudget, d.LadderBudget)
	set(&c.MuxCircuits, d.MuxCircuits)
	set(&c.MuxStreams, d.MuxStreams)
	setD(&c.TargetCircuitP95, d.TargetCircuitP95)
	if c.TargetMemory == 0 {
		c.TargetMemory = d.TargetMemory
	}
	set(&c.TargetStreams, d.TargetStreams)
	return c
}

// Settings describes c in the results file.
func (c Config) Settings(runs int, quick bool, timeout time.Duration) results.Settings {
	c = c.withDefaults()
	return results.Settings{
		Quick:              quick,
		Runs:               runs,
		Circuits:           c.Circuits,
		CircuitConcurrency: c.CircuitConcurrency,
		MemoryWindowS:      c.MemoryWindow.Seconds(),
		LeakCycles:         c.LeakCycles,
		ConcurrentStreams:  c.ConcurrentStreams,
		StreamLevels:       append([]int(nil), c.StreamLevels...),
		StreamMaxLevel:     c.StreamMaxLevel,
		StreamP95BoundS:    c.StreamP95Bound.Seconds(),
		TimeoutS:           timeout.Seconds(),
		Extra: map[string]string{
			"circuit_timeout_s":      ftoa(c.CircuitTimeout.Seconds()),
			"circuit_pause_s":        ftoa(c.CircuitPause.Seconds()),
			"circuit_warmup":         strconv.Itoa(max(c.CircuitWarmup, 0)),
			"pool_requests":          strconv.Itoa(c.PoolRequests),
			"memory_interval_s":      ftoa(c.MemoryInterval.Seconds()),
			"memory_load_streams":    strconv.Itoa(c.MemoryLoadStreams),
			"leak_streams":           strconv.Itoa(c.LeakStreams),
			"leak_circuits":          strconv.Itoa(c.LeakCircuits),
			"leak_threshold_bytes":   ftoa(c.LeakThreshold),
			"stream_exchanges":       strconv.Itoa(c.StreamExchanges),
			"payload_bytes":          strconv.Itoa(c.PayloadBytes),
			"stream_knee_resolution": ftoa(c.StreamKneeResolution),
			"stream_probes":          strconv.Itoa(c.StreamProbes),
			"stream_capacity_method": results.CapacityMethod,
			"level_timeout_s":        ftoa(c.LevelTimeout.Seconds()),
			"ladder_budget_s":        ftoa(c.LadderBudget.Seconds()),
			"mux_circuits":           strconv.Itoa(c.MuxCircuits),
			"mux_streams":            strconv.Itoa(c.MuxStreams),
			"percentile":             "linear interpolation between closest ranks",
		},
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
