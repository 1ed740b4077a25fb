package benchmark

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/perfgate/perfgate/results"
)

// BenchmarkMemoryUsage samples the client's memory (VmRSS, and
// smaps_rollup) every Config.MemoryInterval through Config.MemoryWindow
// while a steady load runs: Config.MemoryLoadStreams streams opened and
// closed in a loop over a few isolated circuits, and a new circuit built
// and closed every half second. MemoryInUse is the median RSS; success
// means the median is under the target and no load operation failed.
func (s *Suite) BenchmarkMemoryUsage(ctx context.Context) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	r := Result{Key: results.BenchMemoryUsage, Name: "Memory Usage in Steady State"}
	ph := s.progress.Start(r.Name)
	start := time.Now()
	ctl, err := s.controller(ctx)
	if err != nil {
		return s.finish(&r, start, err, ph)
	}
	lctx, stopLoad := context.WithCancel(ctx)
	load := s.steadyLoad(lctx, ctl)
	// Let the load reach its steady state before sampling.
	warm := min(500*time.Millisecond, s.cfg.MemoryWindow/4)
	select {
	case <-time.After(warm):
	case <-ctx.Done():
	}
	t0 := time.Now()
	var samples []results.MemorySample
	var sampleErr error
	tick := time.NewTicker(s.cfg.MemoryInterval)
	for ctx.Err() == nil && time.Since(t0) <= s.cfg.MemoryWindow {
		pm, err := s.clientMemory()
		if err != nil {
			sampleErr = err
			break
		}
		samples = append(samples, results.MemorySample{AtS: time.Since(t0).Seconds(), RSS: pm.RSS,
			PSS: pm.PSS, PrivateDirty: pm.PrivateDirty, Swap: pm.Swap})
		ph.Update("%d samples, RSS %s", len(samples), FormatBytes(pm.RSS))
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	tick.Stop()
	stopLoad()
	ls := load.wait()
	r.Memory = samples
	r.TotalOperations = ls.streams + ls.circuits
	for reason, n := range ls.failures {
		r.Failures += n
		if r.FailureReasons == nil {
			r.FailureReasons = map[string]int{}
		}
		r.FailureReasons[reason] += n
	}
	rss := make([]float64, len(samples))
	for i, m := range samples {
		rss[i] = float64(m.RSS)
	}
	median := uint64(percentileFloat(rss, 0.5))
	r.MemoryInUse = median
	r.MemoryAllocated = uint64(slices.Max(append(rss, 0)))
	r.metric("median_rss_bytes", median)
	r.metric("max_rss_bytes", r.MemoryAllocated)
	r.metric("min_rss_bytes", uint64(slices.Min(append(rss, math.MaxFloat64))))
	r.metric("target_bytes", s.cfg.TargetMemory)
	r.metric("actual_mb", float64(median)/(1<<20))
	r.metric("samples_count", len(samples))
	r.metric("num_streams", ls.streams)
	r.metric("num_circuits", ls.circuits)
	meets := len(samples) > 0 && median < s.cfg.TargetMemory
	r.metric("meets_target", meets)
	r.Success = meets && r.Failures == 0
	var fatal error
	if e := aborted(ctx); e != nil {
		fatal = e
	} else if sampleErr != nil {
		fatal = sampleErr
	}
	if fatal == nil {
		ph.Done("median RSS %s, max %s, %d samples, %d streams, %d failures",
			FormatBytes(median), FormatBytes(r.MemoryAllocated), len(samples), ls.streams, r.Failures)
	}
	return s.finish(&r, start, fatal, ph)
}

// A loadStats counts what a background load did.
type loadStats struct {
	streams, circuits int64
	failures          map[string]int
}

// A background is a running load.
type background struct {
	wg       sync.WaitGroup
	streams  atomic.Int64
	circuits atomic.Int64
	mu       sync.Mutex
	failures map[string]int
}

func (b *background) fail(err error) {
	b.mu.Lock()
	b.failures[failureReason(err)]++
	b.mu.Unlock()
}

func (b *background) wait() loadStats {
	b.wg.Wait()
	return loadStats{streams: b.streams.Load(), circuits: b.circuits.Load(), failures: b.failures}
}

// steadyLoad starts the memory benchmark's load; it stops when ctx ends.
// Operations cut short by the end of ctx are not failures.
func (s *Suite) steadyLoad(ctx context.Context, ctl *controller) *background {
	b := &background{failures: map[string]int{}}
	payload := payloadOf(s.cfg.PayloadBytes)
	for i := 0; i < s.cfg.MemoryLoadStreams; i++ {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			user := fmt.Sprintf("memory-%d", i%4)
			for ctx.Err() == nil {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				o := echoStream(sctx, s.ep, user, payload, 4)
				cancel()
				switch {
				case o.Err == nil:
					b.streams.Add(1)
				case ctx.Err() == nil:
					b.fail(o.Err)
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for ctx.Err() == nil {
			id, _, err := ctl.buildCircuitPurpose(ctx, s.cfg.CircuitTimeout, "controller")
			s.closeCircuit(ctl, id)
			switch {
			case err == nil:
				b.circuits.Add(1)
			case ctx.Err() == nil:
				b.fail(err)
			}
			select {
			case <-t.C:
			case <-ctx.Done():
			}
		}
	}()
	return b
}

// BenchmarkMemoryLeaks runs Config.LeakCycles cycles; each opens
// Config.LeakStreams streams over Config.LeakCircuits fresh isolated
// circuits and builds as many circuits with EXTENDCIRCUIT, closes them all,
// and then reads the client's RSS. The growth per cycle is the slope of a
// least-squares line through the RSS of cycles 2…N (the first cycle warms
// the allocator up); a slope above Config.LeakThreshold flags a leak.
func (s *Suite) BenchmarkMemoryLeaks(ctx context.Context) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	r := Result{Key: results.BenchMemoryLeaks, Name: "Memory Leak Detection"}
	ph := s.progress.Start(r.Name)
	start := time.Now()
	ctl, err := s.controller(ctx)
	if err != nil {
		return s.finish(&r, start, err, ph)
	}
	budget := 30*time.Second + time.Duration(s.cfg.LeakCycles)*5*time.Second
	bctx, cancel := context.WithTimeoutCause(ctx, budget, fmt.Errorf("time bound %v reached", budget))
	defer cancel()
	payload := payloadOf(s.cfg.PayloadBytes)
	before, err := s.clientMemory()
	if err != nil {
		return s.finish(&r, start, err, ph)
	}
	var fatal error
	for cycle := 1; cycle <= s.cfg.LeakCycles && fatal == nil; cycle++ {
		prefix := fmt.Sprintf("leak-%d-", cycle)
		// The cycle's circuits are built while its streams run.
		var circErrs []error
		circDone := make(chan struct{})
		go func() {
			defer close(circDone)
			for i := 0; i < s.cfg.LeakCircuits && bctx.Err() == nil; i++ {
				id, _, err := ctl.buildCircuitPurpose(bctx, s.cfg.CircuitTimeout, "controller")
				s.closeCircuit(ctl, id)
				if err != nil && bctx.Err() == nil && ctl.Err() == nil {
					circErrs = append(circErrs, err)
				}
			}
		}()
		batch := runStreams(bctx, s.ep, s.cfg.LeakStreams, func(i int) string {
			return fmt.Sprintf("%s%d", prefix, i%s.cfg.LeakCircuits)
		}, payload, 1, s.cfg.LevelTimeout)
		<-circDone
		r.TotalOperations += int64(batch.Streams + s.cfg.LeakCircuits)
		for reason, n := range batch.Reasons {
			if r.FailureReasons == nil {
				r.FailureReasons = map[string]int{}
			}
			r.FailureReasons[reason] += n
			r.Failures += n
		}
		for _, err := range circErrs {
			r.countFailure(err)
		}
		r.Latencies = append(r.Latencies, batch.Latencies...)
		if _, err := closeCircuitsOf(ctl, prefix); err != nil && ctl.Err() == nil {
			r.countFailure(fmt.Errorf("closing circuits: %w", err))
		}
		if e := aborted(bctx); e != nil {
			fatal = fmt.Errorf("in cycle %d of %d: %w", cycle, s.cfg.LeakCycles, e)
			break
		}
		// Give the client a moment to free what it closed.
		select {
		case <-time.After(100 * time.Millisecond):
		case <-bctx.Done():
		}
		pm, err := s.clientMemory()
		if err != nil {
			fatal = err
			break
		}
		r.Memory = append(r.Memory, results.MemorySample{AtS: time.Since(start).Seconds(), RSS: pm.RSS,
			PSS: pm.PSS, PrivateDirty: pm.PrivateDirty, Swap: pm.Swap, Cycle: cycle})
		ph.Update("cycle %d/%d, RSS %s", cycle, s.cfg.LeakCycles, FormatBytes(pm.RSS))
	}
	r.setLatencies(r.Latencies)
	slope := leakSlope(r.Memory)
	flagged := slope > s.cfg.LeakThreshold
	r.metric("growth_per_cycle_bytes", slope)
	r.metric("threshold_bytes", s.cfg.LeakThreshold)
	r.metric("before_bytes", before.RSS)
	if n := len(r.Memory); n > 0 {
		r.MemoryInUse = r.Memory[n-1].RSS
		r.metric("after_bytes", r.Memory[n-1].RSS)
		r.metric("memory_growth_bytes", float64(r.Memory[n-1].RSS)-float64(before.RSS))
	}
	r.metric("cycles", len(r.Memory))
	r.metric("leak_flagged", flagged)
	r.metric("meets_target", !flagged)
	r.Success = !flagged && r.Failures == 0 && len(r.Memory) == s.cfg.LeakCycles
	if fatal == nil {
		ph.Done("growth %s/cycle over %d cycles (threshold %s), %d failures",
			signedBytes(slope), len(r.Memory), FormatBytes(uint64(s.cfg.LeakThreshold)), r.Failures)
	}
	return s.finish(&r, start, fatal, ph)
}

// leakSlope is the growth of RSS per cycle: the least-squares slope over
// the cycles after the first (over all when there are fewer than three).
func leakSlope(ms []results.MemorySample) float64 {
	if len(ms) >= 3 {
		ms = ms[1:]
	}
	xs := make([]float64, len(ms))
	ys := make([]float64, len(ms))
	for i, m := range ms {
		xs[i] = float64(m.Cycle)
		ys[i] = float64(m.RSS)
	}
	return Slope(xs, ys)
}

// Slope returns the least-squares slope of ys over xs (0 with fewer than
// two distinct xs).
func Slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if len(xs) < 2 || len(xs) != len(ys) {
		return 0
	}
	var sx, sy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
	}
	mx, my := sx/n, sy/n
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	if sxx == 0 {
		return 0
	}
	return sxy / sxx
}

// signedBytes formats a possibly negative byte count.
func signedBytes(f float64) string {
	if f < 0 {
		return "-" + FormatBytes(uint64(-f))
	}
	return "+" + FormatBytes(uint64(f))
}
