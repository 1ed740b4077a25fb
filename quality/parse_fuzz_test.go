package quality

import (
	"math"
	"strings"
	"testing"
	"time"
)

func FuzzParseBudget(f *testing.F) {
	for _, s := range []string{"2:5:4m", "1:1:1s", "3:2:1m", "0:5:4m", "2:5:-1m", "2:5", "a:b:c", "2:5:4m:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBudget(s)
		if err != nil {
			return
		}
		if b.MinRuns < 1 || b.MaxRuns < b.MinRuns || b.Step != 1 || b.Time <= 0 {
			t.Fatalf("%q: budget %+v", s, b)
		}
	})
}

// FuzzInjectionSizes drives --inject's parsing and planning with base
// values of the instrument's size (README: circuit p95 10.9 ms, steady RSS
// 14.7 MiB, stream capacity 1600).
func FuzzInjectionSizes(f *testing.F) {
	for _, s := range []string{"circuit=0.2, memory=0.1,streams", "circuit", "circuit=big", "cpu", "memory=1.5", "streams=NaN", "circuit=1e-300", ",", "circuit=0.2,circuit=0.3"} {
		f.Add(s, 0.3)
	}
	base := BaseValues{CircuitP95: 10900 * time.Microsecond, RSS: 15_400_000, Capacity: 1600}
	f.Fuzz(func(t *testing.T, kinds string, size float64) {
		sizes, err := parseInjectionSizes(kinds, size)
		if err != nil {
			if !strings.Contains(err.Error(), "--inject") {
				t.Fatalf("error does not name the flag: %v", err)
			}
			return
		}
		in, err := PlanInjectionSizes(sizes, base)
		if err != nil {
			return
		}
		if len(in.Kinds) == 0 || in.ControlDelay < 0 || in.SOCKSDelay < 0 || in.MaxStreams < 0 || in.MaxStreams > base.Capacity ||
			in.GeoIPEntries < 0 || math.IsNaN(in.Size) || in.Size < 0 || in.Size >= 1 {
			t.Fatalf("%q, %v: planned %+v", kinds, size, in)
		}
	})
}
