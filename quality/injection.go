package quality

import (
	"fmt"
	"strings"
	"time"

	"github.com/perfgate/perfgate/results"
)

// The kinds of regression an Injection makes, one per gated metric.
const (
	KindCircuit = "circuit" // slower circuit builds: delay on the control port
	KindMemory  = "memory"  // more memory: a synthetic GeoIP file
	KindStreams = "streams" // fewer concurrent streams: a cap on SOCKS connections
)

// kindMetric maps an injection kind to the metric it worsens.
var kindMetric = map[string]string{
	KindCircuit: results.MetricCircuitBuildP95,
	KindMemory:  results.MetricMemorySteadyRSS,
	KindStreams: results.MetricStreamCapacity,
}

// targets reports whether an injection of kinds worsens the metric key.
func targets(kinds []string, key string) bool {
	for _, k := range kinds {
		if kindMetric[k] == key {
			return true
		}
	}
	return false
}

// An Injection is a regression made on purpose, with real mechanisms, to
// a Tor client: what the evaluation's detection power is measured with.
type Injection struct {
	// Name identifies the condition, e.g. "none" or "all+20%".
	Name string
	// Kinds and Size say what was asked: Size 0.2 is a 20 % regression of
	// each kind's metric.
	Kinds []string
	Size  float64
	// ControlDelay is added to each direction of the control port (a
	// circuit build gets 2×ControlDelay slower); SOCKSDelay likewise to
	// each stream.
	ControlDelay, SOCKSDelay time.Duration
	// MaxStreams caps the client's SOCKS connections open at once.
	MaxStreams int
	// GeoIPEntries is the size of the synthetic GeoIP file the client loads.
	GeoIPEntries int
}

// None reports whether the injection changes nothing.
func (in Injection) None() bool {
	return in.ControlDelay == 0 && in.SOCKSDelay == 0 && in.MaxStreams == 0 && in.GeoIPEntries == 0
}

func (in Injection) String() string {
	if in.None() {
		return "none"
	}
	var p []string
	if in.ControlDelay > 0 {
		p = append(p, fmt.Sprintf("control port +%v each way", in.ControlDelay))
	}
	if in.SOCKSDelay > 0 {
		p = append(p, fmt.Sprintf("SOCKS +%v each way", in.SOCKSDelay))
	}
	if in.MaxStreams > 0 {
		p = append(p, fmt.Sprintf("at most %d SOCKS connections", in.MaxStreams))
	}
	if in.GeoIPEntries > 0 {
		p = append(p, fmt.Sprintf("GeoIP file of %d entries (~%.1f MiB)", in.GeoIPEntries,
			float64(in.GeoIPEntries*GeoIPBytesPerEntry)/results.MiB))
	}
	return strings.Join(p, ", ")
}
