// Package short shortens what perfgate shows of longer text: commit names,
// error messages and labels cut to a size. It is the one place these rules
// live, so that a commit reads the same in a report, a comment and a log.
//
//	short.Commit("0123456789abcdef") // "0123456"
//	short.Cut("circuit build", 8)    // "circuit…"
//	short.Line("a\n  b", 80)         // "a b"
package short

import (
	"strings"
	"unicode/utf8"
)

// CommitLen is how many characters of a commit's name Commit keeps.
const CommitLen = 7

// Commit is a commit's abbreviation: its first CommitLen characters.
func Commit(sha string) string {
	if len(sha) > CommitLen {
		return sha[:CommitLen]
	}
	return sha
}

// Cut cuts s to at most n characters (runes), the last of them "…" when
// it was cut. It never splits a UTF-8 sequence.
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Line makes s one line (every run of white space becomes one space) and
// cuts it to at most n characters.
func Line(s string, n int) string {
	return Cut(strings.Join(strings.Fields(s), " "), n)
}
