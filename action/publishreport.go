package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/report"
	"github.com/perfgate/perfgate/results"
)

// publishReport writes the report files, the summary and the outputs,
// publishes the comment and status, and returns the exit error.
func (a *step) publishReport(ctx context.Context, pr *PullRequest, rep *check.Report, resPath string, changed, loadNotes []string) error {
	var notes []string
	if len(changed) > 0 {
		notes = append(notes, fmt.Sprintf("⚠️ This pull request changes %s (%s). It was compared with the baseline as it is on the base commit %s, not with its own; the new baseline takes effect once merged.",
			baselinesDir, strings.Join(changed, ", "), short.Commit(pr.BaseSHA)))
	}
	if pr != nil && pr.Fork && a.in.Mode == "check" {
		notes = append(notes, "This pull request comes from a fork: its token is read-only, so the comment and status may be posted by the workflow_run reporter instead.")
	}
	if a.prov != nil {
		notes = append(a.prov.Notes(), notes...)
	}
	notes = append(notes, loadNotes...)
	rep.Notes = append(notes, rep.Notes...)
	// No trend in A/B mode: its runs share one network, not the
	// history's instrument.
	if pr != nil && a.in.BaselineClientCommand == "" {
		label := fmt.Sprintf("PR-%d", pr.Number)
		branch := pr.BaseRef
		if branch == "" {
			branch = "the base branch"
		}
		// The release comparison, if any, shares the one trend.
		rep.Trend = trend(a.baseHistory(ctx, pr), branch, label)
	}
	verdict, headline := a.verdict(rep)

	// The full report goes to report.md and stdout; the job summary and the
	// comment get as much of it as fits (limitedMarkdown).
	var banner string
	if a.prov != nil {
		banner = a.prov.Banner()
	}
	var md bytes.Buffer
	md.WriteString(banner)
	rel := a.release
	if rel != nil {
		md.WriteString(a.pairHead(rep, pr))
	}
	if err := report.WriteMarkdown(&md, rep); err != nil {
		return a.finishError(ctx, pr, fmt.Errorf("markdown report: %w", err))
	}
	if rel != nil {
		fmt.Fprintf(&md, "\n## %s\n\n", rel.heading())
		if err := report.WriteMarkdown(&md, rel.Report); err != nil {
			return a.finishError(ctx, pr, fmt.Errorf("markdown report: %w", err))
		}
	}
	// report.md is the full report, which the output report-markdown, the
	// summary and the comment point to: without it the step fails. The
	// machine-readable report.json is an extra, whose loss is a warning.
	mdPath := filepath.Join(a.workspace, outDir, "report.md")
	if err := results.WriteFileAtomic(mdPath, md.Bytes(), 0o644); err != nil {
		return a.finishError(ctx, pr, fmt.Errorf("report: %w", err))
	}
	a.writeJSONReport(rep, "report.json")
	if rel != nil {
		a.writeJSONReport(rel.Report, "report-release.json")
	}
	a.r.Summary(a.reportMarkdown(banner, rep, pr, maxSummaryReport, a.artifactWhere(mdPath)))
	state := "success"
	switch verdict {
	case check.VerdictError:
		state = "error"
	case check.VerdictRegression:
		state = "failure"
	}
	description := headline
	if a.prov != nil {
		state, description = a.prov.Status(state, description)
	}
	out := string(verdict)
	if a.prov != nil && !a.prov.Trusted() {
		out = string(check.VerdictError)
	}
	a.output("verdict", out)
	a.output("regressed", fmt.Sprint(verdict == check.VerdictRegression))
	a.output("report-markdown", a.rel(mdPath))
	a.output("results-json", a.rel(resPath))
	a.annotate(rep, "")
	if rel != nil {
		a.annotate(rel.Report, " vs release "+rel.Tag)
	}
	if _, err := io.WriteString(a.o.Stdout, md.String()); err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("the report was not printed to standard output (it is in %s): %v", a.rel(mdPath), err))
	}

	url, pubErr := a.publish(ctx, pr, banner, rep, mdPath, state, description)
	a.output("comment-url", url)

	switch {
	case a.prov != nil && !a.prov.Trusted():
		return errors.Join(fmt.Errorf("mode report: the results are not trusted: %s; a maintainer must review the pull request and its run", a.prov.Reason()), pubErr)
	case verdict == check.VerdictError:
		return fmt.Errorf("the comparison could not decide: %s", headline)
	case verdict == check.VerdictRegression && a.in.FailOnRegression:
		return fmt.Errorf("%w: %s", check.ErrRegression, headline)
	case verdict == check.VerdictRegression:
		a.r.Warning("perfgate", "regression, but fail-on-regression is false: "+headline)
	}
	return pubErr
}

// annotate emits an annotation per failing gated metric and per warning
// (the runner bounds their number); suffix follows each metric's title
// (the release comparison's " vs release v1.2.0").
func (a *step) annotate(rep *check.Report, suffix string) {
	for _, m := range rep.Metrics {
		if !m.Gated {
			continue
		}
		switch m.Status {
		case check.StatusRegressed, check.StatusTargetMissed, check.StatusError:
			msg := strings.ReplaceAll(string(m.Status), "_", " ")
			if m.Reason != "" {
				msg += ": " + m.Reason
			}
			a.r.Error(m.Label+suffix, msg)
		}
	}
	for _, w := range rep.Warnings {
		a.r.Warning("perfgate", w)
	}
}

// publish posts the comment and the status of a pull request. The comment
// is banner and the report, shortened to what GitHub takes with the
// publisher's marker and the footer, and names where the full one is (the
// job summary and mdPath). Refusals (403/404: a fork, a missing
// permissions block) become warnings; any other failure is returned after
// both were tried.
func (a *step) publish(ctx context.Context, pr *PullRequest, banner string, rep *check.Report, mdPath, state, description string) (commentURL string, err error) {
	if pr == nil {
		return "", nil
	}
	if a.gh == nil {
		a.r.Warning("perfgate", "no github-token: the report is in the job summary only")
		return "", nil
	}
	p := &Publisher{API: a.gh, Repo: a.ev.Repo, Context: a.in.StatusContext}
	var errs []error
	refused := func(err error) {
		a.r.Warning("perfgate: GitHub refused", err.Error())
		// Cut, so that these lines stay within the job summary's margin.
		a.r.Summary(fmt.Sprintf("> [!WARNING]\n> perfgate could not post to the pull request: %s\n", mdLine(short.Line(err.Error(), maxRefusalChars))))
	}
	if a.in.Comment {
		footer := ""
		if u := a.runURL(); u != "" {
			footer = fmt.Sprintf("\n<sub>perfgate · [workflow run](%s) · commit %s</sub>\n", u, short.Commit(pr.HeadSHA))
		}
		room := report.MaxCommentBytes - p.CommentOverhead() - len(footer)
		markdown := a.reportMarkdown(banner, rep, pr, room, "the job summary and "+a.artifactWhere(mdPath))
		url, err := p.UpsertComment(ctx, pr.Number, markdown+footer)
		switch {
		case err == nil:
			commentURL = url
			a.r.Infof("perfgate: comment %s", url)
		case IsPermission(err):
			refused(err)
		default:
			errs = append(errs, err)
		}
	}
	if err := p.SetStatus(ctx, pr.HeadSHA, state, description, a.runURL()); err != nil {
		if IsPermission(err) {
			refused(err)
		} else {
			errs = append(errs, err)
		}
	}
	return commentURL, errors.Join(errs...)
}

// maxSummaryReport is the most of the job summary (GitHub takes 1 MiB a
// step) the report may take: the rest is room for what the action adds
// after it, the line break after each part and at most two refusals of
// maxRefusalChars (publish), with a wide margin.
const maxSummaryReport = report.MaxSummaryBytes - 16<<10

// maxRefusalChars bounds GitHub's message in the job summary's warning
// that a post was refused (the log has it whole).
const maxRefusalChars = 1000

// limitedMarkdown is head and then the report, within max bytes in all:
// report.WriteMarkdownLimit leaves out whole parts and ends with a line
// that names where the full report is (where, written as given). Should the
// report not fit even so, it is a short note with the verdict instead.
func (a *step) limitedMarkdown(head string, rep *check.Report, max int, where string) string {
	var b strings.Builder
	b.WriteString(head)
	err := report.WriteMarkdownLimit(&b, rep, report.MarkdownLimit{MaxBytes: max - len(head), FullReport: where})
	if err == nil {
		return b.String()
	}
	a.r.Warning("perfgate", fmt.Sprintf("the report does not fit in %d bytes: %v", max, err))
	return fmt.Sprintf("## perfgate: %s\n\n%s\n\nThe report does not fit here; the full report is in %s.\n",
		rep.Verdict, mdLine(rep.Headline()), where)
}

// artifactWhere names mdPath, the full markdown report, for the line that
// ends a shortened one: by its path in the workspace, and where it is kept
// after the job.
func (a *step) artifactWhere(mdPath string) string {
	return fmt.Sprintf("`%s` (output report-markdown; kept in the workflow's artifact where it uploads `%s/`)",
		mdCode(a.rel(mdPath)), outDir)
}

// runURL links a status to the run that made it (the reporter's triggering
// run in mode report).
func (a *step) runURL() string {
	if wr := a.ev.WorkflowRun; wr != nil && wr.HTMLURL != "" {
		return wr.HTMLURL
	}
	return a.ev.RunURL
}

// writeJSONReport writes rep as .perfgate/<name>; a failure is a warning.
func (a *step) writeJSONReport(rep *check.Report, name string) {
	var js bytes.Buffer
	if err := report.WriteJSON(&js, rep); err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("%s not written: the JSON report: %v", name, err))
	} else if err := results.WriteFileAtomic(filepath.Join(a.workspace, outDir, name), js.Bytes(), 0o644); err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("%s not written: %v", name, err))
	}
}

// verdict is the verdict and the headline of the step: rep's, or with
// compare-to both the worse of rep's and the release comparison's (an
// error, then a regression), the headline naming the release when it is
// the one that fails.
func (a *step) verdict(rep *check.Report) (check.Verdict, string) {
	rel := a.release
	if rel == nil || rel.Report == nil {
		return rep.Verdict, rep.Headline()
	}
	r := rel.Report
	rank := map[check.Verdict]int{check.VerdictPass: 0, check.VerdictRegression: 1, check.VerdictError: 2}
	switch {
	case rank[r.Verdict] > rank[rep.Verdict]:
		return r.Verdict, "release " + rel.Tag + ": " + r.Headline()
	case r.Verdict != check.VerdictPass:
		return rep.Verdict, rep.Headline() + "; release " + rel.Tag + ": " + string(r.Verdict)
	}
	return rep.Verdict, rep.Headline()
}

// pairHead opens the report of compare-to both: the verdict of each
// comparison, then the base comparison's heading.
func (a *step) pairHead(rep *check.Report, pr *PullRequest) string {
	rel := a.release
	base := "the baseline in the workspace"
	if pr != nil {
		base = "the base commit " + short.Commit(pr.BaseSHA)
	}
	return fmt.Sprintf("**Two comparisons** (compare-to both): against %s: %s; against release %s: %s. The status fails when either does.\n\n## Against %s\n\n",
		base, rep.Verdict, report.EscapeMarkdown(rel.Tag), rel.Report.Verdict, base)
}

// reportMarkdown is limitedMarkdown of rep within max bytes, and with
// compare-to both, the release comparison after it, each under its
// heading: the release's within a third of max, the base's in the rest.
func (a *step) reportMarkdown(banner string, rep *check.Report, pr *PullRequest, max int, where string) string {
	rel := a.release
	if rel == nil || rel.Report == nil {
		return a.limitedMarkdown(banner, rep, max, where)
	}
	relMD := a.limitedMarkdown(fmt.Sprintf("\n## %s\n\n", rel.heading()), rel.Report, max/3, where)
	return a.limitedMarkdown(banner+a.pairHead(rep, pr), rep, max-len(relMD), where) + relMD
}
