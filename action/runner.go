package action

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"
)

// MaxAnnotations bounds the ::error and ::warning annotations of one run,
// each; GitHub shows no more than 10 of each per step anyway.
const MaxAnnotations = 10

// A Runner is the Action's side of the runner: inputs, outputs, the job
// summary, masks, logs and annotations. Writing an output or the summary
// where the runner gave no file (a local run) is skipped, not a panic.
type Runner struct {
	gha    *githubactions.Action
	getenv func(string) string
	w      io.Writer
	errors int
	warns  int
}

// NewRunner returns a Runner that reads the environment through getenv and
// writes workflow commands to w.
func NewRunner(getenv func(string) string, w io.Writer) *Runner {
	return &Runner{
		gha:    githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(w)),
		getenv: getenv,
		w:      w,
	}
}

// Input returns input name (as in action.yml), trimmed. INPUT_NAME-WITH-DASH
// is what the runner sets; INPUT_NAME_WITH_DASH is accepted too.
func (r *Runner) Input(name string) string {
	if v := r.gha.GetInput(name); v != "" {
		return v
	}
	return strings.TrimSpace(r.getenv("INPUT_" + strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(name))))
}

// BoolInput returns a boolean input (true/false, as YAML 1.2 core writes
// them), or def when it is empty.
func (r *Runner) BoolInput(name string, def bool) (bool, error) {
	v := strings.ToLower(r.Input(name))
	switch v {
	case "":
		return def, nil
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("input %s: %q is not true or false", name, v)
}

// IntInput returns an integer input of at least min, or def when it is empty.
func (r *Runner) IntInput(name string, def, min int) (int, error) {
	v := r.Input(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min {
		return 0, fmt.Errorf("input %s: %q is not a whole number of at least %d", name, v, min)
	}
	return n, nil
}

// DurationInput returns a duration input (Go syntax: 90s, 5m, 1h30m), or
// def when it is empty.
func (r *Runner) DurationInput(name string, def time.Duration) (time.Duration, error) {
	v := r.Input(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("input %s: %q is not a positive duration such as 5m or 90s", name, v)
	}
	return d, nil
}

// Mask tells the runner to hide s in every log line from now on.
func (r *Runner) Mask(s string) {
	if strings.TrimSpace(s) != "" {
		r.gha.AddMask(s)
	}
}

// SetOutput sets output name; it reports whether the runner took it.
func (r *Runner) SetOutput(name, value string) bool {
	if r.getenv("GITHUB_OUTPUT") == "" {
		return false
	}
	r.gha.SetOutput(name, value)
	return true
}

// Summary appends markdown to the job summary; it reports whether the runner took it.
func (r *Runner) Summary(markdown string) bool {
	if r.getenv("GITHUB_STEP_SUMMARY") == "" {
		return false
	}
	r.gha.AddStepSummary(markdown)
	return true
}

// Infof logs a line. A line that cannot be written is not reported: the
// log is where it would be told, and the workflow commands go-githubactions
// writes to the same writer go unchecked there too.
func (r *Runner) Infof(format string, args ...any) {
	fmt.Fprintf(r.w, format+"\n", args...)
}

// Group starts a collapsed group of log lines; EndGroup ends it.
func (r *Runner) Group(title string) { r.gha.Group(title) }

// EndGroup ends the group Group started.
func (r *Runner) EndGroup() { r.gha.EndGroup() }

// Error emits an ::error annotation with a title; after MaxAnnotations it
// only logs.
func (r *Runner) Error(title, msg string) {
	r.errors++
	r.annotate(r.errors, "error", title, msg)
}

// Warning emits a ::warning annotation with a title; after MaxAnnotations it
// only logs.
func (r *Runner) Warning(title, msg string) {
	r.warns++
	r.annotate(r.warns, "warning", title, msg)
}

func (r *Runner) annotate(n int, level, title, msg string) {
	switch {
	case n <= MaxAnnotations:
		a := r.gha
		if title != "" {
			a = a.WithFieldsMap(map[string]string{"title": title})
		}
		if level == "error" {
			a.Errorf("%s", msg)
		} else {
			a.Warningf("%s", msg)
		}
	default:
		if n == MaxAnnotations+1 {
			r.Infof("perfgate: more than %d %s annotations; the rest are only logged", MaxAnnotations, level)
		}
		r.Infof("%s: %s: %s", level, title, msg)
	}
}
