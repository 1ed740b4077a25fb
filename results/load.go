package results

import (
	"bytes"
	"fmt"
	"strings"
)

// Input formats accepted by Load.
const (
	FormatAuto    = ""        // detect
	FormatJSON    = "json"    // native results or baseline (schema field)
	FormatGoBench = "gobench" // go test -bench output
	FormatGoTor   = "gotor"   // go-tor's bin/benchmark summary text
)

// Formats lists the names --format accepts.
var Formats = []string{"auto", FormatJSON, FormatGoBench, FormatGoTor}

// Load reads a results file, a baseline file (its results are returned),
// Go benchmark output or go-tor's summary text. With format "" or "auto"
// the format is detected from the content. Errors name the file, and the
// line for text formats.
func Load(path, format string) (*Results, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path, format)
}

// Parse parses the contents of a file named name in format (one of
// Formats; detected when "" or "auto"), as Load does.
func Parse(data []byte, name, format string) (*Results, error) {
	r, _, err := parseAny(data, name, format)
	return r, err
}

// parseAny parses data in format (detected if empty), returning the
// results and, for a baseline file, the baseline.
func parseAny(data []byte, name, format string) (*Results, *Baseline, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, fmt.Errorf("%s: empty file: want results (JSON), Go benchmark output or go-tor's summary", name)
	}
	if format == "auto" {
		format = FormatAuto
	}
	if format == FormatAuto {
		format = Detect(data)
		if format == "" {
			return nil, nil, fmt.Errorf("%s: unrecognised format: want perfgate JSON, Go benchmark output or go-tor's summary (name it with --format)", name)
		}
	}
	switch format {
	case FormatJSON:
		return parseJSON(data, name)
	case FormatGoBench:
		r, err := ParseGoBench(data, name)
		return r, nil, err
	case FormatGoTor:
		r, err := ParseGoTor(data, name)
		return r, nil, err
	}
	return nil, nil, fmt.Errorf("%s: unknown format %q: want one of %s", name, format, strings.Join(Formats, ", "))
}

// Detect names the format of data: FormatJSON, FormatGoTor, FormatGoBench,
// or "" when it recognises none.
func Detect(data []byte) string {
	t := bytes.TrimSpace(data)
	switch {
	case len(t) > 0 && t[0] == '{':
		return FormatJSON
	case bytes.Contains(data, []byte("BENCHMARK RESULTS SUMMARY")):
		return FormatGoTor
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("Benchmark")) {
			return FormatGoBench
		}
	}
	return ""
}
