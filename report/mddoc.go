package report

import "bytes"

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
