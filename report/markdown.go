package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/internal/short"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// WriteMarkdown renders the report as GitHub markdown for a PR comment or
// a job summary: the verdict, notes and warnings, one headline table
// (Metric | Baseline | Current | Change | Target | Status), the reasons,
// and a collapsed <details> section with every metric and benchmark.
// Everything an input can name is escaped. WriteMarkdownLimit bounds its
// size.
func WriteMarkdown(w io.Writer, r *check.Report) error {
	d, err := newMDDoc(r, 0)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	d.write(&b, mdKeep{warnings: len(d.warnings)})
	_, err = w.Write(b.Bytes())
	return err
}

// testsUsed names the significance tests behind the gated metrics' p-values,
// " (of …)", or "" when none was made.
func testsUsed(r *check.Report) string {
	var tests []string
	for _, m := range r.Metrics {
		if m.Gated && m.Change != nil && m.Change.Test != "" && m.Change.Test != "none" && !slices.Contains(tests, m.Change.Test) {
			tests = append(tests, m.Change.Test)
		}
	}
	if len(tests) == 0 {
		return ""
	}
	return " (" + strings.Join(tests, "; ") + ")"
}

// An mdDoc is the markdown report in parts, each whole markdown (a table,
// a fenced chart, a list) that can be left out without breaking the rest.
type mdDoc struct {
	// head is the verdict, comparison, repetition, environment warning
	// and notes; headline the headline table, the reasons and the
	// baseline command. Both are always kept.
	head, headline string
	// warnings holds one list item ("- …\n") per warning.
	warnings []string
	// parts are the parts WriteMarkdownLimit may leave out, indexed by
	// mdPart; an empty part is absent.
	parts [nMDParts]string
}

// An mdPart is a part of the report that WriteMarkdownLimit may leave out,
// numbered in the order it does: the least important first.
type mdPart int

const (
	partBenchmarks mdPart = iota
	partEnvironment
	partCharts
	partPerRun
	partAllMetrics
	partFootnote
	nMDParts
)

// mdPartNames name the parts in the line that ends a shortened report.
var mdPartNames = [nMDParts]string{
	partBenchmarks:  "the per-benchmark details",
	partEnvironment: "the environment",
	partCharts:      "the charts",
	partPerRun:      "the per-run values",
	partAllMetrics:  "the table of all metrics",
	partFootnote:    "the note on the statistics",
}

// mdKeep says which parts of an mdDoc are written: every part not dropped,
// and the first warnings warnings.
type mdKeep struct {
	drop     [nMDParts]bool
	warnings int
}

// newMDDoc renders the parts of r's markdown. clip > 0 cuts every text an
// input names (notes, comparison, reasons, warnings) to clip characters
// before it is escaped; 0 keeps them whole.
func newMDDoc(r *check.Report, clip int) (*mdDoc, error) {
	esc := func(s string) string {
		if clip > 0 {
			s = short.Cut(s, clip)
		}
		return EscapeMarkdown(s)
	}
	d := &mdDoc{}
	var b bytes.Buffer
	icon := map[check.Verdict]string{check.VerdictPass: "✅", check.VerdictRegression: "❌", check.VerdictError: "⚠️"}[r.Verdict]
	fmt.Fprintf(&b, "### %s perfgate: %s\n\n", icon, esc(verdictLine(r)))
	if r.Comparison != "" {
		fmt.Fprintf(&b, "**Comparison:** %s\n\n", esc(r.Comparison))
	}
	if r.Repetition != nil {
		fmt.Fprintf(&b, "**Adaptive repetition:** %s\n\n", esc(r.Repetition.String()))
	}
	if r.Instrument != "" {
		fmt.Fprintf(&b, "**Instrument:** %s\n\n", esc(r.Instrument))
	}
	if len(r.EnvironmentDiff) > 0 {
		b.WriteString("> [!WARNING]\n> **The baseline ran in a different environment**, so part of any change may be the machine, not the code: ")
		b.WriteString(esc(strings.Join(r.EnvironmentDiff, "; ")))
		b.WriteString(".\n\n")
	}
	for i, n := range r.Notes {
		if i > 0 {
			b.WriteString(">\n")
		}
		fmt.Fprintf(&b, "> %s\n", esc(n))
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	d.head = b.String()

	b.Reset()
	g, other := gated(r)
	rows := make([][]string, 0, len(g))
	for _, m := range g {
		rows = append(rows, []string{m.Label, cellValue(m.Baseline, m.Unit), cellValue(m.Current, m.Unit),
			cellChange(m, true), cellTarget(m), cellStatus(m, true)})
	}
	if err := mdTable(&b, []string{"Metric", "Baseline", "Current", "Change", "Target", "Status"}, rows); err != nil {
		return nil, err
	}
	b.WriteString("\n")
	for _, m := range g {
		if m.Status != check.StatusPass && m.Status != check.StatusNoBaseline && m.Reason != "" {
			fmt.Fprintf(&b, "- **%s** (`%s`): %s\n", m.Label, m.Key, esc(m.Reason))
		}
	}
	if r.BaselineCommand != "" {
		cmd := r.BaselineCommand
		if clip > 0 {
			cmd = short.Cut(cmd, clip)
		}
		fmt.Fprintf(&b, "\nNo baseline yet. Create it with:\n\n```sh\n%s\n```\n", strings.ReplaceAll(cmd, "`", "'"))
	}
	d.headline = b.String()

	for _, w := range r.Warnings {
		d.warnings = append(d.warnings, "- "+esc(w)+"\n")
	}
	d.parts[partFootnote] = fmt.Sprintf("\n<sub>Change: current/baseline − 1 with its %s bootstrap confidence interval (runs resampled; samples within a run only when a side has a single run; %d resamples, seed %d) and the p-value%s, Holm-adjusted over the gated metrics. %s</sub>\n",
		pctLevel(r.Confidence), r.Resamples, r.Seed, esc(testsUsed(r)), memoryUnitNote)

	b.Reset()
	if err := writeCharts(&b, r); err != nil {
		return nil, err
	}
	d.parts[partCharts] = b.String()

	b.Reset()
	all := append(append([]check.MetricResult(nil), g...), other...)
	rows = rows[:0]
	for _, m := range all {
		rows = append(rows, []string{fmt.Sprintf("%s (`%s`)", m.Label, m.Key), cellValue(m.Baseline, m.Unit), cellValue(m.Current, m.Unit),
			cellChange(m, true), cellTarget(m), cellStatus(m, false)})
	}
	if err := mdTable(&b, []string{"Metric", "Baseline", "Current", "Change", "Target", "Status"}, rows); err != nil {
		return nil, err
	}
	d.parts[partAllMetrics] = b.String()

	b.Reset()
	b.WriteString("\nPer-run values of the gated metrics (each run's p95, median RSS or capacity; a run's median RSS with its 95 % interval when benchmath can give one):\n\n")
	for _, m := range g {
		fmt.Fprintf(&b, "- `%s`: baseline %s; current %s\n", m.Key, runValues(m.Baseline, m.Unit), runValues(m.Current, m.Unit))
	}
	d.parts[partPerRun] = b.String()

	b.Reset()
	if len(r.Benchmarks) > 0 {
		b.WriteString("\nBenchmarks of the current results (latencies pooled over runs):\n\n")
		rows = rows[:0]
		for _, bm := range r.Benchmarks {
			rows = append(rows, benchRow(bm, EscapeMarkdown))
		}
		if err := mdTable(&b, benchHeader, rows); err != nil {
			return nil, err
		}
		for _, bm := range r.Benchmarks {
			if len(bm.Extra) == 0 && len(bm.Errors) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n%s: ", EscapeMarkdown(bm.Key))
			b.WriteString(EscapeMarkdown(extraLine(bm)))
			b.WriteString("\n")
		}
	}
	d.parts[partBenchmarks] = b.String()

	b.Reset()
	b.WriteString("\n")
	rows = rows[:0]
	for _, e := range envRows(r) {
		rows = append(rows, []string{e[0], esc(e[1]), esc(e[2])})
	}
	if err := mdTable(&b, []string{"", "Baseline", "Current"}, rows); err != nil {
		return nil, err
	}
	d.parts[partEnvironment] = b.String()
	return d, nil
}

// write writes the parts k keeps, in the report's order. The <details>
// section is written when it keeps a part.
func (d *mdDoc) write(b *bytes.Buffer, k mdKeep) {
	b.WriteString(d.head)
	b.WriteString(d.headline)
	if n := min(k.warnings, len(d.warnings)); n > 0 {
		b.WriteString("\n**Warnings**\n\n")
		for _, w := range d.warnings[:n] {
			b.WriteString(w)
		}
	}
	part := func(p mdPart) string {
		if k.drop[p] {
			return ""
		}
		return d.parts[p]
	}
	b.WriteString(part(partFootnote))
	b.WriteString(part(partCharts))
	inner := part(partAllMetrics) + part(partPerRun) + part(partBenchmarks) + part(partEnvironment)
	if inner != "" {
		b.WriteString("\n<details><summary>All metrics and benchmarks</summary>\n\n")
		b.WriteString(inner)
		b.WriteString("\n</details>\n")
	}
}

// runValues lists a side's per-run values.
func runValues(v *check.SideValue, unit string) string {
	if v == nil {
		return "–"
	}
	parts := make([]string, len(v.RunValues))
	for i, x := range v.RunValues {
		parts[i] = check.FormatValue(x, unit)
		if i < len(v.RunLo) && i < len(v.RunHi) && (v.RunLo[i] != x || v.RunHi[i] != x) {
			parts[i] += fmt.Sprintf(" (%s–%s)", check.FormatValue(v.RunLo[i], unit), check.FormatValue(v.RunHi[i], unit))
		}
	}
	return strings.Join(parts, ", ")
}

func pctLevel(c float64) string { return check.FormatFloat(c*100, 1) + " %" }

func mdTable(w io.Writer, header []string, rows [][]string) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
	)
	t.Header(anySlice(header)...)
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return fmt.Errorf("rendering a table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("rendering a table: %w", err)
	}
	return nil
}

func anySlice(s []string) []any {
	a := make([]any, len(s))
	for i, v := range s {
		a[i] = v
	}
	return a
}

var benchHeader = []string{"Benchmark", "Runs ok", "Ops", "Ops/s", "p50", "p95", "p99", "Max", "Samples", "Failures"}

func benchRow(bm check.BenchmarkRow, esc func(string) string) []string {
	lat := func(v float64) string {
		if v == 0 {
			return "–"
		}
		return check.FormatValue(v, results.UnitSeconds)
	}
	return []string{esc(bm.Name), fmt.Sprintf("%d/%d", bm.Succeeded, bm.Runs), fmt.Sprint(bm.Operations), check.FormatFloat(bm.OpsPerSec, 2),
		lat(bm.P50S), lat(bm.P95S), lat(bm.P99S), lat(bm.MaxS), fmt.Sprint(bm.Samples), fmt.Sprint(bm.Failures)}
}

// extraLine lists a benchmark's errors and additional metrics.
func extraLine(bm check.BenchmarkRow) string {
	var parts []string
	for _, e := range bm.Errors {
		parts = append(parts, "error: "+e)
	}
	keys := make([]string, 0, len(bm.Extra))
	for k := range bm.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := bm.Extra[k]
		if u := results.UnitOfExtra(k); u != "" {
			parts = append(parts, k+" "+check.FormatValue(v, u))
		} else {
			parts = append(parts, k+" "+trimG(v))
		}
	}
	return strings.Join(parts, ", ")
}

func trimG(v float64) string { return fmt.Sprintf("%.6g", v) }

// envRows compares the two sides' provenance and environment.
func envRows(r *check.Report) [][3]string {
	var b check.SideInfo
	if r.Baseline != nil {
		b = *r.Baseline
	}
	c := r.Current
	date := func(s check.SideInfo) string {
		if s.CreatedAt == nil {
			return ""
		}
		return s.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	rows := [][3]string{
		{"File", b.Path, c.Path},
		{"Suite / source", joinNonEmpty(b.Suite, b.Source), joinNonEmpty(c.Suite, c.Source)},
		{"Runs", runsStr(r.Baseline), fmt.Sprint(c.Runs)},
		{"Commit", joinNonEmpty(b.Commit, b.Ref), joinNonEmpty(c.Commit, c.Ref)},
		{"Date", date(b), date(c)},
		{"CPU", cores(b.Environment), cores(c.Environment)},
		{"OS/arch", b.Environment.OSArch(), c.Environment.OSArch()},
		{"tor", b.Environment.TorVersion, c.Environment.TorVersion},
		{"Client", joinNonEmpty(b.Environment.ClientName, b.Environment.ClientVersion), joinNonEmpty(c.Environment.ClientName, c.Environment.ClientVersion)},
		{"Go", b.Environment.GoVersion, c.Environment.GoVersion},
		{"Runner", joinNonEmpty(b.Environment.RunnerName, b.Environment.RunnerOS), joinNonEmpty(c.Environment.RunnerName, c.Environment.RunnerOS)},
	}
	out := rows[:0]
	for _, row := range rows {
		if row[1] == "" && row[2] == "" {
			continue
		}
		for i := 1; i < 3; i++ {
			if row[i] == "" {
				row[i] = "–"
			}
		}
		out = append(out, row)
	}
	return out
}

func runsStr(s *check.SideInfo) string {
	if s == nil {
		return ""
	}
	return fmt.Sprint(s.Runs)
}

func cores(e results.Environment) string {
	if e.Cores == 0 {
		return e.CPUModel
	}
	return strings.TrimSpace(fmt.Sprintf("%s (%d cores)", e.CPUModel, e.Cores))
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
