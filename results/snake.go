package results

import (
	"strings"
	"unicode"
)

// snake lower-cases s and turns every run of other characters into "_".
func snake(s string) string {
	var b strings.Builder
	us := false
	for i, r := range s {
		switch {
		case unicode.IsUpper(r):
			if i > 0 && !us {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			us = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			us = false
		default:
			if !us && b.Len() > 0 {
				b.WriteByte('_')
			}
			us = true
		}
	}
	return strings.Trim(b.String(), "_")
}
