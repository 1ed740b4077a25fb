package torlab

import (
	"errors"
	"fmt"
	"strings"
)

// placeholders are the names a client command template may use.
var placeholders = []string{"torrc", "socks_port", "control_port", "data_dir"}

// splitCommand splits a command template into words on white space; single
// or double quotes group words (and are removed). There is no other shell
// syntax: no escapes, variables or globs.
func splitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote = r
			inWord = true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// expandCommand turns a client command template into argv, replacing the
// placeholders {torrc} {socks_port} {control_port} {data_dir} with vars.
func expandCommand(tmpl string, vars map[string]string) ([]string, error) {
	words, err := splitCommand(tmpl)
	if err != nil {
		return nil, fmt.Errorf("client command %q: %w", tmpl, err)
	}
	if len(words) == 0 {
		return nil, errors.New("client command is empty")
	}
	out := make([]string, len(words))
	for i, w := range words {
		var b strings.Builder
		for {
			open := strings.IndexByte(w, '{')
			if open < 0 {
				b.WriteString(w)
				break
			}
			end := strings.IndexByte(w[open:], '}')
			if end < 0 {
				return nil, fmt.Errorf("client command %q: unclosed { in %q", tmpl, words[i])
			}
			name := w[open+1 : open+end]
			v, ok := vars[name]
			if !ok {
				return nil, fmt.Errorf("client command %q: unknown placeholder {%s} (known: {%s})", tmpl, name, strings.Join(placeholders, "} {"))
			}
			b.WriteString(w[:open])
			b.WriteString(v)
			w = w[open+end+1:]
		}
		out[i] = b.String()
	}
	if out[0] == "" {
		return nil, fmt.Errorf("client command %q: no program", tmpl)
	}
	return out, nil
}
