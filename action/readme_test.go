package action_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite docs/action.md's table of inputs and outputs from action.yml")

const (
	tableStart = "<!-- action-table:start (made from action.yml: go test ./action -run TestReadme -update-readme) -->"
	tableEnd   = "<!-- action-table:end -->"
)

// actionYML is the part of action.yml the README documents.
type actionYML struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs  yaml.Node `yaml:"inputs"`
	Outputs yaml.Node `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Image string `yaml:"image"`
	} `yaml:"runs"`
}

type param struct {
	Name, Description, Default string
	Required                   bool
}

// params reads a mapping of inputs or outputs in file order.
func params(t *testing.T, n yaml.Node) []param {
	t.Helper()
	var out []param
	for i := 0; i+1 < len(n.Content); i += 2 {
		var p struct {
			Description string `yaml:"description"`
			Default     string `yaml:"default"`
			Required    bool   `yaml:"required"`
		}
		if err := n.Content[i+1].Decode(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, param{n.Content[i].Value, strings.TrimSpace(p.Description), p.Default, p.Required})
	}
	return out
}

func readActionYML(t *testing.T) (actionYML, []param, []param) {
	t.Helper()
	data, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionYML
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a, params(t, a.Inputs), params(t, a.Outputs)
}

func cell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}

// table renders the inputs and outputs as README.md shows them.
func table(in, out []param) string {
	var b strings.Builder
	b.WriteString("| input | description | default |\n| --- | --- | --- |\n")
	for _, p := range in {
		def := "(none)"
		if p.Default != "" {
			def = "`" + p.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", p.Name, cell(p.Description), def)
	}
	b.WriteString("\n| output | description |\n| --- | --- |\n")
	for _, p := range out {
		fmt.Fprintf(&b, "| `%s` | %s |\n", p.Name, cell(p.Description))
	}
	return b.String()
}

func TestActionYML(t *testing.T) {
	a, in, out := readActionYML(t)
	if a.Runs.Using != "docker" || a.Runs.Image != "Dockerfile" || a.Branding.Icon == "" || a.Branding.Color == "" || a.Description == "" {
		t.Errorf("action.yml: runs %+v, branding %+v", a.Runs, a.Branding)
	}
	var names []string
	for _, p := range in {
		names = append(names, p.Name)
		if p.Description == "" {
			t.Errorf("input %s has no description", p.Name)
		}
		if p.Required {
			t.Errorf("input %s is required; every input has a default", p.Name)
		}
	}
	want := "mode results baseline config client-command baseline-client-command runs max-runs time-budget quick github-token comment status-context fail-on-regression history compare-to shard"
	if strings.Join(names, " ") != want {
		t.Errorf("inputs %v, want %s", names, want)
	}
	defaults := map[string]string{"mode": "check", "baseline": "baselines/default.json", "runs": "5", "max-runs": "", "time-budget": "8m", "baseline-client-command": "", "quick": "false",
		"github-token": "${{ github.token }}", "comment": "true", "status-context": "perfgate", "fail-on-regression": "true",
		"history": "baselines/history.jsonl", "compare-to": "base", "shard": ""}
	for _, p := range in {
		if d, ok := defaults[p.Name]; ok && p.Default != d {
			t.Errorf("input %s defaults to %q, want %q", p.Name, p.Default, d)
		}
	}
	names = nil
	for _, p := range out {
		names = append(names, p.Name)
		if p.Description == "" {
			t.Errorf("output %s has no description", p.Name)
		}
	}
	if got := strings.Join(names, " "); got != "verdict regressed report-markdown results-json comment-url baseline-path shard history-path change-points" {
		t.Errorf("outputs %s", got)
	}
}

// TestReadme checks that README.md documents every input and output exactly
// as action.yml does.
func TestReadme(t *testing.T) {
	_, in, out := readActionYML(t)
	want := table(in, out)
	data, err := os.ReadFile("../docs/action.md")
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(data, []byte(tableStart)), bytes.Index(data, []byte(tableEnd))
	if i < 0 || j < i {
		t.Fatalf("docs/action.md lacks the markers %q … %q", tableStart, tableEnd)
	}
	got := string(data[i+len(tableStart) : j])
	if *updateReadme {
		var b bytes.Buffer
		b.Write(data[:i+len(tableStart)])
		b.WriteString("\n" + want)
		b.Write(data[j:])
		if err := os.WriteFile("../docs/action.md", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("docs/action.md's table differs from action.yml (go test ./action -run TestReadme -update-readme):\n got:\n%s\nwant:\n%s", got, want)
	}
}
