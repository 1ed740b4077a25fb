package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SchemaBaselineV1 is the schema field of a baseline file.
const SchemaBaselineV1 = "perfgate/baseline/v1"

// A Baseline is results stored to compare later runs with, plus where they
// came from: commit, ref, date and environment.
type Baseline struct {
	Schema      string      `json:"schema"`
	Suite       string      `json:"suite"`
	Commit      string      `json:"commit,omitempty"`
	Ref         string      `json:"ref,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	Environment Environment `json:"environment"`
	// KeepRuns, when above zero, is how many of the latest runs the
	// baseline accumulates across updates (see Update).
	KeepRuns int     `json:"keep_runs,omitempty"`
	Results  Results `json:"results"`
}

// BaselineMeta is what NewBaseline records besides the results.
type BaselineMeta struct {
	Commit string
	Ref    string
	Date   time.Time
}

// Validate checks a baseline read from a file.
func (b *Baseline) Validate() error {
	if b.Schema != SchemaBaselineV1 {
		return fmt.Errorf("unknown schema %q: want %s", b.Schema, SchemaBaselineV1)
	}
	if err := b.Results.Validate(); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	if b.Suite != b.Results.Suite {
		return fmt.Errorf("baseline of suite %q holds results of suite %q", b.Suite, b.Results.Suite)
	}
	return nil
}

// mergeRuns makes b keep the runs of old before its own, up to the last
// keep runs in all, so that a baseline grows more precise instead of being
// replaced. It merges only when old comes from the same suite, source and
// environment (CPU, cores, tor and client version); otherwise it returns
// a reason and leaves b alone.
func (b *Baseline) mergeRuns(old *Baseline, keep int) (merged bool, reason string) {
	b.KeepRuns = keep
	if keep <= len(b.Results.Runs) || old == nil {
		return false, ""
	}
	if old.Suite != b.Suite || old.Results.Source != b.Results.Source {
		return false, fmt.Sprintf("the old baseline is of suite %q/%q", old.Suite, old.Results.Source)
	}
	if d := EnvironmentDiff(old.Environment, b.Environment); len(d) > 0 {
		return false, "the environment changed: " + strings.Join(d, "; ")
	}
	runs := append(append([]Run(nil), old.Results.Runs...), b.Results.Runs...)
	if len(runs) > keep {
		runs = runs[len(runs)-keep:]
	}
	for i := range runs {
		runs[i].Index = i
	}
	b.Results.Runs = runs
	b.Results.Settings.Runs = len(runs)
	return true, ""
}

// KeepInherit, as the keep of Update, takes the old baseline's own
// KeepRuns: a baseline that accumulates runs goes on accumulating.
const KeepInherit = -1

// Update makes b the successor of old, the baseline it replaces: with keep
// above zero it keeps old's runs up to the last keep in all (mergeRuns:
// only from the same suite, source and environment, else it returns the
// reason and b replaces old), KeepInherit takes old's KeepRuns, and 0
// replaces old. It is the one policy of 'perfgate baseline' and the
// action's baseline mode.
func (b *Baseline) Update(old *Baseline, keep int) (merged bool, reason string) {
	if keep == KeepInherit {
		keep = 0
		if old != nil {
			keep = old.KeepRuns
		}
	}
	return b.mergeRuns(old, keep)
}

// ReadBaseline reads a baseline file.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, b, err := parseAny(data, path, FormatAuto)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%s: not a baseline file (schema %s): make one with 'perfgate baseline --results %s --out %s'", path, r.Schema, path, path)
	}
	return b, nil
}

// WriteBaseline writes b to path atomically (WriteFileAtomic), creating
// its directory if need be. A failure leaves any existing file at path as
// it was.
func WriteBaseline(path string, b *Baseline) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("refusing to write baseline %s: %w", path, err)
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return fmt.Errorf("baseline %s: %w", path, err)
	}
	data = append(data, '\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return WriteFileAtomic(path, data, 0o644)
}

// EnvironmentDiff lists the differences between two environments that
// make a comparison suspect: CPU model, core count, OS/arch, tor and
// client name and version, and the instrument (the private network's
// loopback mode and relays' settings).
func EnvironmentDiff(a, b Environment) []string {
	var d []string
	add := func(what, x, y string) {
		if x != y && x != "" && y != "" {
			d = append(d, fmt.Sprintf("%s %s → %s", what, x, y))
		}
	}
	add("CPU", a.CPUModel, b.CPUModel)
	if a.Cores != b.Cores && a.Cores != 0 && b.Cores != 0 {
		d = append(d, fmt.Sprintf("cores %d → %d", a.Cores, b.Cores))
	}
	add("OS/arch", a.OSArch(), b.OSArch())
	add("tor", a.TorVersion, b.TorVersion)
	add("client", a.ClientName, b.ClientName)
	add("client version", a.ClientVersion, b.ClientVersion)
	// The instrument: an older perfgate recorded neither, and ran on the
	// host's loopback with tor's default scheduler on the relays.
	if a.Loopback != b.Loopback && (a.Loopback != "" || b.Loopback != "") {
		d = append(d, fmt.Sprintf("loopback %s → %s", orUnrecorded(a.Loopback), orUnrecorded(b.Loopback)))
	}
	if a.NetworkSettings != b.NetworkSettings && (a.NetworkSettings != "" || b.NetworkSettings != "") {
		d = append(d, fmt.Sprintf("relays' settings %s → %s", orUnrecorded(a.NetworkSettings), orUnrecorded(b.NetworkSettings)))
	}
	return d
}

// orUnrecorded is s, or "not recorded" when empty.
func orUnrecorded(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

// Instrument describes in one line the private network that measured
// results of environment e ("loopback namespace; relays: Schedulers
// Vanilla"), or "" when e does not say.
func Instrument(e Environment) string {
	if e.Loopback == "" && e.NetworkSettings == "" {
		return ""
	}
	return fmt.Sprintf("private Tor network, loopback %s; relays: %s", orUnrecorded(e.Loopback), orUnrecorded(e.NetworkSettings))
}

// OSArch is "os/arch", or "" when neither is recorded.
func (e Environment) OSArch() string {
	if e.OS == "" && e.Arch == "" {
		return ""
	}
	return e.OS + "/" + e.Arch
}

var errNoBaseline = errors.New("no baseline")
