package check

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/perfgate/perfgate/results"
)

// CompareFiles loads the baseline (a missing file, or "", means none: the
// targets alone decide) and the current results in their formats
// (results.Formats; "" or "auto" detects), compares them and names the
// files in the report. Errors name the file they come from.
func CompareFiles(baselinePath, baselineFormat, resultsPath, resultsFormat string, cfg Config) (*Report, error) {
	cur, err := results.Load(resultsPath, resultsFormat)
	if err != nil {
		return nil, err
	}
	base, err := LoadBaseline(baselinePath, baselineFormat)
	if err != nil {
		return nil, err
	}
	rep, err := Compare(base, cur, cfg)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			name := resultsPath
			if ie.Side == "baseline" {
				name = baselinePath
			}
			return nil, fmt.Errorf("%s: %w", name, ie.Err)
		}
		return nil, err
	}
	rep.SetPaths(baselinePath, resultsPath)
	return rep, nil
}

// LoadBaseline loads a stored baseline in its format (results.Formats).
// No path, or a missing file, is no baseline (nil, nil): the targets alone
// decide.
func LoadBaseline(path, format string) (*results.Results, error) {
	if path == "" {
		return nil, nil
	}
	base, err := results.Load(path, format)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return base, err
}
