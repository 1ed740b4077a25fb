package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
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
	if r.Paired {
		d.parts[partFootnote] = fmt.Sprintf("\n<sub>Change: each runner's head/base, their geometric mean over the shards − 1, with its %s confidence interval and the p-value of Student's t over the shards' log-ratios%s, Holm-adjusted over the gated metrics. %s</sub>\n",
			pctLevel(r.Confidence), esc(testsUsed(r)), memoryUnitNote)
	}

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
