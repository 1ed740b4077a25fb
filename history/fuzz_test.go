package history

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzRead feeds the line parser any bytes: it never panics, every line
// is either an entry or an invalid line, and what Write writes reads back
// as the same entries and invalid lines (less git's conflict markers).
func FuzzRead(f *testing.F) {
	good := lines(f, historyOf(f, 3, 1, 2))
	f.Add([]byte(strings.Join(good, "\n") + "\n"))
	f.Add([]byte(good[0] + "\r\n" + good[1][:40] + "\n<<<<<<< HEAD\n" + good[2] + "\n=======\n>>>>>>> b\n"))
	f.Add([]byte(strings.Replace(good[0], Schema, "perfgate/history/v2", 1)))
	f.Add([]byte(strings.Replace(good[1], `"runs":2`, `"runs":1e400`, 1)))
	f.Add([]byte(good[2] + good[2]))
	f.Add([]byte(`{"schema":"perfgate/history/v1","values":{"":[1]}}`))
	f.Add([]byte("\n\n{}\n[]\nnull\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := parse(data, "h.jsonl")
		nonblank := 0
		for _, l := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(strings.TrimSuffix(l, "\r")) != "" {
				nonblank++
			}
		}
		if len(h.Entries)+len(h.Invalid) > nonblank {
			t.Fatalf("%d entries and %d invalid lines from %d lines", len(h.Entries), len(h.Invalid), nonblank)
		}
		seen := map[string]bool{}
		for i, e := range h.Entries {
			if err := e.Validate(); err != nil {
				t.Fatalf("entry %d read but invalid: %v", i, err)
			}
			if seen[e.Commit] {
				t.Fatalf("commit %s twice", e.Commit)
			}
			seen[e.Commit] = true
			if i > 0 && compareEntries(h.Entries[i-1], e) >= 0 {
				t.Fatal("entries out of order")
			}
		}
		for _, le := range h.Invalid {
			if le.Err == nil || strings.Contains(le.Error(), "\n") || !strings.HasPrefix(le.Error(), "h.jsonl:") {
				t.Fatalf("line error %q", le)
			}
		}
		out, err := h.Marshal()
		if err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		back := parse(out, "h.jsonl")
		if !reflect.DeepEqual(back.Entries, h.Entries) && !(len(back.Entries) == 0 && len(h.Entries) == 0) {
			t.Fatalf("entries differ after a write:\n%+v\n%+v", back.Entries, h.Entries)
		}
		var want []string
		for _, le := range h.Invalid {
			if !le.conflict {
				want = append(want, le.Text)
			}
		}
		var got []string
		for _, le := range back.Invalid {
			got = append(got, le.Text)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("invalid lines differ after a write:\n%q\n%q", got, want)
		}
	})
}
