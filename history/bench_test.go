package history

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/perfgate/perfgate/changepoint"
	"github.com/perfgate/perfgate/results"
)

// benchHistory is a history of DefaultMax commits of runs runs each, the
// circuit builds 20 % slower in the last 30.
func benchHistory(b *testing.B, runs int) *History {
	p := newPool(b, 1, 1.2)
	rng := rand.New(rand.NewPCG(1, 2))
	h := &History{}
	for i := range DefaultMax {
		scale := 1.0
		if i >= DefaultMax-30 {
			scale = 1.2
		}
		h.Append(p.entry(i, scale, p.draw(rng, runs)), 0)
	}
	return h
}

// BenchmarkChanges is the detection a baseline job runs on every push:
// the gated metrics over a full history.
func BenchmarkChanges(b *testing.B) {
	h := benchHistory(b, 5)
	for b.Loop() {
		for _, m := range results.Metrics {
			if !m.Gates {
				continue
			}
			if _, err := Changes(h, m.Key, changepoint.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReadWrite reads and writes a full history, and reports the
// file's size.
func BenchmarkReadWrite(b *testing.B) {
	for _, runs := range []int{5, 100} {
		b.Run(fmt.Sprintf("runs=%d", runs), func(b *testing.B) {
			h := benchHistory(b, runs)
			path := filepath.Join(b.TempDir(), "history.jsonl")
			data, err := h.Marshal()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := Write(path, h); err != nil {
					b.Fatal(err)
				}
				if _, err := Read(path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "file-bytes")
		})
	}
}
