package results

// go-tor's bin/benchmark prints a text summary (see the seed and
// the project's shared fixture go-tor-benchmark-all.txt, copied into testdata/). ParseGoTor maps its blocks
// to benchmarks:
//
//	"Circuit Build Performance"        → circuit_build (p50/p95/p99/max as printed; no raw samples)
//	"Circuit Build with Pool …"        → circuit_build_pool
//	"Memory Usage in Steady State"     → memory_usage; actual_mb (MiB of Go heap) → memory_steady_rss
//	"Memory Leak Detection"            → memory_leaks
//	"Concurrent Streams Performance"   → concurrent_streams; one stream level (below)
//	"Stream Scaling (N streams)"       → stream_scaling, one level per block → stream_capacity
//	"Stream Multiplexing Performance"  → stream_multiplexing
//
// A level counts streams, not operations. A "Stream Scaling (N streams)"
// block is a level of N streams with the block's status: go-tor passes it
// when every stream did all its operations, so a passing level served N
// streams and a failing one Operations/ops_per_stream of them (N when
// ops_per_stream is missing; the status then decides alone, see
// EstimateCapacity). The "Concurrent Streams Performance" block is one
// more record of the ladder's level target_streams (the target of the
// PERFORMANCE TARGETS section, "Target: 100+ concurrent streams", when
// the block lacks it), of which actual_streams (or that section's
// "Actual: N streams handled successfully", the lower of the two) were
// served; it passes when its status passes and every target stream was
// served. A benchmark the PERFORMANCE TARGETS section marks "✗ FAIL"
// failed.
//
// Additional metrics keep their names, with the suffix _s for durations
// and _bytes for sizes (FormatBytes' binary units). The whole summary is
// one run. Values are kept as printed; implausible ones are left out by
// Compare, and a gated one is an error.
var goTorBlocks = []struct{ prefix, key string }{
	{"Circuit Build with Pool", BenchCircuitBuildPool},
	{"Concurrent Circuit Build", BenchCircuitBuildConcurrent},
	{"Circuit Build Performance", BenchCircuitBuild},
	{"Memory Usage in Steady State", BenchMemoryUsage},
	{"Memory Leak Detection", BenchMemoryLeaks},
	{"Concurrent Streams Performance", BenchConcurrentStreams},
	{"Stream Scaling", BenchStreamScaling},
	{"Stream Multiplexing Performance", BenchStreamMultiplexing},
}
