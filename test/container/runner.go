package container

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// runnerUID is the uid that owns the workspace on GitHub's hosted runners
// (user "runner"); the container itself runs as root, so git inside it
// sees a repository owned by somebody else ("dubious ownership").
const runnerUID = 1001

// actionInputs reads action.yml's inputs and their defaults, with the
// runner's expressions the defaults may use evaluated: ${{ github.token }}
// becomes token. Any other expression is an error, so that a new one gets
// a decision here rather than reaching the container verbatim.
func actionInputs(path, token string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a struct {
		Runs struct {
			Using      string   `yaml:"using"`
			Image      string   `yaml:"image"`
			Entrypoint string   `yaml:"entrypoint"`
			Args       []string `yaml:"args"`
		} `yaml:"runs"`
		Inputs map[string]struct {
			Default *string `yaml:"default"`
		} `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if a.Runs.Using != "docker" || a.Runs.Image != "Dockerfile" {
		return nil, fmt.Errorf("%s: runs.using %q, runs.image %q: the container test knows a Docker action built from Dockerfile", path, a.Runs.Using, a.Runs.Image)
	}
	if a.Runs.Entrypoint != "" || len(a.Runs.Args) > 0 {
		return nil, fmt.Errorf("%s: runs.entrypoint/args are set: the container test runs the image's own ENTRYPOINT; teach it the override", path)
	}
	expr := regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	in := map[string]string{}
	for name, i := range a.Inputs {
		if i.Default == nil {
			continue
		}
		var bad error
		v := expr.ReplaceAllStringFunc(*i.Default, func(m string) string {
			switch e := expr.FindStringSubmatch(m)[1]; e {
			case "github.token":
				return token
			default:
				bad = fmt.Errorf("%s: input %s: default uses ${{ %s }}, which the container test does not evaluate", path, name, e)
				return m
			}
		})
		if bad != nil {
			return nil, bad
		}
		in[name] = v
	}
	return in, nil
}

// inputEnv is the runner's name for an input's variable: INPUT_ and the
// name in upper case with spaces as underscores (hyphens are kept).
func inputEnv(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))
}

// A runnerJob is one job of GitHub's runner around one step that uses the
// action: the host directories the runner mounts into the container and
// the environment it passes.
type runnerJob struct {
	dir       string // host directory holding the four below
	home      string // /github/home
	workflow  string // /github/workflow (the event payload)
	files     string // /github/file_commands (outputs, summary, env, path, state)
	workspace string // /github/workspace
	env       map[string]string
}

// Container paths of the runner's mounts.
const (
	ctrHome      = "/github/home"
	ctrWorkflow  = "/github/workflow"
	ctrFiles     = "/github/file_commands"
	ctrWorkspace = "/github/workspace"
)

// newRunnerJob lays out the runner's directories under dir for one run.
func newRunnerJob(dir string) (*runnerJob, error) {
	j := &runnerJob{
		dir:       dir,
		home:      filepath.Join(dir, "_github_home"),
		workflow:  filepath.Join(dir, "_github_workflow"),
		files:     filepath.Join(dir, "_runner_file_commands"),
		workspace: filepath.Join(dir, "workspace"),
		env:       map[string]string{},
	}
	for _, d := range []string{j.home, j.workflow, j.files} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// fileCommand creates one of the runner's file-command files (empty, owned
// by the runner's uid) and returns its path inside the container.
func (j *runnerJob) fileCommand(kind string) (string, error) {
	name := fmt.Sprintf("%s_%d", kind, time.Now().UnixNano())
	p := filepath.Join(j.files, name)
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		return "", err
	}
	return ctrFiles + "/" + name, os.Chown(p, runnerUID, runnerUID)
}

// hostPath maps a path inside the container to the host, for the runner's
// mounts; ok is false for any other path.
func (j *runnerJob) hostPath(p string) (string, bool) {
	for ctr, host := range map[string]string{ctrHome: j.home, ctrWorkflow: j.workflow, ctrFiles: j.files, ctrWorkspace: j.workspace} {
		if p == ctr || strings.HasPrefix(p, ctr+"/") {
			return host + strings.TrimPrefix(p, ctr), true
		}
	}
	return "", false
}

// mounts are the runner's -v options.
func (j *runnerJob) mounts() []string {
	return []string{
		"-v", j.home + ":" + ctrHome,
		"-v", j.workflow + ":" + ctrWorkflow,
		"-v", j.files + ":" + ctrFiles,
		"-v", j.workspace + ":" + ctrWorkspace,
	}
}

// envArgs are the runner's -e options, sorted.
func (j *runnerJob) envArgs() []string {
	keys := make([]string, 0, len(j.env))
	for k := range j.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, "--env", k+"="+j.env[k])
	}
	return out
}

// chownWorkspace gives the workspace to the runner's uid, as on GitHub.
func (j *runnerJob) chownWorkspace() error {
	return filepath.Walk(j.workspace, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, runnerUID, runnerUID)
	})
}

// readFileCommand parses a file-command file (GITHUB_OUTPUT's format:
// "name=value" lines and "name<<DELIM … DELIM" blocks).
func readFileCommand(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var val []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				val = append(val, sc.Text())
			}
			if !closed {
				return nil, fmt.Errorf("%s: %s<<%s is never closed", path, name, delim)
			}
			out[name] = strings.Join(val, "\n")
			continue
		}
		name, val, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s: line %q is neither name=value nor name<<DELIM", path, line)
		}
		out[name] = val
	}
	return out, sc.Err()
}

// pullRequestEvent is a pull_request ("synchronize") payload as GitHub
// sends it, trimmed to the fields a consumer may read.
func pullRequestEvent(owner, repo string, number int, base, head, serverURL, apiURL string) ([]byte, error) {
	full := owner + "/" + repo
	repoObj := map[string]any{
		"id": 424242, "name": repo, "full_name": full, "private": false, "default_branch": "main",
		"owner":    map[string]any{"login": owner, "id": 4242, "type": "Organization"},
		"html_url": serverURL + "/" + full, "url": apiURL + "/repos/" + full, "fork": false,
	}
	return json.MarshalIndent(map[string]any{
		"action": "synchronize",
		"number": number,
		"before": base,
		"after":  head,
		"pull_request": map[string]any{
			"id": 99000 + number, "number": number, "state": "open", "title": "Make circuits faster", "draft": false,
			"html_url": fmt.Sprintf("%s/%s/pull/%d", serverURL, full, number),
			"url":      fmt.Sprintf("%s/repos/%s/pulls/%d", apiURL, full, number),
			"user":     map[string]any{"login": "contributor", "id": 777, "type": "User"},
			"head":     map[string]any{"ref": "feature", "sha": head, "label": owner + ":feature", "repo": repoObj},
			"base":     map[string]any{"ref": "main", "sha": base, "label": owner + ":main", "repo": repoObj},
		},
		"repository": repoObj,
		"sender":     map[string]any{"login": "contributor", "id": 777, "type": "User"},
	}, "", "  ")
}
