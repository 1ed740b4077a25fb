package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/perfgate/perfgate/internal/short"
)

// isActionRepo reports whether the repository is itself an action at the
// base commit (action.yml or action.yaml at its root), whose workflows
// may run it with uses: ./ and so run the pull request's own action. When
// it cannot tell, it says yes.
func (a *step) isActionRepo(ctx context.Context, pr *PullRequest) bool {
	for _, f := range []string{"action.yml", "action.yaml"} {
		_, found, _, err := a.fileAtBase(ctx, pr, f)
		if err != nil {
			a.r.Warning("perfgate", fmt.Sprintf("cannot tell whether the repository is an action: %v", err))
			return true
		}
		if found {
			return true
		}
	}
	return false
}

// changedBaselines lists the files under baselines/ that the pull request
// changes, through the API; it warns and returns nil when it cannot tell.
func (a *step) changedBaselines(ctx context.Context, pr *PullRequest) []string {
	if a.gh == nil {
		return nil
	}
	dir := a.baselineDir()
	files, err := ChangedUnder(ctx, a.gh, a.ev.Repo, pr.Number, dir)
	if err != nil {
		a.r.Warning("perfgate", fmt.Sprintf("cannot tell whether the pull request changes %s: %v", dir, err))
		return nil
	}
	return files
}

// baselineDir is the directory of the baseline input whose change by a
// pull request the report calls out.
func (a *step) baselineDir() string {
	if d := path.Dir(filepath.ToSlash(a.in.Baseline)); d != "." && !strings.HasPrefix(d, "..") && !filepath.IsAbs(a.in.Baseline) {
		return d + "/"
	}
	return baselinesDir
}

// fileAtBase reads a repository file as it is on the pull request's base
// commit (fileAt).
func (a *step) fileAtBase(ctx context.Context, pr *PullRequest, p string) (data []byte, found bool, from string, err error) {
	return a.fileAt(ctx, pr.BaseSHA, p)
}

// fileAt reads a repository file as it is on commit: from git when the
// workspace has that commit, else through the contents API. found is false
// when the file does not exist there.
func (a *step) fileAt(ctx context.Context, commit, p string) (data []byte, found bool, from string, err error) {
	rp := filepath.ToSlash(filepath.Clean(p))
	if filepath.IsAbs(p) || strings.HasPrefix(rp, "../") {
		return nil, false, "", fmt.Errorf("%s is outside the repository: the baseline must be a repository path", p)
	}
	if data, found, ok := gitShow(ctx, a.workspace, commit, rp); ok {
		return data, found, "git", nil
	}
	if a.gh == nil {
		return nil, false, "", fmt.Errorf("cannot read %s at the commit %s: the workspace lacks the commit and there is no github-token", rp, short.Commit(commit))
	}
	data, err = a.gh.GetFile(ctx, a.ev.Repo, rp, commit)
	if errors.Is(err, ErrNotFound) {
		return nil, false, "the contents API", nil
	}
	if err != nil {
		return nil, false, "", err
	}
	return data, true, "the contents API", nil
}

// gitShow reads path at commit from the git repository of dir. ok is
// false when git cannot answer (no git, no repository, or a shallow clone
// without the commit); found is false when the commit lacks the file.
// safe.directory is set on the command line: in the container the
// workspace belongs to the runner's user, and git refuses such a
// repository as of "dubious ownership" otherwise.
func gitShow(ctx context.Context, dir, commit, path string) (data []byte, found, ok bool) {
	if commit == "" || strings.ContainsAny(commit, " :^~") {
		return nil, false, false
	}
	git := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "safe.directory=*", "-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
		var out bytes.Buffer
		cmd.Stdout = &out
		err := cmd.Run()
		return out.Bytes(), err
	}
	if _, err := git("cat-file", "-e", commit+"^{commit}"); err != nil {
		return nil, false, false
	}
	if _, err := git("cat-file", "-e", commit+":"+path); err != nil {
		return nil, false, true
	}
	out, err := git("cat-file", "blob", commit+":"+path)
	if err != nil {
		return nil, false, false
	}
	return out, true, true
}
