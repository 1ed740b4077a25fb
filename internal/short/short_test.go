package short_test

import (
	"testing"
	"unicode/utf8"

	"github.com/perfgate/perfgate/internal/short"
)

func TestShort(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"commit long", short.Commit("0123456789abcdef"), "0123456"},
		{"commit short", short.Commit("abc"), "abc"},
		{"cut fits", short.Cut("abc", 3), "abc"},
		{"cut", short.Cut("abcdef", 4), "abc…"},
		{"cut runes", short.Cut("ääääää", 3), "ää…"},
		{"cut zero", short.Cut("abc", 0), ""},
		{"line", short.Line("a\n\t b  c", 80), "a b c"},
		{"line cut", short.Line("one two three", 6), "one t…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func FuzzCut(f *testing.F) {
	f.Add("circuit build p95", 5)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1000 || !utf8.ValidString(s) {
			return
		}
		got := short.Cut(s, n)
		if c := utf8.RuneCountInString(got); c > n {
			t.Fatalf("Cut(%q, %d) = %q: %d characters", s, n, got, c)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Cut(%q, %d) = %q: not UTF-8", s, n, got)
		}
	})
}
