package benchmark

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/cretz/bine/control"
	"github.com/perfgate/perfgate/results"
)

// BenchmarkCircuitBuild builds Config.Circuits 3-hop circuits one after the
// other: EXTENDCIRCUIT 0, then the time until CIRC BUILT. Each circuit is
// closed after it is built. Success means every build succeeded and p95 is
// under the target.
//
// Each build starts after the client has been idle for Config.CircuitPause
// (and up to a quarter more). Measured with Debian's tor 0.4.9.11 on
// loopback, 100 builds each: back to back, builds took p50 60 ms and p95
// 64–90 ms, and a delay added in front of the control port (7 or 20 ms
// each way) did not show in them at all, because the time a build takes
// depends on how long the client was idle before it (idle 30 ms: p50 43
// ms; 60 ms: p50 17 ms, p95 44 ms; 100–120 ms: p50 17 ms, p95 19–23 ms).
// After 100 ms of idleness builds take what they cost, the run-to-run
// spread of p95 is small, and a client made slower by d per build
// measures d slower (a 7 ms delay each way: p50 +15 ms, p95 +15 ms).
//
// The first Config.CircuitWarmup builds are made the same way and left
// out: in the first seconds after a network's start its relays are still
// settling, and builds there took 30–110 ms instead of 17 (on 6 fresh
// networks, 100 builds each: p95 21–45 ms over all builds, 19–29 ms
// without the first 30).
func (s *Suite) BenchmarkCircuitBuild(ctx context.Context) error {
	return s.circuitBuild(ctx, results.BenchCircuitBuild, "Circuit Build Performance", 1)
}

// pause waits min plus up to a quarter more, drawn at random (so that
// builds do not lock onto a period of the client's), or until ctx ends
// (false).
func pause(ctx context.Context, min time.Duration) bool {
	t := time.NewTimer(min + rand.N(min/4+1))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// BenchmarkCircuitBuildConcurrent builds Config.Circuits circuits with
// Config.CircuitConcurrency builds in flight at a time.
func (s *Suite) BenchmarkCircuitBuildConcurrent(ctx context.Context) error {
	name := fmt.Sprintf("Concurrent Circuit Build Performance (%d at a time)", s.cfg.CircuitConcurrency)
	return s.circuitBuild(ctx, results.BenchCircuitBuildConcurrent, name, s.cfg.CircuitConcurrency)
}

// circuitBudget bounds a circuit benchmark: generous for a healthy client
// (builds take well under a second on loopback), never unbounded.
func (s *Suite) circuitBudget(n, conc int) time.Duration {
	return 30*time.Second + time.Duration(n/max(conc, 1))*time.Second
}

func (s *Suite) circuitBuild(ctx context.Context, key, name string, conc int) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	n := s.cfg.Circuits
	r := Result{Key: key, Name: name}
	ph := s.progress.Start(name)
	start := time.Now()
	ctl, err := s.controller(ctx)
	if err != nil {
		return s.finish(&r, start, err, ph)
	}
	warmup := 0
	if conc == 1 {
		warmup = max(s.cfg.CircuitWarmup, 0)
	}
	refused := ctl.Refusals()
	budget := s.circuitBudget(n+warmup, conc)
	bctx, cancel := context.WithTimeoutCause(ctx, budget, fmt.Errorf("time bound %v reached", budget))
	defer cancel()

	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, n)
		next      int
		fatal     error
		wg        sync.WaitGroup
	)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= warmup+n || fatal != nil || bctx.Err() != nil {
					mu.Unlock()
					return
				}
				i := next
				next++
				mu.Unlock()
				if conc == 1 && s.cfg.CircuitPause > 0 {
					if !pause(bctx, s.cfg.CircuitPause) {
						continue
					}
				}
				id, d, err := ctl.buildCircuit(bctx, s.cfg.CircuitTimeout)
				s.closeCircuit(ctl, id)
				mu.Lock()
				switch {
				case i < warmup && bctx.Err() == nil && ctl.Err() == nil:
					// A warm-up build (only with one build in flight, so
					// the first ones in time): left out, failed or not.
					mu.Unlock()
					ph.Update("warming up: %d/%d", i+1, warmup)
					continue
				case err == nil:
					latencies = append(latencies, d)
				case bctx.Err() != nil || ctl.Err() != nil:
					if fatal == nil {
						fatal = err
					}
				default:
					r.countFailure(err)
				}
				done, failed := len(latencies), r.Failures
				mu.Unlock()
				ph.Update("%d/%d built, %d failed", done, n, failed)
			}
		}()
	}
	wg.Wait()
	r.setLatencies(latencies)
	r.TotalOperations = int64(len(latencies) + r.Failures)
	if pm, err := s.clientMemory(); err == nil {
		r.MemoryInUse = pm.RSS
	}
	rate := float64(len(latencies)) / float64(n)
	meets := r.P95Latency < s.cfg.TargetCircuitP95 && len(latencies) > 0
	r.metric("num_circuits", n)
	if warmup > 0 {
		r.metric("warmup_builds", warmup)
	}
	r.metric("concurrency", conc)
	r.metric("success_rate", rate)
	r.metric("target_p95", s.cfg.TargetCircuitP95)
	r.metric("actual_p95", r.P95Latency)
	r.metric("meets_target", meets)
	if k := ctl.Refusals() - refused; k > 0 {
		r.metric("refused_and_asked_again", k)
	}
	r.Success = r.Failures == 0 && len(latencies) == n && meets
	if fatal == nil && len(latencies)+r.Failures < n {
		fatal = fmt.Errorf("only %d of %d builds attempted: %w", len(latencies)+r.Failures, n, context.Cause(bctx))
	}
	if fatal == nil {
		ph.Done("%d/%d built, p50 %v p95 %v max %v", len(latencies), n,
			round(r.P50Latency), round(r.P95Latency), round(r.MaxLatency))
	}
	return s.finish(&r, start, fatal, ph)
}

// BenchmarkCircuitBuildWithPool measures "instant availability": with
// circuits already built, the time from a SOCKS CONNECT to the first byte
// echoed back through the exit, for Config.PoolRequests streams in a row.
func (s *Suite) BenchmarkCircuitBuildWithPool(ctx context.Context) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	n := s.cfg.PoolRequests
	r := Result{Key: results.BenchCircuitBuildPool, Name: "Circuit Build with Pool (Instant Availability)"}
	ph := s.progress.Start(r.Name)
	start := time.Now()
	ctl, err := s.controller(ctx)
	if err != nil {
		return s.finish(&r, start, err, ph)
	}
	// Warm up: make sure a circuit to an exit is open and ready.
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	_, err = firstByte(wctx, s.ep, "")
	wcancel()
	if err != nil {
		if e := aborted(ctx); e != nil {
			err = e
		}
		return s.finish(&r, start, fmt.Errorf("warm-up stream: %w", err), ph)
	}
	if ready, err := readyCircuits(ctl); err == nil {
		r.metric("pool_size", ready)
	}
	budget := 30*time.Second + time.Duration(n)*100*time.Millisecond
	bctx, cancel := context.WithTimeoutCause(ctx, budget, fmt.Errorf("time bound %v reached", budget))
	defer cancel()
	latencies := make([]time.Duration, 0, n)
	for i := 0; i < n && bctx.Err() == nil; i++ {
		sctx, scancel := context.WithTimeout(bctx, 10*time.Second)
		d, err := firstByte(sctx, s.ep, "")
		scancel()
		if err != nil {
			if bctx.Err() != nil {
				break
			}
			r.countFailure(err)
			continue
		}
		latencies = append(latencies, d)
		ph.Update("%d/%d streams", i+1, n)
	}
	r.setLatencies(latencies)
	r.TotalOperations = int64(len(latencies) + r.Failures)
	if pm, err := s.clientMemory(); err == nil {
		r.MemoryInUse = pm.RSS
	}
	r.metric("num_requests", n)
	r.metric("avg_latency", Mean(latencies))
	r.Success = r.Failures == 0 && len(latencies) == n
	var fatal error
	if e := aborted(bctx); e != nil {
		fatal = fmt.Errorf("after %d of %d streams: %w", len(latencies)+r.Failures, n, e)
	}
	if fatal == nil {
		ph.Done("%d/%d streams, p50 %v p95 %v", len(latencies), n, round(r.P50Latency), round(r.P95Latency))
	}
	return s.finish(&r, start, fatal, ph)
}

// readyCircuits counts the client's BUILT general-purpose circuits.
func readyCircuits(ctl *controller) (int, error) {
	circs, err := circuitStatus(ctl)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range circs {
		if c.Status == "BUILT" && (c.Purpose == "" || c.Purpose == "GENERAL") {
			n++
		}
	}
	return n, nil
}

// circuitStatus returns the client's circuits (GETINFO circuit-status).
func circuitStatus(ctl *controller) ([]*control.CircuitEvent, error) {
	v, err := ctl.getInfo("circuit-status")
	if err != nil {
		return nil, err
	}
	return parseCircuitStatus(v), nil
}

// parseCircuitStatus parses the lines of GETINFO circuit-status, which have
// the form of CIRC events.
func parseCircuitStatus(v string) []*control.CircuitEvent {
	var out []*control.CircuitEvent
	sc := bufio.NewScanner(strings.NewReader(v))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line == "." {
			continue
		}
		out = append(out, control.ParseCircuitEvent(line))
	}
	return out
}

// closeCircuitsOf closes the client's circuits whose SOCKS username starts
// with prefix, and returns how many it closed.
func closeCircuitsOf(ctl *controller, prefix string) (int, error) {
	circs, err := circuitStatus(ctl)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range circs {
		if strings.HasPrefix(strings.Trim(c.SocksUsername, `"`), prefix) {
			if err := ctl.closeCircuit(c.CircuitID); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// Mean returns the average of ds, 0 when empty.
func Mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

// round shortens a duration for progress lines.
func round(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// closeCircuit closes a circuit the suite built, if any (id "" is none)
// and while the control connection lives; a failure is a warning in the
// suite's log, as the circuit then stays open and costs the client memory
// in later measurements.
func (s *Suite) closeCircuit(ctl *controller, id string) {
	if id == "" || ctl.Err() != nil {
		return
	}
	if err := ctl.closeCircuit(id); err != nil && ctl.Err() == nil {
		s.log.Warn("closing a circuit failed: it stays open", "circuit", id, "err", err)
	}
}
