// Package benchmark is perfgate's benchmark suite: the seven benchmarks of
// go-tor's benchmarking guide, measured on a real Tor client.
//
// The suite talks to any Tor client through the interfaces every client
// offers: a SOCKS5 port (streams, through golang.org/x/net/proxy), a control
// port (circuits and events, through github.com/cretz/bine/control) and the
// client process's own memory and CPU in /proc. It needs a TCP echo server
// reachable through the network's exits. [Endpoints] names all of these.
//
// The API follows go-tor's package of the same name:
//
//	suite := benchmark.NewSuite(log, benchmark.WithEndpoints(ep))
//	err := suite.RunAll(ctx)
//	suite.PrintSummary()
//	for _, r := range suite.Results() { ... }
//
// The benchmarks are BenchmarkCircuitBuild (sequential, and a concurrent
// variant), BenchmarkCircuitBuildWithPool, BenchmarkMemoryUsage,
// BenchmarkMemoryLeaks, BenchmarkConcurrentStreams, BenchmarkStreamScaling
// and BenchmarkStreamMultiplexing. Each is bounded in time and counts every
// failed operation with its reason.
//
// [Run] is the whole procedure of the gate: R runs, each on a fresh private
// network from package torlab, collected into one [results.Results] file.
//
// Percentiles use linear interpolation between closest ranks (the
// definition of numpy's default and of Excel's PERCENTILE.INC), everywhere.
package benchmark
