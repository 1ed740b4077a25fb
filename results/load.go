package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MaxInputBytes bounds every file perfgate reads. Real results files are a
// few MB; anything beyond this is refused before it is read.
const MaxInputBytes = 256 << 20

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

// ReadFile reads a whole input file of at most MaxInputBytes; its errors
// name the file.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %w", path, unwrapPath(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("%s: is a directory, want a file", path)
		}
		if st.Size() > MaxInputBytes {
			return nil, fmt.Errorf("%s: file too large (%d bytes, limit %d MiB)", path, st.Size(), MaxInputBytes>>20)
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", path, unwrapPath(err))
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("%s: file too large (limit %d MiB)", path, MaxInputBytes>>20)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// envelope reads only the fields that say what a JSON file is.
type envelope struct {
	Schema string `json:"schema"`
}

func parseJSON(data []byte, name string) (*Results, *Baseline, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, nil, JSONError(data, name, err)
	}
	switch env.Schema {
	case SchemaResultsV1:
		var r Results
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, nil, JSONError(data, name, err)
		}
		if err := r.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return &r, nil, nil
	case SchemaBaselineV1:
		var b Baseline
		if err := json.Unmarshal(data, &b); err != nil {
			return nil, nil, JSONError(data, name, err)
		}
		if err := b.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return &b.Results, &b, nil
	case "":
		return nil, nil, fmt.Errorf("%s: no schema field: not a perfgate results or baseline file", name)
	}
	return nil, nil, fmt.Errorf("%s: unknown schema %q: this perfgate reads %s and %s", name, env.Schema, SchemaResultsV1, SchemaBaselineV1)
}

// JSONError turns a decoding error into a one-line error with file and line.
func JSONError(data []byte, name string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end of JSON input"):
		return fmt.Errorf("%s:%d: truncated JSON (the file ends too early)", name, lineAt(data, int64(len(data))))
	case errors.As(err, &se):
		return fmt.Errorf("%s:%d: invalid JSON: %v", name, lineAt(data, se.Offset), se)
	case errors.As(err, &te):
		return fmt.Errorf("%s:%d: invalid JSON: field %s: %s is not a %s", name, lineAt(data, te.Offset), te.Field, te.Value, te.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s:%d: truncated JSON", name, lineAt(data, int64(len(data))))
	}
	return fmt.Errorf("%s: invalid JSON: %v", name, err)
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// Validate checks what every reader relies on: the schema, a suite name,
// at least one run, and benchmark keys.
func (r *Results) Validate() error {
	if r.Schema != SchemaResultsV1 {
		return fmt.Errorf("unknown schema %q: want %s", r.Schema, SchemaResultsV1)
	}
	if r.Suite == "" {
		return errors.New("no suite name")
	}
	if len(r.Runs) == 0 {
		return errors.New("no runs")
	}
	for i := range r.Runs {
		for j := range r.Runs[i].Benchmarks {
			if r.Runs[i].Benchmarks[j].Key == "" {
				return fmt.Errorf("run %d, benchmark %d: no key", r.Runs[i].Index, j+1)
			}
		}
	}
	return nil
}
