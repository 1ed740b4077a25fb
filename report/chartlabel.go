package report

import "strings"

// chartLabel makes a run label safe inside a quoted mermaid string and a
// markdown code fence: letters, digits and . _ : / + - kept, anything else
// (quotes, backticks, brackets, HTML, @, #, ;) becomes '-', at most 12
// characters.
func chartLabel(s string) string { return sanitise(s, 12, "._:/+-") }

// chartTitle is chartLabel for titles: also spaces, % and parentheses, at
// most 60 characters.
func chartTitle(s string) string { return sanitise(s, 60, "._:/+- %()") }

func sanitise(s string, n int, extra string) string {
	var b strings.Builder
	count := 0
	dash := false
	for _, r := range s {
		if count >= n {
			break
		}
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(extra, r))
		if !ok {
			if dash {
				continue
			}
			r, dash = '-', true
		} else {
			dash = false
		}
		b.WriteRune(r)
		count++
	}
	return strings.TrimSpace(b.String())
}
