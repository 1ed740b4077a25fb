package action

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// maxErrorBytes bounds the error finishError puts in the job summary and
// report.md (the log has it whole).
const maxErrorBytes = 64 << 10

// finishError reports an error that prevented a verdict: outputs, summary,
// an error status on the pull request; it returns err for exit code 2.
func (a *step) finishError(ctx context.Context, pr *PullRequest, err error) error {
	a.output("verdict", string(check.VerdictError))
	a.output("regressed", "false")
	msg := err.Error()
	if len(msg) > maxErrorBytes {
		msg = strings.ToValidUTF8(msg[:maxErrorBytes], "") + "\n… (cut: the whole error is in the log)"
	}
	md := fmt.Sprintf("## perfgate: error\n\nperfgate could not reach a verdict:\n\n```\n%s\n```\n", strings.ReplaceAll(msg, "```", "'''"))
	mdPath := filepath.Join(a.workspace, outDir, "report.md")
	if werr := results.WriteFileAtomic(mdPath, []byte(md), 0o644); werr != nil {
		a.r.Warning("perfgate", fmt.Sprintf("report.md not written (the error is in the log and the job summary): %v", werr))
	} else {
		a.output("report-markdown", a.rel(mdPath))
	}
	a.r.Summary(md)
	if pr != nil && a.gh != nil {
		p := &Publisher{API: a.gh, Repo: a.ev.Repo, Context: a.in.StatusContext}
		if serr := p.SetStatus(ctx, pr.HeadSHA, "error", "error: "+err.Error(), a.runURL()); serr != nil {
			a.r.Warning("perfgate: GitHub refused", serr.Error())
		}
	}
	return err
}

// mdCode makes s safe inside a markdown code span.
func mdCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

// mdLine makes s one line of plain markdown text: no HTML, no mentions.
func mdLine(s string) string {
	r := strings.NewReplacer("\n", " ", "<", "&lt;", ">", "&gt;", "@", "@\u200b", "|", "\\|", "`", "'")
	return r.Replace(s)
}
