package cmdutil_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/internal/cmdutil"
)

func env(out *bytes.Buffer, vars map[string]string) *cmdutil.Env {
	return &cmdutil.Env{Stdout: out, Stderr: io.Discard, Getenv: func(k string) string { return vars[k] }}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		positional bool
		wantErr    string
		wantOut    string
	}{
		{"flags", []string{"--n", "3"}, false, "", ""},
		{"help", []string{"-h"}, false, "help requested", "usage: x\n\nFlags:\n  -n"},
		{"bad flag", []string{"--m"}, false, "x: flag provided but not defined: -m (see 'perfgate x -h')", ""},
		{"stray argument", []string{"file"}, false, `x: unexpected argument "file"`, ""},
		{"positional", []string{"file"}, true, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			fs := cmdutil.NewFlags("x")
			fs.Int("n", 0, "a number")
			err := cmdutil.Parse(env(&out, nil), fs, tc.args, tc.positional, "usage: x\n")
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err %v, want %q", err, tc.wantErr)
			}
			if tc.name == "help" && !errors.Is(err, cmdutil.ErrHelp) {
				t.Errorf("err %v, want ErrHelp", err)
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("output %q, want %q", out.String(), tc.wantOut)
			}
		})
	}
}

func TestColor(t *testing.T) {
	for _, tc := range []struct {
		mode string
		vars map[string]string
		want bool
	}{
		{"always", map[string]string{"NO_COLOR": "1"}, true},
		{"never", nil, false},
		{"auto", nil, false}, // a buffer is no terminal
	} {
		t.Run(tc.mode, func(t *testing.T) {
			var out bytes.Buffer
			if got := env(&out, tc.vars).Color(tc.mode, &out); got != tc.want {
				t.Errorf("Color(%s) = %v", tc.mode, got)
			}
		})
	}
	if err := cmdutil.CheckColor("x", "pink"); err == nil || !strings.Contains(err.Error(), `--color "pink"`) {
		t.Errorf("CheckColor: %v", err)
	}
}

func TestWriteOut(t *testing.T) {
	var out bytes.Buffer
	e := env(&out, nil)
	write := func(w io.Writer) error { _, err := io.WriteString(w, "report\n"); return err }
	if err := cmdutil.WriteOut(e, "-", write); err != nil || out.String() != "report\n" {
		t.Fatalf("stdout: %v %q", err, out.String())
	}
	p := filepath.Join(t.TempDir(), "r.md")
	if err := cmdutil.WriteOut(e, p, write); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(p); err != nil || string(data) != "report\n" {
		t.Fatalf("file: %v %q", err, data)
	}
	failing := func(w io.Writer) error {
		if _, err := io.WriteString(w, "half"); err != nil {
			return err
		}
		return errors.New("render failed")
	}
	if err := cmdutil.WriteOut(e, p, failing); err == nil {
		t.Fatal("no error")
	}
	if data, err := os.ReadFile(p); err != nil || string(data) != "report\n" {
		t.Errorf("a failed render changed the file: %q", data)
	}
}
