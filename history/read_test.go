package history

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/internal/fixture"
)

// lines are the lines of h's file.
func lines(t testing.TB, h *History) []string {
	t.Helper()
	data, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func TestReadBadLine(t *testing.T) {
	good := lines(t, historyOf(t, 4, 1, 2, 3)) // 4 lines, commits 0..3
	edit := func(old, new string) func(string) string {
		return func(l string) string {
			if !strings.Contains(l, old) {
				t.Fatalf("%q not in %s", old, l)
			}
			return strings.Replace(l, old, new, 1)
		}
	}
	for _, c := range []struct {
		name    string
		bad     func(line string) string // makes the third line bad
		want    string                   // in the error, after "path:3: "
		invalid int                      // invalid lines (0: 1)
		written bool                     // Write keeps the bad line (default true)
		drop    bool                     // the line is not written back
	}{
		{name: "truncated", bad: func(l string) string { return l[:len(l)/2] }, want: "truncated JSON"},
		{name: "not JSON", bad: func(string) string { return "hello, world" }, want: "invalid JSON at column 1"},
		{name: "two entries on a line", bad: func(l string) string { return l + " " + l }, want: "more after the entry"},
		{name: "unknown field", bad: edit(`"runs":`, `"run_count":3,"runs":`), want: `unknown field "run_count", not a field of perfgate/history/v1`},
		{name: "another schema", bad: edit(Schema, "perfgate/history/v2"), want: `schema "perfgate/history/v2": this perfgate reads perfgate/history/v1`},
		{name: "another schema with a new field", bad: edit(`"schema":"perfgate/history/v1",`, `"schema":"perfgate/history/v2","weather":"fine",`),
			want: `schema "perfgate/history/v2": this perfgate reads perfgate/history/v1 (unknown field "weather"`},
		{name: "no schema", bad: edit(`"schema":"perfgate/history/v1",`, ``), want: `schema "": this perfgate reads`},
		{name: "wrong type", bad: edit(`"runs":3`, `"runs":"three"`), want: "field runs: string is not a int"},
		{name: "hand-edited value", bad: edit(`"circuit_build_p95":[`, `"circuit_build_p95":[-1,`), want: "circuit_build_p95 has 4 values for 3 runs"},
		{name: "negative value", bad: edit(`"stream_capacity":[1000`, `"stream_capacity":[-1000`), want: "stream_capacity value 1 is -1000, not a plausible value in streams"},
		{name: "hand-edited environment", bad: edit(`"cpu_model":"Test CPU"`, `"cpu_model":"Faster CPU"`), want: "does not match its environment, whose fingerprint is"},
		{name: "no runs", bad: edit(`"runs":3`, `"runs":0`), want: "0 runs, want 1 to"},
		{name: "no commit", bad: edit(`"commit":"`, `"commit":"","x":"`), want: "unknown field"},
		{name: "empty commit", bad: func(l string) string { return strings.Replace(l, `"commit":"`+commitOf(2)+`"`, `"commit":""`, 1) }, want: "no commit"},
		{name: "commit with a space", bad: edit(`"commit":"`, `"commit":"a `), want: "has a space"},
		{name: "no date", bad: edit(`"date":"2026-11-02T11:00:00Z"`, `"date":"0001-01-01T00:00:00Z"`), want: "no date"},
		{name: "bad date", bad: edit(`"date":"2026-11-02T11:00:00Z"`, `"date":"yesterday"`), want: "invalid JSON"},
		{name: "no values", bad: func(l string) string { return l[:strings.Index(l, `"values":`)] + `"values":{}}` }, want: "no values"},
		{name: "too long", bad: func(l string) string { return l + strings.Repeat(" ", MaxLineBytes) }, want: "limit 1024 KiB"},
		{name: "array", bad: func(string) string { return "[1,2,3]" }, want: "invalid JSON at column 1: field : array is not a history.Entry"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ls := append([]string(nil), good...)
			ls[2] = c.bad(ls[2])
			path := fixture.File(t, t.TempDir(), "history.jsonl", strings.Join(ls, "\n")+"\n")
			h, err := Read(path)
			if h == nil {
				t.Fatalf("no history: %v", err)
			}
			if err == nil || !strings.HasPrefix(err.Error(), path+":3: ") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v\nwant %s:3: …%s…", err, path, c.want)
			}
			fixture.OneLine(t, err)
			var le *LineError
			if !errors.As(err, &le) || le.Line != 3 || le.Text != ls[2] || len(h.Invalid) != 1 {
				t.Fatalf("LineError %+v, %d invalid lines", le, len(h.Invalid))
			}
			// Nothing is lost: the other lines are read, and a write keeps
			// the bad line for someone to repair.
			if got, want := commitsOf(h), []string{commitOf(0), commitOf(1), commitOf(3)}; !reflect.DeepEqual(got, want) {
				t.Fatalf("entries %v, want %v", got, want)
			}
			h.Append(entryOf(t, 4, 1, 4, 5, 6), 0)
			if err := Write(path, h); err != nil {
				t.Fatal(err)
			}
			h2, err2 := Read(path)
			if h2 == nil || len(h2.Entries) != 4 || len(h2.Invalid) != 1 || h2.Invalid[0].Text != ls[2] || !strings.Contains(err2.Error(), c.want) {
				t.Fatalf("after a write: %v", err2)
			}
		})
	}
}

func TestRead(t *testing.T) {
	h4 := historyOf(t, 4, 1, 2, 3)
	good := lines(t, h4)
	dir := t.TempDir()
	for _, c := range []struct {
		name    string
		content string // the file; "-" for none
		commits []string
		invalid int
		wantErr string // in the error, for a history that cannot be read
	}{
		{name: "missing file", content: "-"},
		{name: "empty file", content: ""},
		{name: "blank lines", content: "\n\n  \n"},
		{name: "four entries", content: strings.Join(good, "\n") + "\n", commits: commitsOf(h4)},
		{name: "no final newline", content: strings.Join(good, "\n"), commits: commitsOf(h4)},
		{name: "CRLF", content: strings.Join(good, "\r\n") + "\r\n", commits: commitsOf(h4)},
		{name: "any order", content: strings.Join([]string{good[3], good[1], "", good[0], good[2]}, "\n"), commits: commitsOf(h4)},
		{name: "a commit twice: the later date wins", content: strings.Join([]string{good[0],
			strings.Replace(good[1], "2026-11-02T10:00:00Z", "2026-11-03T10:00:00Z", 1), good[1], good[2]}, "\n"),
			commits: []string{commitOf(0), commitOf(2), commitOf(1)}},
		{name: "git conflict", content: strings.Join([]string{good[0], good[1], "<<<<<<< HEAD", good[2], "=======", good[3], ">>>>>>> b"}, "\n"),
			commits: commitsOf(h4), invalid: 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".jsonl")
			if c.content != "-" {
				fixture.File(t, dir, filepath.Base(path), c.content)
			}
			h, err := Read(path)
			if h == nil {
				t.Fatal(err)
			}
			if len(h.Invalid) != c.invalid || (err != nil) != (c.invalid > 0) {
				t.Fatalf("%d invalid lines (want %d), error %v", len(h.Invalid), c.invalid, err)
			}
			if got := commitsOf(h); !reflect.DeepEqual(got, c.commits) {
				t.Fatalf("commits %v, want %v", got, c.commits)
			}
			if c.invalid > 0 {
				// Conflict markers hold no data: the next write drops them.
				if err := Write(path, h); err != nil {
					t.Fatal(err)
				}
				if h, err := Read(path); err != nil || len(h.Entries) != len(c.commits) {
					t.Fatalf("after a write: %v", err)
				}
			}
		})
	}
}

// A file that cannot be read at all is an error and no history.
func TestReadUnreadable(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.jsonl")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	for _, c := range []struct{ name, path, want string }{
		{"oversized", big, big + ": file too large (268435457 bytes, limit 256 MiB)"},
		{"directory", dir, dir + ": is a directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, err := Read(c.path)
			if h != nil || err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("Read = %v, %v; want %q", h, err, c.want)
			}
			fixture.OneLine(t, err)
		})
	}
}
