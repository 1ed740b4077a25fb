package quality

import (
	"math"
	"testing"

	"github.com/perfgate/perfgate/results"
)

func TestSyntheticLeavesInputAlone(t *testing.T) {
	r := loadNoise(t)
	before := r.Runs[0].Benchmarks[0].LatenciesS[0]
	rss := r.Runs[0].Benchmarks[1].Memory[0].RSS
	out := synthetic(r.Runs[:1], []string{KindCircuit, KindMemory, KindStreams}, 0.2)
	if r.Runs[0].Benchmarks[0].LatenciesS[0] != before || r.Runs[0].Benchmarks[1].Memory[0].RSS != rss {
		t.Fatal("synthetic changed its input")
	}
	if got := out[0].Benchmarks[0].LatenciesS[0]; math.Abs(got-before*1.2) > 1e-12 {
		t.Errorf("latency %v, want %v", got, before*1.2)
	}
	one := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: r.Runs[:1]}
	inj := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: out}
	b0, err := BaseValuesOf(one)
	if err != nil {
		t.Fatal(err)
	}
	b1, err := BaseValuesOf(inj)
	if err != nil {
		t.Fatal(err)
	}
	if b1.Capacity >= b0.Capacity || float64(b1.Capacity) < 0.7*float64(b0.Capacity) {
		t.Errorf("capacity %d → %d, want about −20 %%", b0.Capacity, b1.Capacity)
	}
	if b1.RSS <= b0.RSS || b1.CircuitP95 <= b0.CircuitP95 {
		t.Errorf("base values %+v → %+v", b0, b1)
	}
}
