package torlab

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkStart starts and closes whole networks and reports start-to-ready
// (first tor process started → first round trip through an exit) as
// median, min and max over b.N starts. Run it with at least 5 starts:
//
//	go test -run '^$' -bench BenchmarkStart -benchtime 5x ./benchmark/torlab/
//
// Keys come from the cache (warm after the first start on a machine). It
// also reports the median CPU time the tor processes used until ready and
// logs the load average: on a shared machine start-up time follows the load.
func BenchmarkStart(b *testing.B) {
	needTor(b)
	var ds, cpu []time.Duration
	for b.Loop() {
		n, err := Start(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, n.StartupDuration())
		cpu = append(cpu, n.CPUTime())
		b.Logf("start %d: ready after %v, %v CPU in tor processes, load average %s", len(ds), n.StartupDuration().Round(time.Millisecond), n.CPUTime().Round(10*time.Millisecond), loadAverage())
		if err := n.Close(); err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(ds)
	b.ReportMetric(median(ds).Seconds(), "median-s/start")
	b.ReportMetric(ds[0].Seconds(), "min-s/start")
	b.ReportMetric(ds[len(ds)-1].Seconds(), "max-s/start")
	slices.Sort(cpu)
	b.ReportMetric(median(cpu).Seconds(), "median-cpu-s/start")
}

// loadAverage is the first field of /proc/loadavg: on a shared machine
// start-up times mean little without it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0]
}

// median of sorted ds.
func median(ds []time.Duration) time.Duration {
	m := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[m]
	}
	return (ds[m-1] + ds[m]) / 2
}
