package report

import "strings"

// mdReplacer escapes text a benchmark, client or file can name so that it
// renders as plain text in a GitHub markdown table cell: pipes, HTML,
// backticks, emphasis and link brackets are escaped, @mentions and
// #references are broken with a zero-width joiner, newlines become spaces.
var mdReplacer = strings.NewReplacer(
	`\`, `\\`,
	"|", `\|`,
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
	"`", "\\`",
	"*", `\*`,
	"_", `\_`,
	"[", `\[`,
	"]", `\]`,
	"~", `\~`,
	"@", "@\u200d",
	"#", "#\u200d",
	"\r\n", " ",
	"\n", " ",
	"\r", " ",
)

// EscapeMarkdown makes s safe to embed in a markdown table cell or line.
func EscapeMarkdown(s string) string { return mdReplacer.Replace(s) }

// termReplacer removes control characters (escape sequences a benchmark
// name could carry) from text shown on a terminal.
func sanitizeTerminal(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
