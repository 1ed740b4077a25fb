package quality

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/results"
)

// smallConfig is a suite configuration small enough for a test.
func smallConfig() benchmark.Config {
	c := benchmark.QuickConfig()
	// Enough builds to outlast a client that refuses EXTENDCIRCUIT for a
	// second or two (seen, rarely, on a freshly started client).
	c.Circuits = 30
	c.CircuitConcurrency = 4
	c.PoolRequests = 5
	c.MemoryWindow = time.Second
	c.LeakCycles = 2
	c.LeakStreams = 10
	c.LeakCircuits = 2
	c.ConcurrentStreams = 20
	c.StreamExchanges = 2
	c.StreamLevels = []int{10, 25, 50, 100}
	c.StreamMaxLevel = 200
	c.StreamKneeResolution = 0.25
	c.LadderBudget = 15 * time.Second
	c.MuxCircuits = 2
	c.MuxStreams = 5
	return c
}

// TestCollectABInjected runs one A/B session on a real private network:
// client A as is, client B behind all three injectors (control port +25 ms
// each way, at most 40 SOCKS connections, a GeoIP file of 600 000
// entries, ~25 MiB). B's circuit builds all take at least the 50 ms the relay adds,
// B holds more memory than A by about what the GeoIP file costs, and B's
// stream capacity is capped below A's.
func TestCollectABInjected(t *testing.T) {
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor is not installed (make deps installs Debian's tor)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	in := Injection{Name: "test", Kinds: []string{KindCircuit, KindMemory, KindStreams}, Size: 0.5,
		ControlDelay: 25 * time.Millisecond, MaxStreams: 40, GeoIPEntries: 600000}
	var log strings.Builder
	res, err := Collect(ctx, CollectOptions{Mode: ModeAB, Runs: 1, Order: benchmark.Balanced, Injection: in,
		Config: smallConfig(), Quick: true, Timeout: 3 * time.Minute, Log: &log, WorkDir: t.TempDir()})
	t.Logf("collect log:\n%s", log.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Runs) != 2 || res.Runs[0].Label != "A" || res.Runs[1].Label != "B" {
		t.Fatalf("runs %d, labels %v", len(res.Runs), labels(res.Runs))
	}
	if got := res.Settings.Extra[ExtraMode] + "/" + res.Settings.Extra[ExtraInjection]; got != "ab/test" {
		t.Errorf("tags %q", got)
	}
	vals := map[string]BaseValues{}
	for _, run := range res.Runs {
		one := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: []results.Run{run}}
		v, err := BaseValuesOf(one)
		if err != nil {
			t.Fatal(err)
		}
		vals[run.Label] = v
		t.Logf("%s: circuit p95 %v, RSS %.2f MiB, capacity %d", run.Label, v.CircuitP95, float64(v.RSS)/results.MiB, v.Capacity)
	}
	for _, b := range res.Runs[1].Benchmarks {
		if b.Key != results.BenchCircuitBuild {
			continue
		}
		if len(b.LatenciesS) == 0 {
			t.Fatalf("B built no circuit: %d failed (%v)", b.Failures, b.FailureReasons)
		}
		for _, l := range b.LatenciesS {
			if l < 0.050 {
				t.Errorf("B's circuit build took %.1f ms, less than the 50 ms the relay adds", l*1000)
			}
		}
	}
	a, b := vals["A"], vals["B"]
	// Two fresh clients differ by a few MB on their own: the bound is loose.
	if extra := float64(b.RSS) - float64(a.RSS); extra < 12e6 {
		t.Errorf("B holds %.2f MB more than A, want about %.1f MB (the GeoIP file)", extra/1e6, 600000*GeoIPBytesPerEntry/1e6)
	}
	if b.Capacity >= a.Capacity || b.Capacity > 50 {
		t.Errorf("capacity A %d, B %d: want B capped near 40", a.Capacity, b.Capacity)
	}
}

func labels(runs []results.Run) []string {
	var l []string
	for _, r := range runs {
		l = append(l, r.Label)
	}
	return l
}
