package torlab

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkStart starts and closes whole networks and reports start-to-ready
// (first tor process started → first round trip through an exit) as
// median, min and max over b.N starts. Run it with at least 5 starts:
//
//	go test -run '^$' -bench BenchmarkStart -benchtime 5x ./benchmark/torlab/
//
// Keys come from the cache (warm after the first start on a machine).
func BenchmarkStart(b *testing.B) {
	var ds []time.Duration
	for b.Loop() {
		n, err := Start(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		ds = append(ds, n.StartupDuration())
		b.Logf("start %d: ready after %v", len(ds), n.StartupDuration().Round(time.Millisecond))
		if err := n.Close(); err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(ds)
	b.ReportMetric(median(ds).Seconds(), "median-s/start")
	b.ReportMetric(ds[0].Seconds(), "min-s/start")
	b.ReportMetric(ds[len(ds)-1].Seconds(), "max-s/start")
}

// median of sorted ds.
func median(ds []time.Duration) time.Duration {
	m := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[m]
	}
	return (ds[m-1] + ds[m]) / 2
}
