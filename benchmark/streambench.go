package benchmark

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/perfgate/perfgate/results"
)

// BenchmarkConcurrentStreams opens Config.ConcurrentStreams streams at the
// same moment, each exchanging Config.StreamExchanges messages of
// Config.PayloadBytes with the echo server through an exit. The latency of
// a stream is from its SOCKS request to its last echo. Success means every
// stream completed and there were at least the target's number of them.
func (s *Suite) BenchmarkConcurrentStreams(ctx context.Context) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	n := s.cfg.ConcurrentStreams
	r := Result{Key: results.BenchConcurrentStreams, Name: "Concurrent Streams Performance"}
	ph := s.progress.Start(r.Name)
	start := time.Now()
	if err := s.ep.validate(); err != nil {
		return s.finish(&r, start, err, ph)
	}
	b := runStreams(ctx, s.ep, n, func(int) string { return "" }, payloadOf(s.cfg.PayloadBytes), s.cfg.StreamExchanges, s.cfg.LevelTimeout)
	s.batchResult(&r, b)
	r.TotalOperations = int64(b.Exchanges)
	r.metric("target_streams", s.cfg.TargetStreams)
	r.metric("actual_streams", b.OK)
	r.metric("ops_per_stream", float64(b.Exchanges)/float64(max(n, 1)))
	r.metric("data_transferred_bytes", uint64(b.Bytes))
	r.metric("throughput_bytes_per_s", float64(b.Bytes)/b.Wall.Seconds())
	r.metric("error_count", b.Failed)
	meets := b.OK >= s.cfg.TargetStreams && b.Failed == 0
	r.metric("meets_target", meets)
	r.Success = meets
	fatal := aborted(ctx)
	if fatal == nil {
		ph.Done("%d/%d streams, p50 %v p95 %v, %s/s", b.OK, n, round(r.P50Latency), round(r.P95Latency),
			FormatBytes(uint64(float64(b.Bytes)/b.Wall.Seconds())))
	}
	r.Duration = b.Wall
	return s.finish(&r, start, fatal, ph)
}

// batchResult stores a batch's latencies, failures and the client's RSS.
func (s *Suite) batchResult(r *Result, b streamBatch) {
	r.setLatencies(b.Latencies)
	r.Failures += b.Failed
	for reason, c := range b.Reasons {
		if r.FailureReasons == nil {
			r.FailureReasons = map[string]int{}
		}
		r.FailureReasons[reason] += c
	}
	if pm, err := s.clientMemory(); err == nil {
		r.MemoryInUse = pm.RSS
	}
}

// streamLevel summarises one level of the ladder.
func streamLevel(b streamBatch, bound time.Duration) results.StreamLevel {
	lv := results.StreamLevel{
		Streams: b.Streams,
		OK:      b.OK,
		Failed:  b.Failed,
		P50S:    Percentile(b.Latencies, 0.5).Seconds(),
		P95S:    Percentile(b.Latencies, 0.95).Seconds(),
		MaxS:    Percentile(b.Latencies, 1).Seconds(),
		WallS:   b.Wall.Seconds(),
	}
	if b.Wall > 0 {
		lv.ThroughputBytesPerS = float64(b.Bytes) / b.Wall.Seconds()
	}
	if len(b.Reasons) > 0 {
		lv.Errors = b.Reasons
	}
	lv.Pass = levelPasses(b.OK, b.Streams, lv.P95S, bound)
	return lv
}

// levelPasses is the ladder's criterion: at least 99 % of the streams
// succeeded and their p95 stayed under bound.
func levelPasses(ok, n int, p95S float64, bound time.Duration) bool {
	return n > 0 && ok >= int(math.Ceil(0.99*float64(n))) && p95S < bound.Seconds()
}

// BenchmarkStreamScaling runs the ladder of concurrent streams: the first
// levels (10, 25, 50, 100, 200), then doubling until a level fails twice
// in a row (a failing level is run again), the bound
// (Config.StreamMaxLevel, this process's file descriptors) or the time
// budget is reached, then Config.StreamProbes probes on both sides of the
// estimated knee. Every level is recorded. stream_capacity is
// EstimateCapacity of the levels: where p95 crosses Config.StreamP95Bound
// by a fit over the levels near the knee, capped where fewer than 99 % of
// the streams succeed.
func (s *Suite) BenchmarkStreamScaling(ctx context.Context) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	r := Result{Key: results.BenchStreamScaling, Name: "Stream Scaling"}
	ph := s.progress.Start(r.Name)
	start := time.Now()
	if err := s.ep.validate(); err != nil {
		return s.finish(&r, start, err, ph)
	}
	maxLevel, boundReason := s.cfg.StreamMaxLevel, "stream_max_level"
	if fdMax := fdLevelBound(s.ep.EchoPID == 0); fdMax < maxLevel {
		maxLevel, boundReason = fdMax, "file descriptors"
	}
	bound := s.cfg.StreamP95Bound
	ladder := NewLadder(s.cfg.StreamLevels, maxLevel, s.cfg.StreamKneeResolution).
		Refine(s.cfg.StreamProbes, s.cfg.StreamKneeResolution, func() float64 {
			return results.EstimateCapacity(r.Levels, bound).Capacity
		})
	payload := payloadOf(s.cfg.PayloadBytes)
	var all []time.Duration
	var lastWall time.Duration
	lastLevel := 0
	stopReason := ""
	for {
		level, ok := ladder.Next()
		if !ok {
			break
		}
		// The next level's wall time, estimated in proportion to the last's.
		var est time.Duration
		if lastLevel > 0 {
			est = time.Duration(float64(lastWall) * float64(level) / float64(lastLevel))
		}
		if time.Since(start)+est > s.cfg.LadderBudget && len(r.Levels) >= len(s.cfg.StreamLevels) {
			stopReason = "time budget"
			break
		}
		ph.Update("level %d (capacity so far %d)", level, ladder.Capacity())
		b := runStreams(ctx, s.ep, level, func(int) string { return "" }, payload, 1, s.cfg.LevelTimeout)
		if aborted(ctx) != nil {
			break
		}
		lv := streamLevel(b, s.cfg.StreamP95Bound)
		r.Levels = append(r.Levels, lv)
		ladder.Observe(level, lv.Pass, lv.P95S/s.cfg.StreamP95Bound.Seconds())
		s.log.Info("stream scaling level complete", "streams", level, "ok", lv.OK, "p95_s", lv.P95S, "pass", lv.Pass)
		all = append(all, b.Latencies...)
		r.TotalOperations += int64(b.Streams)
		r.Failures += b.Failed
		for reason, c := range b.Reasons {
			if r.FailureReasons == nil {
				r.FailureReasons = map[string]int{}
			}
			r.FailureReasons[reason] += c
		}
		lastWall, lastLevel = b.Wall, level
		// Let the client tear the streams down before the next level:
		// 0.2 ms a stream, 50–200 ms.
		pause := min(max(time.Duration(level)*200*time.Microsecond, 50*time.Millisecond), 200*time.Millisecond)
		select {
		case <-time.After(pause):
		case <-ctx.Done():
		}
	}
	r.setLatencies(all)
	if pm, err := s.clientMemory(); err == nil {
		r.MemoryInUse = pm.RSS
	}
	est := results.EstimateCapacity(r.Levels, bound)
	capacity, knee := int(math.Round(est.Capacity)), ladder.Knee()
	if stopReason == "" {
		switch {
		case knee != 0:
			stopReason = "knee found"
		default:
			stopReason = boundReason
		}
	}
	r.metric("stream_capacity", capacity)
	r.metric("capacity_passed_level", est.Passed)
	r.metric("capacity_p95_crossing", est.P95Crossing)
	if !math.IsInf(est.SuccessCrossing, 1) {
		r.metric("capacity_success_crossing", est.SuccessCrossing)
	}
	if est.FitPoints > 0 {
		r.metric("p95_fit_intercept_s", est.FitIntercept)
		r.metric("p95_fit_slope_per_1000_streams_s", 1000*est.FitSlope)
		r.metric("p95_fit_points", est.FitPoints)
	}
	r.metric("knee_streams", knee)
	r.metric("max_level", maxLevel)
	r.metric("levels", len(r.Levels))
	r.metric("p95_bound", s.cfg.StreamP95Bound)
	r.metric("target_streams", s.cfg.TargetStreams)
	if lim := clientFDLimit(s.ep.PID); lim > 0 {
		r.metric("client_fd_limit", lim)
	}
	r.StopReason = stopReason
	meets := capacity >= s.cfg.TargetStreams
	r.metric("meets_target", meets)
	r.Success = meets
	fatal := aborted(ctx)
	if fatal == nil {
		ph.Done("capacity %d streams (knee %d, %s), %d levels", capacity, knee, stopReason, len(r.Levels))
	}
	return s.finish(&r, start, fatal, ph)
}

// fdLevelBound is the highest level this process's file descriptors allow:
// each stream costs one descriptor for the SOCKS connection and one for the
// echo server's side when it runs in this process (echoHere). (The echo
// server's own process inherits the same limit.)
func fdLevelBound(echoHere bool) int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 1000
	}
	perStream := 1
	if echoHere {
		perStream = 2
	}
	return max(10, int(min(rl.Cur, 1<<20)-256)/perStream)
}

// clientFDLimit reads the client's soft limit on open files, 0 if unknown.
func clientFDLimit(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "Max open files") {
			f := strings.Fields(strings.TrimPrefix(line, "Max open files"))
			if len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}

// BenchmarkStreamMultiplexing opens Config.MuxCircuits isolated circuits
// (one SOCKS username each) carrying Config.MuxStreams streams each, all at
// once, and checks through GETINFO circuit-status how many circuits carried
// them.
func (s *Suite) BenchmarkStreamMultiplexing(ctx context.Context) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	r := Result{Key: results.BenchStreamMultiplexing, Name: "Stream Multiplexing Performance"}
	ph := s.progress.Start(r.Name)
	start := time.Now()
	ctl, err := s.controller(ctx)
	if err != nil {
		return s.finish(&r, start, err, ph)
	}
	prefix := fmt.Sprintf("mux-%d-", time.Now().UnixNano())
	circs, per := s.cfg.MuxCircuits, s.cfg.MuxStreams
	n := circs * per
	b := runStreams(ctx, s.ep, n, func(i int) string { return fmt.Sprintf("%s%d", prefix, i%circs) },
		payloadOf(s.cfg.PayloadBytes), s.cfg.StreamExchanges, s.cfg.LevelTimeout)
	s.batchResult(&r, b)
	r.TotalOperations = int64(b.Exchanges)
	used, err := closeCircuitsOf(ctl, prefix)
	if err != nil && ctl.Err() == nil {
		r.countFailure(fmt.Errorf("closing circuits: %w", err))
	}
	r.metric("num_circuits", circs)
	r.metric("streams_per_circuit", per)
	r.metric("total_streams", n)
	r.metric("circuits_used", used)
	r.metric("expected_ops", n*s.cfg.StreamExchanges)
	r.metric("actual_ops", b.Exchanges)
	r.metric("throughput_bytes_per_s", float64(b.Bytes)/b.Wall.Seconds())
	r.Success = r.Failures == 0 && b.OK == n
	fatal := aborted(ctx)
	if fatal == nil {
		ph.Done("%d circuits × %d streams: %d ok, %d circuits used, p95 %v", circs, per, b.OK, used, round(r.P95Latency))
	}
	r.Duration = b.Wall
	return s.finish(&r, start, fatal, ph)
}
