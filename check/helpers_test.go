package check

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// noiseNetwork reads one network of the loopback-noise fixture (real
// measurements of a private Tor network) as one run of the suite.
// scale multiplies every circuit latency (1: as measured).
func noiseNetwork(t testing.TB, n int, scale float64) Run {
	t.Helper()
	dir := filepath.Join("testdata", "loopback-noise", fmt.Sprintf("network%02d", n))
	var lat []float64
	for _, f := range readLines(t, filepath.Join(dir, "circ_ms.txt")) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatal(err)
		}
		lat = append(lat, v/1e3*scale)
	}
	var mem []MemorySample
	for i, f := range readLines(t, filepath.Join(dir, "rss_kB.txt")) {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		mem = append(mem, MemorySample{AtS: float64(i), RSS: v * 1024})
	}
	var levels []StreamLevel
	for _, l := range readLines(t, filepath.Join(dir, "capacity.jsonl")) {
		var c struct {
			N, OK       int
			Pass        bool
			TotalP95MS  float64 `json:"total_p95_ms"`
			TotalP50MS  float64 `json:"total_p50_ms"`
			TotalMaxMS  float64 `json:"total_max_ms"`
			WallMS      float64 `json:"wall_ms"`
			SuccessRate float64 `json:"success_rate"`
		}
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatal(err)
		}
		levels = append(levels, StreamLevel{Streams: c.N, OK: c.OK, Failed: c.N - c.OK, P50S: c.TotalP50MS / 1e3,
			P95S: c.TotalP95MS / 1e3, MaxS: c.TotalMaxMS / 1e3, WallS: c.WallMS / 1e3, Pass: c.Pass})
	}
	return Run{Index: n, Benchmarks: []Benchmark{
		{Key: BenchCircuitBuild, Name: "Circuit Build Performance", TotalOperations: int64(len(lat)), Success: true, LatenciesS: lat},
		{Key: BenchMemoryUsage, Name: "Memory Usage in Steady State", Success: true, Memory: mem},
		{Key: BenchStreamScaling, Name: "Stream Scaling", Success: true, Levels: levels},
	}}
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// noiseResults makes a results file of the given fixture networks.
func noiseResults(t testing.TB, scale float64, networks ...int) *Results {
	t.Helper()
	r := &Results{Schema: SchemaResultsV1, Suite: SuiteName, Source: "perfgate",
		CreatedAt:   time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC),
		Environment: Environment{OS: "linux", Arch: "amd64", CPUModel: "Test CPU", Cores: 2, TorVersion: "0.4.9.11", ClientName: "tor", ClientVersion: "0.4.9.11"},
		Settings:    Settings{Runs: len(networks), Circuits: 100}}
	for i, n := range networks {
		run := noiseNetwork(t, n, scale)
		run.Index = i
		r.Runs = append(r.Runs, run)
	}
	return r
}

func metricOf(t testing.TB, r *Report, key string) MetricResult {
	t.Helper()
	for _, m := range r.Metrics {
		if m.Key == key {
			return m
		}
	}
	t.Fatalf("metric %s not in report", key)
	return MetricResult{}
}

// combinations returns every k-subset of items, in order.
func combinations(items []int, k int) [][]int {
	if k == 0 {
		return [][]int{{}}
	}
	if len(items) < k {
		return nil
	}
	var out [][]int
	for _, rest := range combinations(items[1:], k-1) {
		out = append(out, append([]int{items[0]}, rest...))
	}
	return append(out, combinations(items[1:], k)...)
}
