package history

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// gitRepo is a git repository in a temporary directory, isolated from the
// user's and the system's configuration.
type gitRepo struct {
	t   *testing.T
	dir string
	env []string
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	g := &gitRepo{t: t, dir: dir, env: append(os.Environ(),
		"GIT_CONFIG_GLOBAL="+filepath.Join(dir, ".no-gitconfig"), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
		"GIT_AUTHOR_NAME=perfgate", "GIT_AUTHOR_EMAIL=perfgate@example.invalid",
		"GIT_COMMITTER_NAME=perfgate", "GIT_COMMITTER_EMAIL=perfgate@example.invalid", "LC_ALL=C")}
	g.run("init", "-q")
	g.run("checkout", "-q", "-b", "main")
	g.run("config", "commit.gpgsign", "false")
	return g
}

// git runs git in the repository and returns its output and error.
func (g *gitRepo) git(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	cmd.Env = g.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (g *gitRepo) run(args ...string) string {
	g.t.Helper()
	out, err := g.git(args...)
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// record appends the entry of commit number i to the history file, as the
// baseline job does, and commits the file.
func (g *gitRepo) record(path string, i, max int, networks ...int) {
	g.t.Helper()
	h, err := Read(path)
	if err != nil {
		g.t.Fatal(err)
	}
	h.Append(entryOf(g.t, i, 1, networks...), max)
	if err := Write(path, h); err != nil {
		g.t.Fatal(err)
	}
	g.run("add", "-A")
	g.run("commit", "-q", "-m", "history: "+commitOf(i)[:7])
}

// TestGitMerge makes two branches that each append one entry to the
// history, as two baseline jobs would, and merges them with git.
func TestGitMerge(t *testing.T) {
	for _, c := range []struct {
		name  string
		union bool // .gitattributes has the union merge line
		base  int  // entries on main before the branches
		max   int  // Append's bound
		how   string
	}{
		{name: "union merge", union: true, base: 6, max: DefaultMax, how: "merge"},
		{name: "union merge at the bound", union: true, base: 8, max: 8, how: "merge"},
		{name: "union rebase", union: true, base: 6, max: DefaultMax, how: "rebase"},
		{name: "union merge of a first entry each", union: true, base: 0, max: DefaultMax, how: "merge"},
		{name: "no attribute: conflict, healed by the next write", base: 6, max: DefaultMax, how: "merge"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newGitRepo(t)
			path := filepath.Join(g.dir, DefaultPath)
			if c.union {
				added, err := EnsureUnionMerge(g.dir, path)
				if err != nil || !added {
					t.Fatalf("EnsureUnionMerge: %v, %v", added, err)
				}
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(g.dir, "README"), []byte("a project\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			for i := range c.base {
				g.record(path, i, c.max, 1+i%8, 1+(i+3)%8, 1+(i+5)%8)
			}
			if c.base == 0 {
				g.run("add", "-A")
				g.run("commit", "-q", "-m", "start")
			}
			g.run("checkout", "-q", "-b", "a")
			g.record(path, c.base, c.max, 1, 2, 3)
			g.run("checkout", "-q", "main")
			g.run("checkout", "-q", "-b", "b")
			g.record(path, c.base+1, c.max, 4, 5, 6)

			var out string
			var err error
			if c.how == "rebase" {
				out, err = g.git("rebase", "a")
			} else {
				g.run("checkout", "-q", "a")
				out, err = g.git("merge", "--no-edit", "b")
			}
			want := []string{commitOf(c.base), commitOf(c.base + 1)}
			if !c.union {
				// Both sides add a line at the end of the file: a line-based
				// merge cannot order them, whatever the lines say.
				if err == nil {
					t.Fatalf("merged without the union attribute; the documentation says it conflicts:\n%s", out)
				}
				t.Logf("without merge=union, git merge says:\n%s", out)
				g.run("add", "-A")
				g.run("commit", "-q", "--no-edit")
				h, rerr := Read(path)
				if h == nil {
					t.Fatal(rerr)
				}
				var le *LineError
				if !errors.As(rerr, &le) || !strings.Contains(rerr.Error(), "git conflict marker") || len(h.Invalid) != 3 {
					t.Fatalf("the committed conflict: %d invalid lines, error %v", len(h.Invalid), rerr)
				}
				if got := commitsOf(h); !slices.Contains(got, want[0]) || !slices.Contains(got, want[1]) || len(got) != c.base+2 {
					t.Fatalf("conflicted file holds %d entries, want %d with both branches'", len(got), c.base+2)
				}
				if err := Write(path, h); err != nil {
					t.Fatal(err)
				}
				if h2, err := Read(path); err != nil || len(h2.Entries) != c.base+2 {
					t.Fatalf("after the next write: %d entries, %v", len(h2.Entries), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("git %s conflicts: %v\n%s", c.how, err, out)
			}
			if st := g.run("status", "--porcelain"); st != "" {
				t.Fatalf("work tree not clean after the %s:\n%s", c.how, st)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "<<<<<<<") {
				t.Fatalf("conflict markers in the merged file:\n%s", data)
			}
			h, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			got := commitsOf(h)
			wantN := min(c.base, c.max-1) + 2 // each side dropped the same oldest entry
			if len(got) != wantN || !slices.Contains(got, want[0]) || !slices.Contains(got, want[1]) {
				t.Fatalf("merged history has %d entries %v, want %d with %v", len(got), got, wantN, want)
			}
			// The next job's write bounds it again and restores the order.
			g.record(path, c.base+2, c.max, 7, 8, 1)
			h, err = Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(h.Entries); n != min(wantN+1, c.max) {
				t.Fatalf("after the next write: %d entries, want %d", n, min(wantN+1, c.max))
			}
			if h.Entries[len(h.Entries)-1].Commit != commitOf(c.base+2) {
				t.Fatal("the newest entry is not last")
			}
		})
	}
}
