package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
)

// Size limits of the places a markdown report goes to, in bytes. A bound
// in bytes holds for GitHub's count in characters too (a character is at
// least one byte).
const (
	// MaxCommentBytes is the longest pull-request comment GitHub accepts
	// (65 536 characters).
	MaxCommentBytes = 65536
	// MaxSummaryBytes is the longest job summary of one step GitHub
	// accepts (1 MiB).
	MaxSummaryBytes = 1 << 20
	// MinMarkdownLimit is the smallest MarkdownLimit.MaxBytes
	// WriteMarkdownLimit accepts: room for the verdict, the headline table
	// and the line that says what was left out.
	MinMarkdownLimit = 8192
)

// clipChars is how long a text an input names (a note, a warning, a
// reason) may be once the whole parts are left out and the report still
// does not fit.
const clipChars = 300

// A MarkdownLimit bounds the size of a markdown report (WriteMarkdownLimit).
type MarkdownLimit struct {
	// MaxBytes is the longest report in bytes (0: no bound), e.g.
	// MaxCommentBytes less what the caller adds around the report.
	MaxBytes int
	// FullReport says where the full report is, for the line that ends a
	// shortened one, e.g. "the job summary and the perfgate artifact
	// (report.md)". It is written as given (markdown: it may hold a link),
	// never taken from an input. Empty: "the markdown file of the same
	// run".
	FullReport string
}

// WriteMarkdownLimit writes the report as WriteMarkdown does when that fits
// in lim.MaxBytes. Otherwise it leaves out whole parts, the least important
// first: the per-benchmark details, the environment, the charts, the
// per-run values, the table of all metrics, the note on the statistics,
// then the last warnings, one by one (an empty <details> goes with its
// parts). The verdict, the notes, the headline table and the reasons are
// always kept whole. Should they alone not fit, every text an input names
// (notes, comparison, reasons, warnings) is cut to a few hundred
// characters, and last the comparison and the notes go. Nothing is cut inside a table row, a code fence or <details>, and a
// shortened report ends with one visible line naming what was left out and
// where the full report is (lim.FullReport). It returns an error, and
// writes nothing, when lim.MaxBytes is under MinMarkdownLimit.
func WriteMarkdownLimit(w io.Writer, r *check.Report, lim MarkdownLimit) error {
	if lim.MaxBytes == 0 {
		return WriteMarkdown(w, r)
	}
	if lim.MaxBytes < MinMarkdownLimit {
		return fmt.Errorf("markdown limit of %d bytes: want at least %d", lim.MaxBytes, MinMarkdownLimit)
	}
	out, err := shortenMarkdown(r, lim)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// shortenMarkdown renders r within lim.MaxBytes (see WriteMarkdownLimit).
func shortenMarkdown(r *check.Report, lim MarkdownLimit) ([]byte, error) {
	d, err := newMDDoc(r, 0)
	if err != nil {
		return nil, err
	}
	all := mdKeep{warnings: len(d.warnings)}
	if out := d.render(all, nil, lim); len(out) <= lim.MaxBytes {
		return out, nil
	}
	if out, ok := d.fit(lim, ""); ok {
		return out, nil
	}
	// The parts an input cannot grow did not make room: cut its texts.
	if d, err = newMDDoc(r, clipChars); err != nil {
		return nil, err
	}
	if out, ok := d.fit(lim, fmt.Sprintf("the end of every note, reason and warning over %d characters", clipChars)); ok {
		return out, nil
	}
	// Last, of the head the verdict alone.
	d.head = strings.SplitAfter(d.head, "\n")[0] + "\n"
	if out, ok := d.fit(lim, fmt.Sprintf("the end of every reason and warning over %d characters, "+
		"the comparison and the notes", clipChars)); ok {
		return out, nil
	}
	return nil, errors.New("markdown limit: the verdict, the headline table and the line naming the full report do not fit; make FullReport shorter")
}

// fit leaves out parts of d, then its last warnings, until d fits in
// lim.MaxBytes with the line that says so (and names clipped, when not
// empty, as left out too); ok is false when the head and the headline
// alone do not fit.
func (d *mdDoc) fit(lim MarkdownLimit, clipped string) (out []byte, ok bool) {
	k := mdKeep{warnings: len(d.warnings)}
	var left []string
	for p := mdPart(0); p < nMDParts; p++ {
		if d.parts[p] == "" {
			continue
		}
		k.drop[p] = true
		left = append(left, mdPartNames[p])
		if out := d.render(k, append(left, clipped), lim); len(out) <= lim.MaxBytes {
			return out, true
		}
	}
	// The most warnings that fit: the size grows with their number.
	n := len(d.warnings)
	fits := func(i int) bool {
		k.warnings = i
		return len(d.render(k, append(left, warningsLeft(i, n), clipped), lim)) <= lim.MaxBytes
	}
	keep := sort.Search(n+1, func(i int) bool { return !fits(i) }) - 1
	if keep < 0 {
		return nil, false
	}
	k.warnings = keep
	return d.render(k, append(left, warningsLeft(keep, n), clipped), lim), true
}

// render writes the parts k keeps and, when left names what is left out,
// the line that says so.
func (d *mdDoc) render(k mdKeep, left []string, lim MarkdownLimit) []byte {
	var b bytes.Buffer
	d.write(&b, k)
	if strings.Join(left, "") != "" {
		b.WriteString(cutLine(lim, left))
	}
	return b.Bytes()
}

// warningsLeft names the warnings left out when keep of n are kept.
func warningsLeft(keep, n int) string {
	switch {
	case keep == n:
		return ""
	case keep == 0 && n == 1:
		return "the warning"
	case keep == 0:
		return fmt.Sprintf("the %d warnings", n)
	}
	return fmt.Sprintf("%d of the %d warnings", n-keep, n)
}

// cutLine is the visible line that ends a shortened report: a note block
// of its own, after everything else.
func cutLine(lim MarkdownLimit, left []string) string {
	var names []string
	for _, l := range left {
		if l != "" {
			names = append(names, l)
		}
	}
	where := lim.FullReport
	if where == "" {
		where = "the markdown file of the same run"
	}
	return fmt.Sprintf("\n> [!NOTE]\n> This report was shortened to fit %d bytes: left out %s. The full report is in %s.\n",
		lim.MaxBytes, joinAnd(names), short.Line(where, 201))
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
