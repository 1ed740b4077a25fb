package quality

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// BaseValues are the client's gated metrics as is, from which an
// injection of a given relative size is planned.
type BaseValues struct {
	CircuitP95 time.Duration
	RSS        uint64
	Capacity   int
}

// PlanInjection returns the injection that makes each named kind's metric
// worse by size (0.2 = 20 %) relative to base: a control-port delay of
// size×p95/2 each way, a GeoIP file of size×RSS bytes, a cap of
// (1−size)×capacity SOCKS connections.
func PlanInjection(kinds []string, size float64, base BaseValues) (Injection, error) {
	if size <= 0 || size >= 1 || math.IsNaN(size) {
		return Injection{}, fmt.Errorf("injection size %v: want between 0 and 1 (0.2 = 20 %%)", size)
	}
	in := Injection{Kinds: kinds, Size: size,
		Name: fmt.Sprintf("%s+%g%%", strings.Join(kinds, "+"), math.Round(size*1000)/10)}
	for _, k := range kinds {
		switch k {
		case KindCircuit:
			if base.CircuitP95 <= 0 {
				return Injection{}, errors.New("circuit injection: no baseline circuit p95")
			}
			in.ControlDelay = time.Duration(size * float64(base.CircuitP95) / 2)
		case KindMemory:
			if base.RSS == 0 {
				return Injection{}, errors.New("memory injection: no baseline RSS")
			}
			in.GeoIPEntries = GeoIPEntriesFor(uint64(size * float64(base.RSS)))
		case KindStreams:
			if base.Capacity <= 0 {
				return Injection{}, errors.New("streams injection: no baseline capacity")
			}
			in.MaxStreams = max(1, int(math.Floor((1-size)*float64(base.Capacity))))
		default:
			return Injection{}, fmt.Errorf("unknown injection kind %q (want %s, %s or %s)", k, KindCircuit, KindMemory, KindStreams)
		}
	}
	return in, nil
}

// PlanInjectionSizes is PlanInjection with a size per kind, e.g.
// {"circuit": 0.2, "memory": 0.1, "streams": 0.2}: the targets.
func PlanInjectionSizes(sizes map[string]float64, base BaseValues) (Injection, error) {
	kinds := make([]string, 0, len(sizes))
	for k := range sizes {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var in Injection
	var names []string
	for _, k := range kinds {
		one, err := PlanInjection([]string{k}, sizes[k], base)
		if err != nil {
			return Injection{}, err
		}
		names = append(names, one.Name)
		in.Kinds = append(in.Kinds, k)
		in.ControlDelay += one.ControlDelay
		in.SOCKSDelay += one.SOCKSDelay
		in.MaxStreams = max(in.MaxStreams, one.MaxStreams)
		in.GeoIPEntries += one.GeoIPEntries
		if in.Size == 0 || in.Size == sizes[k] {
			in.Size = sizes[k]
		} else {
			in.Size = -1 // mixed
		}
	}
	if len(kinds) == 0 {
		return Injection{}, errors.New("no injection kinds")
	}
	if in.Size < 0 {
		in.Size = 0
	}
	in.Name = strings.Join(names, ",")
	return in, nil
}

// BaseValuesOf reads the client's gated metrics from a pool of runs as is,
// as the gate computes them (check.Compare of the runs against no
// baseline).
func BaseValuesOf(r *results.Results) (BaseValues, error) {
	rep, err := check.Compare(nil, r, check.DefaultConfig())
	if err != nil {
		return BaseValues{}, err
	}
	var b BaseValues
	for _, m := range rep.Metrics {
		if m.Current == nil {
			continue
		}
		switch m.Key {
		case results.MetricCircuitBuildP95:
			b.CircuitP95 = time.Duration(m.Current.Value * float64(time.Second))
		case results.MetricMemorySteadyRSS:
			b.RSS = uint64(m.Current.Value)
		case results.MetricStreamCapacity:
			b.Capacity = int(m.Current.Value)
		}
	}
	return b, nil
}

// parseInjectionSizes reads --inject's KIND[=SIZE],…: each kind's size,
// size for those named without one.
func parseInjectionSizes(kinds string, size float64) (map[string]float64, error) {
	sizes := map[string]float64{}
	for _, k := range strings.Split(kinds, ",") {
		name, sz, ok := strings.Cut(strings.TrimSpace(k), "=")
		if !ok {
			sizes[name] = size
			continue
		}
		v, err := strconv.ParseFloat(sz, 64)
		if err != nil {
			return nil, fmt.Errorf("--inject %q: %q is not a size (0.2 = 20 %%)", kinds, sz)
		}
		sizes[name] = v
	}
	return sizes, nil
}

// ParseInjection plans the injection a command line asks for: kinds is
// KIND[=SIZE] comma-separated (e.g. "circuit=0.2,memory=0.1,streams"),
// size the size of kinds named without one, and calibrate the results
// file of A/A runs the sizes are relative to (BaseValuesOf). Empty kinds
// is no injection (A/A), named "none". Its errors name the flags
// --inject and --calibrate.
func ParseInjection(kinds string, size float64, calibrate string) (Injection, error) {
	if kinds == "" {
		return Injection{Name: "none"}, nil
	}
	if calibrate == "" {
		return Injection{}, errors.New("--inject needs --calibrate AA.json (A/A runs the size is relative to)")
	}
	aa, err := results.Load(calibrate, "")
	if err != nil {
		return Injection{}, err
	}
	base, err := BaseValuesOf(aa)
	if err != nil {
		return Injection{}, fmt.Errorf("calibrating from %s: %w", calibrate, err)
	}
	sizes, err := parseInjectionSizes(kinds, size)
	if err != nil {
		return Injection{}, err
	}
	in, err := PlanInjectionSizes(sizes, base)
	if err != nil {
		return in, fmt.Errorf("--inject: %w", err)
	}
	return in, nil
}
