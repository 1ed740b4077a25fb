package results

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	reOps    = regexp.MustCompile(`^(\d+) \(([0-9.eE+-]+) ops/sec\)$`)
	reMemory = regexp.MustCompile(`^(.+) in use, (.+) allocated$`)
)

func setGoTorField(b *Benchmark, k, v string) error {
	switch k {
	case "Duration":
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("bad duration %q", v)
		}
		b.DurationS = d.Seconds()
	case "Operations":
		m := reOps.FindStringSubmatch(v)
		if m == nil {
			return fmt.Errorf("want \"N (X ops/sec)\", got %q", v)
		}
		n, err1 := strconv.ParseInt(m[1], 10, 64)
		f, err2 := strconv.ParseFloat(m[2], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad operations %q", v)
		}
		b.TotalOperations, b.OperationsPerSec = n, f
	case "Latency (p50/p95/p99/max)":
		parts := strings.Split(v, "/")
		if len(parts) != 4 {
			return fmt.Errorf("want four latencies, got %q", v)
		}
		var d [4]float64
		for i, p := range parts {
			x, err := time.ParseDuration(strings.TrimSpace(p))
			if err != nil {
				return fmt.Errorf("bad latency %q", strings.TrimSpace(p))
			}
			d[i] = x.Seconds()
		}
		b.P50S, b.P95S, b.P99S, b.MaxS = d[0], d[1], d[2], d[3]
	case "Memory":
		m := reMemory.FindStringSubmatch(v)
		if m == nil {
			return fmt.Errorf("want \"X in use, Y allocated\", got %q", v)
		}
		inUse, err1 := ParseQuantity(m[1])
		alloc, err2 := ParseQuantity(m[2])
		if err1 != nil || err2 != nil || inUse < 0 || alloc < 0 {
			return fmt.Errorf("bad memory sizes %q", v)
		}
		b.MemoryInUse, b.MemoryAllocated = clampU64(inUse), clampU64(alloc)
	case "Status":
		b.Success = strings.Contains(v, "PASS")
	case "Error":
		b.Error = v
	}
	return nil
}

func clampU64(f float64) uint64 {
	if f >= math.MaxUint64 {
		return math.MaxUint64
	}
	return uint64(f)
}

// addGoTorMetric reads one additional metric: a bool, a number, a Go
// duration (key_s) or a byte size (key_bytes).
func addGoTorMetric(b *Benchmark, k, v string) error {
	if b.Metrics == nil {
		b.Metrics = map[string]float64{}
	}
	k = snake(k)
	switch v {
	case "true":
		b.Metrics[k] = 1
		return nil
	case "false":
		b.Metrics[k] = 0
		return nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		b.Metrics[k] = f
		return nil
	}
	if d, err := time.ParseDuration(v); err == nil {
		b.Metrics[k+"_s"] = d.Seconds()
		return nil
	}
	if f, err := ParseQuantity(v); err == nil {
		b.Metrics[k+"_bytes"] = f
		return nil
	}
	return fmt.Errorf("unreadable value %q", v)
}
