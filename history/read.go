package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// MaxBytes bounds a history file, as every file perfgate reads
// (results.MaxInputBytes, 256 MiB): Read refuses a larger one before
// reading it, and Write refuses to write one. DefaultMax entries of 5
// runs take 200 to 350 KB, of 100 runs 2 to 3 MB.
const MaxBytes = results.MaxInputBytes

// MaxLineBytes bounds one line: a longer line is an invalid line (kept,
// like any other).
const MaxLineBytes = 1 << 20

// A LineError is a line of a history file that Read could not take.
type LineError struct {
	// Path is the file, Line the line's number (from 1).
	Path string
	Line int
	// Text is the line as it was, without its line ending; Write writes
	// it back.
	Text string
	// Err says what is wrong with it.
	Err error
	// conflict is set for a git conflict marker, which is not written back.
	conflict bool
}

// Error is "path:line: reason".
func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err) }

// Unwrap is the reason.
func (e *LineError) Unwrap() error { return e.Err }

// Read reads the history file at path. A missing file is an empty history.
//
// A line that is not a valid entry of Schema (invalid JSON, an unknown
// field, an implausible value, a fingerprint that does not match the
// environment, another schema version, a git conflict marker) does not
// stop it: Read returns every valid entry, the invalid lines in
// History.Invalid, and as its error one *LineError per invalid line,
// "path:line: reason", joined with errors.Join (one line each). So a
// caller that only needs the good entries, such as the job that records
// a commit, warns with each of h.Invalid and goes on; a caller that
// validates the file (perfgate history) fails on the error. The history
// is nil only when the file cannot be read at all (not a file, too
// large, unreadable).
//
// The entries are returned oldest first (by date, then commit), whatever
// the order of the lines. Of two lines for the same commit, the later
// date wins, and of equal dates the later line.
func Read(path string) (*History, error) {
	data, err := results.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &History{}, nil
	}
	if err != nil {
		return nil, err
	}
	h := parse(data, path)
	return h, h.Err()
}

// Err joins the errors of the invalid lines; nil when there are none.
func (h *History) Err() error {
	errs := make([]error, len(h.Invalid))
	for i, le := range h.Invalid {
		errs[i] = le
	}
	return errors.Join(errs...)
}

// parse reads the lines of a history file named path.
func parse(data []byte, path string) *History {
	h := &History{}
	byCommit := map[string]int{} // commit → index in h.Entries
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, err, conflict := parseLine(line)
		if err != nil {
			h.Invalid = append(h.Invalid, &LineError{Path: path, Line: n + 1, Text: string(line), Err: err, conflict: conflict})
			continue
		}
		if i, dup := byCommit[e.Commit]; dup {
			if !e.Date.Before(h.Entries[i].Date) {
				h.Entries[i] = e
			}
			continue
		}
		byCommit[e.Commit] = len(h.Entries)
		h.Entries = append(h.Entries, e)
	}
	sortEntries(h.Entries)
	return h
}

// conflictMarkers start the lines git writes around a conflict.
var conflictMarkers = []string{"<<<<<<<", "=======", ">>>>>>>", "|||||||"}

// parseLine reads one line; conflict tells a git conflict marker.
func parseLine(line []byte) (e Entry, err error, conflict bool) {
	if len(line) > MaxLineBytes {
		return e, fmt.Errorf("line of %d bytes, limit %d KiB", len(line), MaxLineBytes>>10), false
	}
	for _, m := range conflictMarkers {
		if bytes.HasPrefix(line, []byte(m)) {
			return e, fmt.Errorf("a git conflict marker (%s), left by a merge: the entries on both sides are kept and the marker is dropped on the next write; "+
				"a %q line in .gitattributes merges the file without conflicts", m, "merge=union"), true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Entry{}, lineJSONError(line, err, e.Schema), false
	}
	if _, err := dec.Token(); err != io.EOF {
		return Entry{}, fmt.Errorf("invalid JSON: more after the entry at column %d (one entry a line)", dec.InputOffset()+1), false
	}
	e.Date = e.Date.UTC()
	if err := e.Validate(); err != nil {
		if e.Schema != Schema {
			err = fmt.Errorf("%w (a line of another version: it is kept as it is; a perfgate that reads it is needed to use it)", err)
		} else {
			err = fmt.Errorf("%w (hand-edited? the line is kept as it is until repaired or deleted)", err)
		}
		return Entry{}, err, false
	}
	return e, nil, false
}

// lineJSONError describes a decoding error of one line, with its column.
func lineJSONError(line []byte, err error, schema string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return errors.New("truncated JSON (the line ends too early)")
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at column %d: %v", se.Offset, se)
	case errors.As(err, &te):
		return fmt.Errorf("invalid JSON at column %d: field %s: %s is not a %s", te.Offset, te.Field, te.Value, te.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if schema != "" && schema != Schema {
			return fmt.Errorf("schema %q: this perfgate reads %s (%s; a line of another version is kept as it is)", schema, Schema, msg)
		}
		return fmt.Errorf("%s, not a field of %s", msg, Schema)
	}
	return fmt.Errorf("invalid JSON: %v", err)
}
