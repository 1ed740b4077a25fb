package action_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// workflow is the part of a workflow file that uses the action.
type workflow struct {
	Jobs map[string]struct {
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// yamlBlock is a fenced YAML block of a markdown page.
var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// workflowsShown are the workflows a user copies: the repository's own and
// every YAML block of the README and docs/ that has jobs, by name.
func workflowsShown(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	files, err := filepath.Glob("../.github/workflows/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		out[f] = mustRead(t, f)
	}
	pages, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append([]string{"../README.md"}, pages...) {
		for i, m := range yamlBlock.FindAllSubmatch(mustRead(t, p), -1) {
			if strings.Contains(string(m[1]), "jobs:") {
				out[p+" block "+string(rune('1'+i))] = m[1]
			}
		}
	}
	return out
}

// TestWorkflowsUseTheAction checks every workflow shown against action.yml:
// each input given to the action exists, each output read exists, and a
// baseline job that keeps the history (the default) commits it too.
func TestWorkflowsUseTheAction(t *testing.T) {
	_, inputs, outputs := readActionYML(t)
	isInput, isOutput := map[string]bool{}, map[string]bool{}
	for _, p := range inputs {
		isInput[p.Name] = true
	}
	for _, p := range outputs {
		isOutput[p.Name] = true
	}
	shown := workflowsShown(t)
	if len(shown) < 8 {
		t.Fatalf("%d workflows found, want the 4 files and the README's blocks", len(shown))
	}
	for name, data := range shown {
		t.Run(name, func(t *testing.T) {
			var wf workflow
			if err := yaml.Unmarshal(data, &wf); err != nil {
				t.Fatalf("not YAML: %v", err)
			}
			for job, j := range wf.Jobs {
				for _, st := range j.Steps {
					if st.Uses != "./" && !strings.HasPrefix(st.Uses, "perfgate/perfgate@") {
						continue
					}
					for k := range st.With {
						if !isInput[k] {
							t.Errorf("job %s: input %q is not in action.yml", job, k)
						}
					}
					if st.ID != "" {
						for _, m := range regexp.MustCompile(`steps\.`+regexp.QuoteMeta(st.ID)+`\.outputs\.([\w-]+)`).FindAllStringSubmatch(string(data), -1) {
							if !isOutput[m[1]] {
								t.Errorf("job %s: output %q is not in action.yml", job, m[1])
							}
						}
					}
					if h, set := st.With["history"]; st.With["mode"] == "baseline" && (!set || h != "") &&
						!strings.Contains(string(data), "outputs.history-path") {
						t.Errorf("job %s: a baseline job keeps baselines/history.jsonl but does not commit it (output history-path)", job)
					}
				}
			}
		})
	}
}
