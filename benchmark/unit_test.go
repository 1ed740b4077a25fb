package benchmark

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/perfgate/perfgate/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestPercentile(t *testing.T) {
	ms := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 0.95, 0},
		{"one", ms(7), 0.95, 7 * time.Millisecond},
		{"median of odd", ms(3, 1, 2), 0.5, 2 * time.Millisecond},
		{"median of even interpolates", ms(1, 2, 3, 4), 0.5, 2500 * time.Microsecond},
		{"p0 is min", ms(5, 3, 9), 0, 3 * time.Millisecond},
		{"p1 is max", ms(5, 3, 9), 1, 9 * time.Millisecond},
		{"p95 of 1..100", hundred, 0.95, 95050 * time.Microsecond},
		{"p clamps", ms(1, 2), 2, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
			}
		})
	}
}

func TestLatencyTracker(t *testing.T) {
	tr := NewLatencyTracker(2)
	for _, d := range []time.Duration{100, 150, 50} {
		tr.Record(d * time.Millisecond)
	}
	if got := tr.Count(); got != 3 {
		t.Errorf("Count = %d", got)
	}
	if got := tr.Max(); got != 150*time.Millisecond {
		t.Errorf("Max = %v", got)
	}
	if got := tr.Percentile(0.5); got != 100*time.Millisecond {
		t.Errorf("p50 = %v", got)
	}
	if got := tr.Mean(); got != 100*time.Millisecond {
		t.Errorf("Mean = %v", got)
	}
	if s := tr.Samples(); len(s) != 3 || s[0] != 100*time.Millisecond {
		t.Errorf("Samples = %v, want recording order", s)
	}
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		in   uint64
		want string
	}{
		{0, "0 B"}, {960, "960 B"}, {1024, "1.0 KiB"}, {150016, "146.5 KiB"},
		{265390080, "253.1 MiB"}, {50 << 20, "50.0 MiB"}, {1 << 30, "1.0 GiB"}, {^uint64(0), "16.0 EiB"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatBytes(tt.in); got != tt.want {
				t.Errorf("FormatBytes(%d) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseProcStatus(t *testing.T) {
	for _, name := range []string{"status", "smaps_rollup"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "proc", name))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseProcStatus(data)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]map[string]uint64{
				"status":       {"VmRSS": 19460 * 1024, "VmHWM": 21004 * 1024},
				"smaps_rollup": {"Pss": 15021 * 1024, "Private_Dirty": 12632 * 1024, "Swap": 0},
			}[name]
			for k, v := range want {
				if got, ok := m[k]; !ok || got != v {
					t.Errorf("%s = %d (present %v), want %d", k, got, ok, v)
				}
			}
		})
	}
	t.Run("bad number", func(t *testing.T) {
		if _, err := ParseProcStatus([]byte("Name:\ttor\nVmRSS:\t12x kB\n")); err == nil {
			t.Error("no error for a bad size")
		}
	})
}

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"tor", "1234 (tor) S 1 1234 1234 0 -1 4194560 2000 0 0 0 150 25 0 0 20 0 1 0 100 1000000 4000 18446744073709551615", 1750 * time.Millisecond, false},
		{"name with spaces and parens", "9 (a) b) c) R 1 9 9 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0", 100 * time.Millisecond, false},
		{"no paren", "1234 tor S", 0, true},
		{"short", "1 (x) S 1 2 3", 0, true},
		{"bad number", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 a 3 0", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProcStat([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseProcStat = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSelfAndProcessCPU(t *testing.T) {
	if SelfCPU() <= 0 {
		t.Error("SelfCPU is 0")
	}
	if _, err := ProcessCPU(os.Getpid()); err != nil {
		t.Error(err)
	}
	pm, err := GetProcessMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if pm.RSS < 1<<20 || pm.RSS > 1<<30 {
		t.Errorf("own RSS %d out of 1 MB–1 GB", pm.RSS)
	}
	if _, err := GetProcessMemory(1 << 30); err == nil {
		t.Error("no error for a process that does not exist")
	}
}

func TestLadder(t *testing.T) {
	tests := []struct {
		name         string
		first        []int
		max          int
		res          float64
		failAt       int     // levels >= failAt fail (0: none)
		p95PerStream float64 // p95/bound per stream (0: unknown)
		wantLevels   []int
		wantCapacity int
		wantKnee     int
	}{
		{"climbs to the bound", []int{10, 25, 50, 100, 200}, 1600, 0.25, 0, 0,
			[]int{10, 25, 50, 100, 200, 400, 800, 1600}, 1600, 0},
		{"bound not a doubling", []int{10, 25, 50, 100, 200}, 1000, 0.25, 0, 0,
			[]int{10, 25, 50, 100, 200, 400, 800, 1000}, 1000, 0},
		{"bisects near the knee", []int{10, 25, 50, 100, 200}, 8192, 0.125, 1000, 0,
			[]int{10, 25, 50, 100, 200, 400, 800, 1600, 1200, 1000, 900}, 900, 1000},
		{"fails in the first levels", []int{10, 25, 50, 100, 200}, 8192, 0.125, 60, 0,
			[]int{10, 25, 50, 100, 75, 62, 56}, 56, 62},
		{"fails at once", []int{10, 25}, 100, 0.25, 1, 0, []int{10, 5, 2, 1}, 0, 1},
		{"unsorted first levels", []int{50, 10, 10, 25}, 50, 0.25, 0, 0, []int{10, 25, 50}, 50, 0},
		{"steps by the p95 near the bound", []int{10, 25, 50, 100, 200}, 8192, 0.125, 1100, 1.0 / 1000,
			[]int{10, 25, 50, 100, 200, 400, 800, 1000, 1250, 1125}, 1000, 1125},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLadder(tt.first, tt.max, tt.res)
			var got []int
			for {
				lv, ok := l.Next()
				if !ok {
					break
				}
				if len(got) > 50 {
					t.Fatalf("ladder does not end: %v", got)
				}
				got = append(got, lv)
				l.Observe(lv, tt.failAt == 0 || lv < tt.failAt, float64(lv)*tt.p95PerStream)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantLevels) {
				t.Errorf("levels %v, want %v", got, tt.wantLevels)
			}
			if l.Capacity() != tt.wantCapacity || l.Knee() != tt.wantKnee {
				t.Errorf("capacity %d knee %d, want %d %d", l.Capacity(), l.Knee(), tt.wantCapacity, tt.wantKnee)
			}
		})
	}
}

func TestLevelPasses(t *testing.T) {
	tests := []struct {
		ok, n int
		p95   float64
		want  bool
	}{
		{100, 100, 0.1, true}, {99, 100, 0.1, true}, {98, 100, 0.1, false},
		{10, 10, 2.5, false}, {9, 10, 0.1, false}, {0, 0, 0, false}, {198, 200, 1.99, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_of_%d_p95_%v", tt.ok, tt.n, tt.p95), func(t *testing.T) {
			if got := levelPasses(tt.ok, tt.n, tt.p95, 2*time.Second); got != tt.want {
				t.Errorf("levelPasses = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSlope(t *testing.T) {
	tests := []struct {
		name   string
		xs, ys []float64
		want   float64
	}{
		{"flat", []float64{1, 2, 3}, []float64{5, 5, 5}, 0},
		{"line", []float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 10},
		{"noisy", []float64{1, 2, 3}, []float64{1, 3, 2}, 0.5},
		{"one point", []float64{1}, []float64{1}, 0},
		{"same x", []float64{2, 2}, []float64{1, 3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Slope(tt.xs, tt.ys); got != tt.want {
				t.Errorf("Slope = %v, want %v", got, tt.want)
			}
		})
	}
	ms := []results.MemorySample{{Cycle: 1, RSS: 100 << 20}, {Cycle: 2, RSS: 20 << 20}, {Cycle: 3, RSS: 21 << 20}, {Cycle: 4, RSS: 22 << 20}}
	if got := leakSlope(ms); got != 1<<20 {
		t.Errorf("leakSlope skips the warm-up cycle: got %v, want %v", got, 1<<20)
	}
}

func TestFailureReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&buildError{Reason: "TIMEOUT"}, "TIMEOUT"},
		{fmt.Errorf("connect: %w", syscall.ECONNREFUSED), "connection refused"},
		{fmt.Errorf("dial: %w", syscall.EMFILE), "too many open files"},
		{errors.New("connect: socks connect tcp 127.0.0.1:9050->127.0.0.1:7: unknown error TTL expired"), "socks: unknown error TTL expired"},
		{fmt.Errorf("read: %w", os.ErrDeadlineExceeded), "timeout"},
		{errors.New("plain"), "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := failureReason(tt.err); got != tt.want {
				t.Errorf("failureReason(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestParseCircuitStatus(t *testing.T) {
	in := "4 BUILT $AA~relay1,$BB~relay2,$CC~exit1 BUILD_FLAGS=NEED_CAPACITY PURPOSE=GENERAL TIME_CREATED=2026-11-25T18:00:00.000000\n" +
		"7 BUILT $AA~relay1,$DD~relay3,$EE~exit2 PURPOSE=GENERAL SOCKS_USERNAME=\"mux-1-0\" SOCKS_PASSWORD=\"perfgate\"\n" +
		"9 EXTENDED $AA~relay1 PURPOSE=GENERAL\n"
	cs := parseCircuitStatus(in)
	if len(cs) != 3 {
		t.Fatalf("%d circuits, want 3", len(cs))
	}
	if cs[1].CircuitID != "7" || cs[1].Status != "BUILT" || cs[1].SocksUsername != `"mux-1-0"` {
		t.Errorf("circuit 7 parsed as %+v", cs[1])
	}
}

func TestParseTorVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Tor version 0.4.9.11.\nThis build of Tor is covered by the GNU General Public License", "0.4.9.11"},
		{"0.4.9.11 (git-abcdef)", "0.4.9.11"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := ParseTorVersion(tt.in); got != tt.want {
				t.Errorf("ParseTorVersion(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	tests := []struct {
		name        string
		github, tty bool
	}{
		{"plain", false, false},
		{"github", true, false},
		{"tty", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			p := NewProgress(&b, tt.github, tt.tty)
			clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			p.now = func() time.Time { clock = clock.Add(250 * time.Millisecond); return clock }
			p.SetPrefix("run 1/3: ")
			ph := p.Start("circuit build")
			ph.Update("%d/%d built", 50, 100)
			ph.Done("100/100 built, p95 %v", 65*time.Millisecond)
			p.Println("run 1/3: done")
			golden(t, filepath.Join("testdata", "progress-"+tt.name+".golden"), b.Bytes())
		})
	}
	var nilP *Progress
	nilP.Start("x").Done("y") // a nil Progress reports nothing and does not panic
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// sampleResults are fixed results for the summary and conversion tests.
func sampleResults() []Result {
	ms := time.Millisecond
	return []Result{
		{Key: results.BenchCircuitBuild, Name: "Circuit Build Performance", Duration: 6 * time.Second,
			TotalOperations: 4, OperationsPerSec: 0.67, Success: true,
			Latencies:  []time.Duration{60 * ms, 58 * ms, 42 * ms, 71 * ms},
			P50Latency: 59 * ms, P95Latency: 69650 * time.Microsecond, P99Latency: 70730 * time.Microsecond, MaxLatency: 71 * ms,
			MemoryInUse:       19 << 20,
			AdditionalMetrics: map[string]interface{}{"success_rate": 1.0, "target_p95": 5 * time.Second, "meets_target": true}},
		{Key: results.BenchMemoryUsage, Name: "Memory Usage in Steady State", Duration: 5 * time.Second,
			MemoryInUse: 18 << 20, MemoryAllocated: 19 << 20, Success: true,
			Memory:            []results.MemorySample{{AtS: 0, RSS: 18 << 20}, {AtS: 0.25, RSS: 19 << 20}, {AtS: 0.5, RSS: 17 << 20}},
			AdditionalMetrics: map[string]interface{}{"median_rss_bytes": uint64(18 << 20)}},
		{Key: results.BenchMemoryLeaks, Name: "Memory Leak Detection", Duration: 3 * time.Second, Success: false,
			Failures: 2, FailureReasons: map[string]int{"TIMEOUT": 1, "socks: general SOCKS server failure": 1},
			AdditionalMetrics: map[string]interface{}{"leak_flagged": true, "growth_per_cycle_bytes": 2.5e6}},
		{Key: results.BenchStreamScaling, Name: "Stream Scaling", Duration: 9 * time.Second, Success: true,
			Levels: []results.StreamLevel{
				{Streams: 10, OK: 10, P50S: 0.012, P95S: 0.015, MaxS: 0.016, WallS: 0.02, ThroughputBytesPerS: 512000, Pass: true},
				{Streams: 3200, OK: 3000, Failed: 200, P50S: 1.2, P95S: 2.5, MaxS: 3, WallS: 3.1, Errors: map[string]int{"timeout": 200}},
			},
			StopReason: "knee found", AdditionalMetrics: map[string]interface{}{"stream_capacity": 1600, "knee_streams": 3200}},
		{Key: results.BenchConcurrentStreams, Name: "Concurrent Streams Performance", Duration: time.Second,
			Error: errors.New("client process 42 exited")},
	}
}

func TestWriteSummaryGolden(t *testing.T) {
	s := NewSuite(nil)
	for _, r := range sampleResults() {
		s.addResult(r)
	}
	var b bytes.Buffer
	if err := s.WriteSummary(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "summary.golden"), b.Bytes())
}

// TestSummaryParsesAsGoTor checks that the summary is go-tor's format as
// package check reads it: the same benchmarks, the ladder's levels and so
// the stream capacity.
func TestSummaryParsesAsGoTor(t *testing.T) {
	rs := sampleResults()
	rs = append(rs, Result{Key: results.BenchCircuitBuildConcurrent, Name: "Concurrent Circuit Build Performance (10 at a time)",
		Success: true, Latencies: []time.Duration{time.Millisecond}, P50Latency: time.Millisecond, P95Latency: time.Millisecond,
		P99Latency: time.Millisecond, MaxLatency: time.Millisecond})
	var b bytes.Buffer
	if err := WriteResultsSummary(&b, rs); err != nil {
		t.Fatal(err)
	}
	res, err := results.ParseGoTor(b.Bytes(), "summary")
	if err != nil {
		t.Fatalf("check cannot read the summary: %v\n%s", err, b.String())
	}
	got := map[string]results.Benchmark{}
	for _, bm := range res.Runs[0].Benchmarks {
		got[bm.Key] = bm
	}
	for _, r := range rs {
		if _, ok := got[r.Key]; !ok {
			t.Errorf("benchmark %s (%q) not found; got %v", r.Key, r.Name, res.Runs[0].Benchmarks)
		}
	}
	if lv := got[results.BenchStreamScaling].Levels; len(lv) != 2 || lv[0].Streams != 10 || !lv[0].Pass || lv[1].Pass {
		t.Errorf("ladder read as %+v", lv)
	}
	if c := got[results.BenchCircuitBuild]; c.P95S != 0.06965 || !c.Success {
		t.Errorf("circuit build read as %+v", c)
	}
}

func TestResultBenchmark(t *testing.T) {
	rs := sampleResults()
	b := rs[0].Benchmark()
	if b.Key != results.BenchCircuitBuild || len(b.LatenciesS) != 4 || b.LatenciesS[2] != 0.042 || b.P95S != 0.06965 {
		t.Errorf("circuit build converted to %+v", b)
	}
	if b.Metrics["target_p95"] != 5 || b.Metrics["meets_target"] != 1 {
		t.Errorf("metrics %v: durations want seconds, booleans 0/1", b.Metrics)
	}
	if e := rs[4].Benchmark(); e.Error != "client process 42 exited" || e.Success {
		t.Errorf("error not kept: %+v", e)
	}
	if s := rs[3].Benchmark(); s.Metrics["stream_capacity"] != 1600 || len(s.Levels) != 2 {
		t.Errorf("scaling converted to %+v", s)
	}
	rs[3].AdditionalMetrics["note"] = "text"
	if _, ok := rs[3].Benchmark().Metrics["note"]; ok {
		t.Error("a string metric became a number")
	}
}

func TestEvaluateTargets(t *testing.T) {
	run := func(p95ms float64, rss uint64, capacity float64) results.Run {
		return results.Run{Benchmarks: []results.Benchmark{
			{Key: results.BenchCircuitBuild, LatenciesS: []float64{p95ms / 1000}},
			{Key: results.BenchMemoryUsage, Memory: []results.MemorySample{{RSS: rss}}},
			{Key: results.BenchConcurrentStreams, Metrics: map[string]float64{"actual_streams": 100}},
			{Key: results.BenchStreamScaling, Metrics: map[string]float64{"stream_capacity": capacity}},
		}}
	}
	tests := []struct {
		name string
		runs []results.Run
		want []bool
	}{
		{"all pass", []results.Run{run(65, 19<<20, 3200)}, []bool{true, true, true}},
		{"slow circuits", []results.Run{run(6000, 19<<20, 3200)}, []bool{false, true, true}},
		{"memory over", []results.Run{run(65, 60<<20, 3200)}, []bool{true, false, true}},
		{"median capacity of runs", []results.Run{run(65, 19<<20, 50), run(65, 19<<20, 400), run(65, 19<<20, 800)}, []bool{true, true, true}},
		{"capacity under", []results.Run{run(65, 19<<20, 50)}, []bool{true, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := EvaluateTargets(&results.Results{Runs: tt.runs}, DefaultConfig())
			if len(ts) != len(tt.want) {
				t.Fatalf("%d targets, want %d: %+v", len(ts), len(tt.want), ts)
			}
			for i, w := range tt.want {
				if ts[i].Pass != w {
					t.Errorf("%s: pass %v, want %v (%+v)", ts[i].Name, ts[i].Pass, w, ts[i])
				}
			}
		})
	}
}

func TestWriteResultsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	res := &results.Results{Schema: results.SchemaResultsV1, Suite: results.SuiteName, Runs: []results.Run{{Benchmarks: []results.Benchmark{sampleResults()[0].Benchmark()}}}}
	if err := WriteResultsFile(path, res); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("results file mode: %v %v, want 0644", fi.Mode(), err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(data, []byte(`"schema": "perfgate/results/v1"`)) || !bytes.Contains(data, []byte(`"latencies_s": [`)) {
		t.Errorf("results file: %v\n%s", err, data)
	}
}
