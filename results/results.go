package results

import "time"

// SchemaResultsV1 is the value of the schema field of a results file in
// format v1. A reader refuses any other value.
const SchemaResultsV1 = "perfgate/results/v1"

// SuiteName names the suite whose results a file holds. A baseline made by
// another suite (another name) is refused rather than compared.
const SuiteName = "perfgate"

// Stable keys of the seven benchmarks of the suite. Benchmark.Key holds one
// of these; Benchmark.Name holds the human name the seed uses.
const (
	BenchCircuitBuild           = "circuit_build"
	BenchCircuitBuildConcurrent = "circuit_build_concurrent"
	BenchCircuitBuildPool       = "circuit_build_pool"
	BenchMemoryUsage            = "memory_usage"
	BenchMemoryLeaks            = "memory_leaks"
	BenchConcurrentStreams      = "concurrent_streams"
	BenchStreamScaling          = "stream_scaling"
	BenchStreamMultiplexing     = "stream_multiplexing"
)

// Results is one results file: one or more runs of the suite, each on its
// own fresh private network, with the environment they ran in and the
// settings they ran with. Every raw sample is kept: statistics are computed
// from the samples when results are compared, never stored in their place.
type Results struct {
	// Schema is SchemaResultsV1.
	Schema string `json:"schema"`
	// Suite is SuiteName for files perfgate writes.
	Suite string `json:"suite"`
	// Source says where the numbers came from: "perfgate" (the suite),
	// "gobench" (Go benchmark format) or "gotor-summary" (go-tor's
	// bin/benchmark text). Importers set it; the suite writes "perfgate".
	Source      string      `json:"source,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	Environment Environment `json:"environment"`
	Settings    Settings    `json:"settings"`
	Runs        []Run       `json:"runs"`
	// Notes are caveats an importer records about what it could not read
	// faithfully (no raw samples, a metric missing or approximated);
	// reports show them.
	Notes []string `json:"notes,omitempty"`
}

// Environment is the fingerprint of the machine and software a run used.
// A comparison whose two sides differ in CPU model, core count, tor version
// or client version says so prominently.
type Environment struct {
	OS            string `json:"os"`
	Arch          string `json:"arch"`
	CPUModel      string `json:"cpu_model,omitempty"`
	Cores         int    `json:"cores,omitempty"`
	GoVersion     string `json:"go_version,omitempty"`
	TorVersion    string `json:"tor_version,omitempty"`
	ClientName    string `json:"client_name,omitempty"`
	ClientVersion string `json:"client_version,omitempty"`
	// ClientCommand is the command template of the client under test
	// (empty for the default, the system's tor).
	ClientCommand string `json:"client_command,omitempty"`
	// Loopback is the loopback mode of the private network the runs used
	// (torlab's "namespace", "shim" or "host"; empty in results of an
	// older perfgate, which ran on the host's loopback, or of other tools).
	Loopback string `json:"loopback,omitempty"`
	// NetworkSettings are the settings of the private network's relays
	// beyond a test network's ("Schedulers Vanilla"; empty in results
	// of an older perfgate, whose relays ran tor's default KIST).
	NetworkSettings string `json:"network_settings,omitempty"`
	RunnerName      string `json:"runner_name,omitempty"`
	RunnerOS        string `json:"runner_os,omitempty"`
	Hostname        string `json:"hostname,omitempty"`
}

// Settings are the suite's parameters for every run of a results file.
type Settings struct {
	Quick bool `json:"quick,omitempty"`
	// Runs is the number of fresh-network runs asked for.
	Runs int `json:"runs"`
	// Circuits is the number of sequential circuit builds per run.
	Circuits int `json:"circuits,omitempty"`
	// CircuitConcurrency is how many builds the concurrent variant keeps in flight.
	CircuitConcurrency int `json:"circuit_concurrency,omitempty"`
	// MemoryWindowS is the steady-state sampling window, in seconds.
	MemoryWindowS float64 `json:"memory_window_s,omitempty"`
	// LeakCycles is the number of open/close cycles of the leak benchmark.
	LeakCycles int `json:"leak_cycles,omitempty"`
	// ConcurrentStreams is the stream count of the concurrent-streams benchmark.
	ConcurrentStreams int `json:"concurrent_streams,omitempty"`
	// StreamLevels are the first levels of the stream-scaling ladder; the
	// ladder climbs beyond them until failure or its bound.
	StreamLevels []int `json:"stream_levels,omitempty"`
	// StreamMaxLevel bounds the ladder (file descriptors, time).
	StreamMaxLevel int `json:"stream_max_level,omitempty"`
	// StreamP95BoundS is the p95 bound (seconds) a level must stay under to pass.
	StreamP95BoundS float64 `json:"stream_p95_bound_s,omitempty"`
	// TimeoutS is the overall timeout of one run, in seconds.
	TimeoutS float64 `json:"timeout_s,omitempty"`
	// Extra holds settings without a field of their own.
	Extra map[string]string `json:"extra,omitempty"`
}

// Run is one run of the suite on one fresh private network.
type Run struct {
	// Index counts runs from 0 in the order they ran.
	Index     int       `json:"index"`
	StartedAt time.Time `json:"started_at"`
	// NetworkStartS is the time from the first tor process to a usable
	// network, in seconds.
	NetworkStartS float64 `json:"network_start_s,omitempty"`
	// WallS is the run's wall time including the network's start, in seconds.
	WallS float64 `json:"wall_s,omitempty"`
	// ClientCPUS and HarnessCPUS are the CPU seconds (user+system) the client
	// under test and perfgate's own process used during the benchmarks.
	ClientCPUS  float64 `json:"client_cpu_s,omitempty"`
	HarnessCPUS float64 `json:"harness_cpu_s,omitempty"`
	// EchoCPUS is the CPU seconds the echo server behind the exits (the
	// streams' destination, not part of the harness) used during the
	// benchmarks, when it ran in a process of its own.
	EchoCPUS float64 `json:"echo_cpu_s,omitempty"`
	// Label tells the side of an interleaved A/B run ("A" or "B"); empty otherwise.
	Label      string      `json:"label,omitempty"`
	Benchmarks []Benchmark `json:"benchmarks"`
	// Error is set when the run failed as a whole (network did not start,
	// client died); the benchmarks that did run are kept.
	Error string `json:"error,omitempty"`
}

// Benchmark is the record of one benchmark in one run: the fields of the
// seed's Result, plus every raw sample. Durations are in seconds, memory in
// bytes.
type Benchmark struct {
	Key              string  `json:"key"`
	Name             string  `json:"name"`
	DurationS        float64 `json:"duration_s"`
	TotalOperations  int64   `json:"total_operations"`
	OperationsPerSec float64 `json:"ops_per_sec"`
	P50S             float64 `json:"p50_s,omitempty"`
	P95S             float64 `json:"p95_s,omitempty"`
	P99S             float64 `json:"p99_s,omitempty"`
	MaxS             float64 `json:"max_s,omitempty"`
	MemoryAllocated  uint64  `json:"memory_allocated,omitempty"`
	MemoryInUse      uint64  `json:"memory_in_use,omitempty"`
	Success          bool    `json:"success"`
	Error            string  `json:"error,omitempty"`
	// Metrics are the additional metrics; the unit is in the key's suffix
	// (_s, _bytes, _per_s, _ratio) or the key names a count.
	Metrics map[string]float64 `json:"metrics,omitempty"`

	// LatenciesS holds the latency of every successful operation, in
	// seconds, in the order they completed (circuit builds, stream round trips).
	LatenciesS []float64 `json:"latencies_s,omitempty"`
	// Failures counts the operations that failed; they have no latency.
	Failures int `json:"failures"`
	// FailureReasons counts failures by reason (e.g. "TIMEOUT", "socks: connection refused").
	FailureReasons map[string]int `json:"failure_reasons,omitempty"`
	// Memory holds the client's memory samples, in the order taken.
	Memory []MemorySample `json:"memory,omitempty"`
	// Levels holds the outcome of every level of a stream ladder.
	Levels []StreamLevel `json:"levels,omitempty"`
}

// MemorySample is one reading of the client process's memory.
type MemorySample struct {
	// AtS is the time since the benchmark started, in seconds.
	AtS float64 `json:"at_s"`
	// RSS is VmRSS in bytes.
	RSS uint64 `json:"rss"`
	// PSS, PrivateDirty and Swap come from /proc/PID/smaps_rollup when readable.
	PSS          uint64 `json:"pss,omitempty"`
	PrivateDirty uint64 `json:"private_dirty,omitempty"`
	Swap         uint64 `json:"swap,omitempty"`
	// Cycle is the open/close cycle a leak-benchmark sample follows (0 otherwise).
	Cycle int `json:"cycle,omitempty"`
}

// StreamLevel is the outcome of one level of concurrent streams.
type StreamLevel struct {
	Streams int `json:"streams"`
	OK      int `json:"ok"`
	Failed  int `json:"failed"`
	// P50S, P95S and MaxS are the round-trip latencies of the successful streams.
	P50S float64 `json:"p50_s"`
	P95S float64 `json:"p95_s"`
	MaxS float64 `json:"max_s"`
	// WallS is the level's wall time; ThroughputBytesPerS the echoed bytes per second.
	WallS               float64        `json:"wall_s"`
	ThroughputBytesPerS float64        `json:"throughput_bytes_per_s"`
	Errors              map[string]int `json:"errors,omitempty"`
	// Pass is true when at least 99 % succeeded and P95S stayed under the bound.
	Pass bool `json:"pass"`
}
