package report

import (
	"bytes"
	"math"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/results"
)

// bimodal returns n circuit-build latencies (seconds) shaped like those of
// a private network: two modes near 42 and 59 ms, and a few slow ones.
func bimodal(n int, seed uint64, scale float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	v := make([]float64, n)
	for i := range v {
		x := 0.059 + rng.NormFloat64()*0.0005
		if rng.IntN(2) == 0 {
			x = 0.042 + rng.NormFloat64()*0.0005
		}
		if rng.IntN(20) == 0 {
			x += rng.Float64() * 0.03
		}
		v[i] = x * scale
	}
	return v
}

func TestWriteLatencyChart(t *testing.T) {
	for _, tc := range []struct {
		name      string
		base, cur []float64
	}{
		{"both", bimodal(300, 1, 1), bimodal(300, 2, 1.2)},
		{"no-baseline", nil, bimodal(100, 3, 1)},
		{"no-current", bimodal(100, 4, 1), nil},
		{"one-sample", []float64{0.05}, []float64{0.06}},
		{"bad-values", []float64{math.NaN(), -1, math.Inf(1), 0.05, 0.07}, []float64{0.05, math.Inf(-1), 0.08}},
		{"slow", []float64{4.2, 5.1, 7.9}, []float64{12.5, 30, 61}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteLatencyChart(&b, tc.base, tc.cur); err != nil {
				t.Fatal(err)
			}
			checkChart(t, b.String())
			goldenFile(t, "mermaid/latency-"+tc.name+".golden", b.Bytes())
		})
	}
	t.Run("empty", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteLatencyChart(&b, nil, []float64{math.NaN()}); err != nil || b.Len() != 0 {
			t.Errorf("no samples: wrote %q, %v; want nothing", b.String(), err)
		}
	})
}

func TestWriteTrendChart(t *testing.T) {
	labels := []string{"a1b2c3d", "e4f5a6b", "`rm -rf`", "<b>@here</b>", "2026-11-25", "x|y\"z"}
	series := []TrendSeries{
		{Label: "Circuit build p95", Unit: results.UnitSeconds, Values: []float64{0.065, 0.068, 0.062, 0.071, 0.066, 0.064}},
		{Label: "Steady-state RSS", Unit: results.UnitBytes, Values: []float64{19.1 * results.MiB, 19.0 * results.MiB, 19.3 * results.MiB, 19.1 * results.MiB, 19.2 * results.MiB, 19.1 * results.MiB}},
		{Label: "Stream capacity", Unit: results.UnitStreams, Values: []float64{2000, 2000, 2000, 2000, 2000, 2000}},
		{Label: "one value only", Unit: results.UnitStreams, Values: []float64{1}},
	}
	var b bytes.Buffer
	if err := WriteTrendChart(&b, labels, series); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := strings.Count(out, "```mermaid"); n != 3 {
		t.Errorf("%d charts, want 3 (a series with one value is skipped)", n)
	}
	for _, chart := range strings.SplitAfter(out, "```\n") {
		if strings.TrimSpace(chart) != "" {
			checkChart(t, chart)
		}
	}
	goldenFile(t, "mermaid/trend.golden", b.Bytes())

	t.Run("missing labels and NaN", func(t *testing.T) {
		var b bytes.Buffer
		err := WriteTrendChart(&b, nil, []TrendSeries{{Label: "x", Unit: results.UnitSeconds, Values: []float64{0.1, math.NaN(), 0.2}}})
		if err != nil {
			t.Fatal(err)
		}
		checkChart(t, b.String())
		if !strings.Contains(b.String(), `"run 1"`) || strings.Contains(b.String(), "NaN") {
			t.Errorf("want run labels and no NaN:\n%s", b.String())
		}
	})
}

// TestChartSizeBound feeds huge inputs: the charts stay within
// MaxChartBytes each, whatever the number of samples, runs or the length
// of the labels.
func TestChartSizeBound(t *testing.T) {
	var b bytes.Buffer
	if err := WriteLatencyChart(&b, bimodal(200_000, 5, 1), bimodal(200_000, 6, 1e6)); err != nil {
		t.Fatal(err)
	}
	if b.Len() > MaxChartBytes {
		t.Errorf("latency chart of 2·10⁵ samples: %d bytes", b.Len())
	}
	const runs = 100_000
	labels := make([]string, runs)
	vals := make([]float64, runs)
	for i := range labels {
		labels[i] = strings.Repeat("label-with-a-long-name ", 50)
	}
	for i := range vals {
		vals[i] = 1e9 * float64(i+1)
	}
	vals[7] = 1e300 // absurd: left out
	long := strings.Repeat("Ünïcode `title` | ", 100)
	b.Reset()
	if err := WriteTrendChart(&b, labels, []TrendSeries{{Label: long, Unit: results.UnitBytes, Values: vals}}); err != nil {
		t.Fatal(err)
	}
	if b.Len() > MaxChartBytes {
		t.Errorf("trend chart of %d runs: %d bytes", runs, b.Len())
	}
	checkChart(t, b.String())
	if got := strings.Count(b.String(), "\", \"") + 1; got != MaxTrendPoints {
		t.Errorf("%d points, want %d", got, MaxTrendPoints)
	}
}

// checkChart checks what every chart must be: one fenced mermaid block
// that nothing inside can break out of, with numbers mermaid reads.
func checkChart(t *testing.T, s string) {
	t.Helper()
	if !strings.HasPrefix(s, "```mermaid\nxychart-beta\n") || !strings.HasSuffix(s, "\n```\n") {
		t.Fatalf("not one fenced mermaid xychart:\n%s", s)
	}
	inner := strings.TrimSuffix(strings.TrimPrefix(s, "```mermaid\n"), "```\n")
	for _, bad := range []string{"`", "<b", "@", "|", "NaN", "Inf", "\\"} {
		if strings.Contains(inner, bad) {
			t.Errorf("chart contains %q:\n%s", bad, s)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(inner), "\n")[1:] {
		if strings.Count(line, `"`)%2 != 0 {
			t.Errorf("unbalanced quotes in %q", line)
		}
		f := strings.Fields(line)
		if f[0] == "bar" || f[0] == "line" {
			if !numbers.MatchString(strings.TrimPrefix(strings.TrimSpace(line), f[0]+" ")) {
				t.Errorf("not a list of plain numbers: %q", line)
			}
		}
	}
}

var numbers = regexp.MustCompile(`^\[-?[0-9]+(\.[0-9]+)?(, -?[0-9]+(\.[0-9]+)?)*\]$`)

func TestChartNum(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {65.2345, "65.23"}, {1234.6, "1235"}, {0.000123456, "0.000123"}, {1e12, "1000000000000"}, {math.NaN(), "0"}, {-2.5, "-2.5"}, {100, "100"},
	} {
		if got := chartNum(tc.v); got != tc.want {
			t.Errorf("chartNum(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestChartLabel(t *testing.T) {
	for in, want := range map[string]string{
		"a1b2c3d":          "a1b2c3d",
		"`rm -rf /`":       "-rm--rf-/-",
		"<b>@here</b>":     "-b-here-/b-",
		"2026-11-25T10:00": "2026-11-25T1",
		"":                 "",
		"Ünïcode":          "-n-code",
	} {
		if got := chartLabel(in); got != want {
			t.Errorf("chartLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzCharts: whatever the labels and values, a chart is one fenced
// mermaid block nothing breaks out of, within MaxChartBytes.
func FuzzCharts(f *testing.F) {
	f.Add("a1b2c3d", "Circuit build p95", 0.065, 0.07, 1e300)
	f.Add("`x`|<b>@y</b>\"", "```\n", math.NaN(), -1.0, math.Inf(1))
	f.Add("", "", 0.0, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, label, title string, a, b, c float64) {
		var buf bytes.Buffer
		labels := []string{label, label + "2", label + "3"}
		if err := WriteTrendChart(&buf, labels, []TrendSeries{{Label: title, Unit: results.UnitSeconds, Values: []float64{a, b, c}}}); err != nil {
			t.Fatal(err)
		}
		if buf.Len() > 0 {
			checkChart(t, buf.String())
		}
		if buf.Len() > MaxChartBytes {
			t.Fatalf("%d bytes", buf.Len())
		}
		buf.Reset()
		if err := WriteLatencyChart(&buf, []float64{a, b}, []float64{c}); err != nil {
			t.Fatal(err)
		}
		if buf.Len() > 0 {
			checkChart(t, buf.String())
		}
	})
}
