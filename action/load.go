package action

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

// loadBaseline reads the baseline: at the base commit for a pull request,
// from the workspace otherwise. It returns nil results when there is none,
// and the notes the report should carry.
func (a *step) loadBaseline(ctx context.Context, pr *PullRequest) (*results.Results, []string, error) {
	if pr == nil {
		p := a.abs(a.in.Baseline)
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			return nil, nil, nil
		}
		res, err := results.Load(p, "")
		if err != nil {
			return nil, nil, fmt.Errorf("baseline: %w", err)
		}
		return res, nil, nil
	}
	data, found, from, err := a.fileAtBase(ctx, pr, a.in.Baseline)
	if err != nil {
		return nil, nil, fmt.Errorf("baseline: %w", err)
	}
	if !found {
		a.r.Infof("perfgate: no %s at the base commit %s (read through %s)", a.in.Baseline, short.Commit(pr.BaseSHA), from)
		return nil, []string{fmt.Sprintf("There is no baseline %s on the base commit %s: the targets alone decide. "+
			"A run of perfgate with mode baseline on the default branch makes it (the baseline workflow, README: GitHub Action).", a.in.Baseline, short.Commit(pr.BaseSHA))}, nil
	}
	a.r.Infof("perfgate: baseline %s read at the base commit %s through %s", a.in.Baseline, short.Commit(pr.BaseSHA), from)
	// Parsed as read (no temporary file), named as it is in the
	// repository, with the limit results.ReadFile sets.
	res, err := parseBaseline(data, fmt.Sprintf("%s at %s", a.in.Baseline, short.Commit(pr.BaseSHA)))
	if err != nil {
		return nil, nil, err
	}
	return res, nil, nil
}

// parseBaseline parses a baseline file read from git or the API, named
// name, with the limit results.ReadFile sets (no temporary file).
func parseBaseline(data []byte, name string) (*results.Results, error) {
	if len(data) > results.MaxInputBytes {
		return nil, fmt.Errorf("baseline: %s: file too large (%d bytes, limit %d MiB)", name, len(data), results.MaxInputBytes>>20)
	}
	res, err := results.Parse(data, name, "")
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return res, nil
}

// loadConfig reads the config input: at the base commit for a pull request
// (so that the pull request cannot loosen its own gate), from the
// workspace when the base commit has none.
func (a *step) loadConfig(ctx context.Context, pr *PullRequest) (check.Config, []string, error) {
	if a.in.Config == "" {
		return check.DefaultConfig(), nil, nil
	}
	if pr != nil {
		data, found, _, err := a.fileAtBase(ctx, pr, a.in.Config)
		if err != nil {
			return check.Config{}, nil, fmt.Errorf("config: %w", err)
		}
		if found {
			cfg, err := check.ParseConfig(data)
			if err != nil {
				return check.Config{}, nil, fmt.Errorf("config %s at %s: %w", a.in.Config, short.Commit(pr.BaseSHA), err)
			}
			return cfg, nil, nil
		}
		cfg, err := check.LoadConfig(a.abs(a.in.Config))
		if err != nil {
			return check.Config{}, nil, fmt.Errorf("config: %w", err)
		}
		return cfg, []string{fmt.Sprintf("The config %s is new in this pull request: its settings are used.", a.in.Config)}, nil
	}
	cfg, err := check.LoadConfig(a.abs(a.in.Config))
	if err != nil {
		return check.Config{}, nil, fmt.Errorf("config: %w", err)
	}
	return cfg, nil, nil
}
