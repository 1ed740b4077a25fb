package results

import "math"

// scalingRecord is the level record of a "Stream Scaling (N streams)"
// block: N streams, all served when the block passed, else as many as its
// operations make whole streams of ops_per_stream.
func scalingRecord(b *Benchmark, n int) StreamLevel {
	l := StreamLevel{Streams: n, OK: n, Pass: b.Success}
	if per, ok := b.Metrics["ops_per_stream"]; !b.Success && ok && per >= 1 && b.TotalOperations >= 0 {
		l.OK = int(math.Min(float64(n), math.Floor(float64(b.TotalOperations)/per)))
	}
	l.Failed = n - l.OK
	return l
}

// concurrentRecord is the level record of the "Concurrent Streams
// Performance" block: target_streams streams, actual_streams of them
// served (each also from the PERFORMANCE TARGETS entry t, which may be
// nil: the higher target, the lower actual). ok is false when the block
// names no stream count.
func concurrentRecord(b *Benchmark, t *goTorTarget) (StreamLevel, bool) {
	valid := func(v float64) bool { return v >= 0 && v <= 1e7 }
	target, actual := -1.0, -1.0
	if v, ok := b.Metrics["target_streams"]; ok && valid(v) {
		target = v
	}
	if v, ok := b.Metrics["actual_streams"]; ok && valid(v) {
		actual = v
	}
	if t != nil {
		target = math.Max(target, t.target)
		if t.actual >= 0 && (actual < 0 || t.actual < actual) {
			actual = t.actual
		}
	}
	switch {
	case actual < 0:
		return StreamLevel{}, false
	case target < 0:
		target = actual
	}
	n, ok := int(target), int(math.Min(actual, target))
	if n <= 0 {
		return StreamLevel{}, false
	}
	return StreamLevel{Streams: n, OK: ok, Failed: n - ok, Pass: b.Success && ok == n}, true
}
