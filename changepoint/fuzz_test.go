package changepoint

import (
	"math"
	"testing"
)

// FuzzDetect checks that Detect does not panic and that what it returns is
// well formed. A byte b of data is the value b (0 and 255 stand for 0 and
// NaN, both invalid); a byte of bounds is a boundary index.
func FuzzDetect(f *testing.F) {
	f.Add([]byte{10, 10, 11, 10, 9, 10, 20, 21, 20, 19, 20, 21}, []byte{}, 2, 0.05, 39, 0.0, uint64(1))
	f.Add([]byte{10, 10, 11, 10, 9, 10, 20, 21, 20, 19, 20, 21, 5, 6, 5, 4, 6}, []byte{6, 3}, 3, 0.1, 19, -1.0, uint64(7))
	f.Add([]byte{1, 2, 3, 0, 5}, []byte{}, 0, 0.0, 0, 0.0, uint64(0))
	f.Add([]byte{100, 255, 100}, []byte{9}, 5, 0.5, 1, 0.5, uint64(3))
	f.Fuzz(func(t *testing.T, data, bounds []byte, minSize int, alpha float64, perms int, minEffect float64, seed uint64) {
		if len(data) > 120 {
			data = data[:120]
		}
		if perms > 40 { // keep one run quick
			perms = 1 + perms%40
		}
		series := make([]float64, len(data))
		for i, b := range data {
			switch b {
			case 0:
				series[i] = 0
			case 255:
				series[i] = math.NaN()
			default:
				series[i] = float64(b)
			}
		}
		var boundaries []int
		for _, b := range bounds {
			boundaries = append(boundaries, int(b))
		}
		opt := Options{MinSize: minSize, Alpha: alpha, Permutations: perms, MinEffect: minEffect, Seed: seed}
		cps, err := Detect(series, boundaries, opt)
		if err != nil {
			if cps != nil {
				t.Fatalf("result %v with error %v", cps, err)
			}
			return
		}
		eff, err := opt.resolve()
		if err != nil {
			t.Fatalf("Detect accepted options that resolve rejects: %v", err)
		}
		starts, err := segmentStarts(boundaries, len(series))
		if err != nil {
			t.Fatalf("Detect accepted boundaries that segmentStarts rejects: %v", err)
		}
		// Every change is at least MinSize from the series ends, the boundaries
		// and the other changes.
		for i, c := range cps {
			if i > 0 && c.Index <= cps[i-1].Index {
				t.Fatalf("not sorted: %+v", cps)
			}
			if c.Index <= 0 || c.Index >= len(series) {
				t.Fatalf("index %d out of range (0, %d)", c.Index, len(series))
			}
			for _, b := range starts {
				if c.Index == b {
					t.Fatalf("boundary %d reported", b)
				}
				if d := max(c.Index-b, b-c.Index); d < eff.MinSize {
					t.Fatalf("index %d only %d from cut %d (MinSize %d)", c.Index, d, b, eff.MinSize)
				}
			}
			for _, d := range cps[:i] {
				if c.Index-d.Index < eff.MinSize {
					t.Fatalf("indexes %d and %d closer than MinSize %d", d.Index, c.Index, eff.MinSize)
				}
			}
			if !(c.P > 0 && c.P <= eff.Alpha) {
				t.Fatalf("P = %v, not in (0, %v]", c.P, eff.Alpha)
			}
			if !(c.Before > 0 && c.After > 0) || c.RelChange != c.After/c.Before-1 {
				t.Fatalf("bad medians or RelChange: %+v", c)
			}
			if math.Abs(c.RelChange) < eff.MinEffect {
				t.Fatalf("|RelChange| %v below MinEffect %v", c.RelChange, eff.MinEffect)
			}
		}
	})
}
