package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

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
