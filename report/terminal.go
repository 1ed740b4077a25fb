package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/perfgate/perfgate/check"
)

// ANSI colours of the terminal table's status column.
const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

// WriteTerminal renders the report as a table for the terminal: the
// verdict, the gated and reported metrics, reasons, notes and warnings.
// color adds ANSI colours; pass true only when writing to a TTY.
func WriteTerminal(w io.Writer, r *check.Report, color bool) error {
	var b bytes.Buffer
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	vcol := map[check.Verdict]string{check.VerdictPass: ansiGreen, check.VerdictRegression: ansiRed, check.VerdictError: ansiYellow}[r.Verdict]
	fmt.Fprintf(&b, "perfgate: %s\n", paint(ansiBold+vcol, sanitizeTerminal(verdictLine(r))))
	if r.Comparison != "" {
		fmt.Fprintf(&b, "comparison: %s\n", sanitizeTerminal(r.Comparison))
	}
	if r.Repetition != nil {
		fmt.Fprintf(&b, "adaptive repetition: %s\n", sanitizeTerminal(r.Repetition.String()))
	}
	if r.Instrument != "" {
		fmt.Fprintf(&b, "instrument: %s\n", sanitizeTerminal(r.Instrument))
	}
	if len(r.EnvironmentDiff) > 0 {
		fmt.Fprintf(&b, "%s the baseline ran in a different environment: %s\n",
			paint(ansiYellow, "WARNING:"), sanitizeTerminal(strings.Join(r.EnvironmentDiff, "; ")))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", sanitizeTerminal(n))
	}
	t := tablewriter.NewTable(&b,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	t.Header("Metric", "Baseline", "Current", "Change", "Target", "Status")
	g, other := gated(r)
	for _, m := range append(g, other...) {
		st := cellStatus(m, false)
		switch m.Status {
		case check.StatusRegressed, check.StatusTargetMissed:
			st = paint(ansiRed, st)
		case check.StatusImproved, check.StatusPass:
			st = paint(ansiGreen, st)
		case check.StatusError, check.StatusNoBaseline:
			st = paint(ansiYellow, st)
		}
		if err := t.Append([]string{m.Label, cellValue(m.Baseline, m.Unit), cellValue(m.Current, m.Unit),
			cellChange(m, false), cellTarget(m), st}); err != nil {
			return fmt.Errorf("rendering the terminal table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("rendering the terminal table: %w", err)
	}
	for _, m := range g {
		if m.Status != check.StatusPass && m.Status != check.StatusNoBaseline && m.Reason != "" {
			fmt.Fprintf(&b, "%s: %s\n", m.Key, sanitizeTerminal(m.Reason))
		}
		if m.Change != nil {
			fmt.Fprintf(&b, "  %s %s: %s\n", m.Key, "change", cellChange(m, true))
		}
	}
	if r.BaselineCommand != "" {
		fmt.Fprintf(&b, "No baseline yet. Create it with:\n  %s\n", sanitizeTerminal(r.BaselineCommand))
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "%s %s\n", paint(ansiYellow, "warning:"), sanitizeTerminal(w))
	}
	_, err := w.Write(b.Bytes())
	return err
}
