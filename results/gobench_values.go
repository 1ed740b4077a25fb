package results

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// Units of a stream level's result line (see ParseGoBench).
const (
	unitLevelStreams = "streams"
	unitLevelOK      = "ok-streams"
	unitLevelP95     = "p95-sec"
	unitLevelPass    = "pass"
	unitLevelBound   = "p95-bound-sec"
	unitRSS          = "rss-B"
)

// addGoBenchResult adds the values of one result line to b: a stream
// level when the line has a unit "streams", samples otherwise.
func addGoBenchResult(b *Benchmark, rec *benchfmt.Result) error {
	cycle := 0
	_, parts := rec.Name.Parts()
	for _, p := range parts {
		if v, ok := bytes.CutPrefix(p, []byte("/cycle=")); ok {
			n, err := strconv.Atoi(string(v))
			if err != nil || n < 0 {
				return fmt.Errorf("bad cycle %q", v)
			}
			cycle = n
		}
	}
	var level *StreamLevel
	for _, v := range rec.Values {
		if v.Unit == unitLevelStreams {
			if !Plausible(UnitStreams, v.Value) || v.Value != math.Trunc(v.Value) {
				return fmt.Errorf("%g streams is not a plausible stream count", v.Value)
			}
			n := int(v.Value)
			level = &StreamLevel{Streams: n, OK: n, Pass: true}
		}
	}
	for _, v := range rec.Values {
		switch {
		case v.Unit == unitLevelStreams:
		case level != nil && v.Unit == unitLevelOK:
			if v.Value < 0 || v.Value > float64(level.Streams) || v.Value != math.Trunc(v.Value) {
				return fmt.Errorf("%g ok-streams of a level of %d streams", v.Value, level.Streams)
			}
			level.OK = int(v.Value)
		case level != nil && v.Unit == unitLevelP95:
			if !Plausible(UnitSeconds, v.Value) {
				return fmt.Errorf("%g p95-sec is not a plausible latency", v.Value)
			}
			level.P95S = v.Value
		case level == nil && quantileField(b, v.Unit) != nil:
			// A summary's printed quantiles (WriteBenchfmt writes them for
			// benchmarks without raw samples).
			if !Plausible(UnitSeconds, v.Value) {
				return fmt.Errorf("%g %s is not a plausible latency", v.Value, v.Unit)
			}
			*quantileField(b, v.Unit) = v.Value
		case level != nil && v.Unit == unitLevelPass:
			if v.Value != 0 && v.Value != 1 {
				return fmt.Errorf("pass is %g, want 1 or 0", v.Value)
			}
			level.Pass = v.Value == 1
		case level != nil && v.Unit == unitLevelBound:
			if !Plausible(UnitSeconds, v.Value) || v.Value <= 0 {
				return fmt.Errorf("%g p95-bound-sec is not a plausible bound", v.Value)
			}
			if b.Metrics == nil {
				b.Metrics = map[string]float64{}
			}
			b.Metrics["p95_bound"] = v.Value
		default:
			if err := addGoBenchValue(b, v.Unit, v.Value, rec.Iters, cycle); err != nil {
				return err
			}
		}
	}
	if level != nil {
		level.Failed = level.Streams - level.OK
		b.Levels = append(b.Levels, *level)
	}
	return nil
}

// quantileField is the field of b that a quantile unit ("p50-sec",
// "p95-sec", "p99-sec", "max-sec") names, or nil.
func quantileField(b *Benchmark, unit string) *float64 {
	switch unit {
	case "p50-sec":
		return &b.P50S
	case unitLevelP95:
		return &b.P95S
	case "p99-sec":
		return &b.P99S
	case "max-sec":
		return &b.MaxS
	}
	return nil
}

func addGoBenchValue(b *Benchmark, unit string, v float64, iters, cycle int) error {
	switch unit {
	case "sec/op":
		if !Plausible(UnitSeconds, v) {
			return fmt.Errorf("%g sec/op is not a plausible latency", v)
		}
		b.LatenciesS = append(b.LatenciesS, v)
		b.DurationS += v * float64(iters)
	case unitRSS:
		if !Plausible(UnitBytes, v) {
			return fmt.Errorf("%g rss-B is not a plausible memory size", v)
		}
		b.Memory = append(b.Memory, MemorySample{RSS: uint64(v), Cycle: cycle})
	case "B/op":
		if Plausible(UnitBytes, v) {
			b.MemoryAllocated = uint64(v)
		}
	default:
		if b.Metrics == nil {
			b.Metrics = map[string]float64{}
		}
		b.Metrics[unitKey(unit)] = v
	}
	return nil
}

// unitKey turns a benchmark unit into a metric key with perfgate's suffixes.
func unitKey(unit string) string {
	switch unit {
	case "B/s":
		return "bytes_per_s"
	case "allocs/op":
		return "allocs_per_op"
	}
	return snake(strings.ReplaceAll(unit, "/", "_per_"))
}
