package results

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Units of metric values. Values are stored in base units; renderers pick
// human units (ms, MiB).
const (
	UnitSeconds      = "s"
	UnitBytes        = "bytes"
	UnitStreams      = "streams"
	UnitRatio        = "ratio"
	UnitBytesPerStep = "bytes/cycle"
	UnitPerSecond    = "ops/s"
)

// MiB is the "MB" of the seed's 50 MB target: go-tor divides bytes by
// 1024·1024 and calls the result MB.
const MiB = 1 << 20

// plausible reports whether v is a believable value in unit: finite, not
// negative where that is meaningless, and below a bound no real run
// reaches (a day of latency, a PiB of memory). Values beyond it are
// measurement bugs, like go-tor's 16 EiB unsigned underflow.
func Plausible(unit string, v float64) bool {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	switch unit {
	case UnitSeconds:
		return v >= 0 && v <= 86400
	case UnitBytes:
		return v >= 0 && v <= 1<<50
	case UnitStreams:
		return v >= 0 && v <= 1e7
	case UnitRatio:
		return v >= 0 && v <= 1
	case UnitBytesPerStep:
		return math.Abs(v) <= 1<<40
	case UnitPerSecond:
		return v >= 0 && v <= 1e12
	default:
		return math.Abs(v) <= 1e15
	}
}

// plausibleExtra is plausible for an additional metric: the coefficients of
// a fitted line (stream scaling's p95_fit_intercept_s, p95_fit_slope_…)
// are signed, so a negative one is no measurement bug.
func PlausibleExtra(key string, v float64) bool {
	if strings.Contains(key, "_fit_") {
		return !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) <= 1e15
	}
	return Plausible(UnitOfExtra(key), v)
}

// unitOfExtra guesses the unit of an additional metric from its key's suffix.
func UnitOfExtra(key string) string {
	switch {
	case strings.HasSuffix(key, "_per_s"): // before "_s": a rate, not a duration
		return UnitPerSecond
	case strings.HasSuffix(key, "_s"):
		return UnitSeconds
	case strings.HasSuffix(key, "_bytes"):
		return UnitBytes
	case strings.HasSuffix(key, "_ratio"):
		return UnitRatio
	}
	return ""
}

var byteUnits = map[string]float64{
	"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40, "pib": 1 << 50, "eib": 1 << 60,
}

// ParseQuantity parses "12", "5s", "250ms", "1m44.9s", "50MiB", "146.5 KiB".
func ParseQuantity(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if v, err := strconv.ParseFloat(t, 64); err == nil {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%q is not a finite number", s)
		}
		return v, nil
	}
	if d, err := time.ParseDuration(strings.ReplaceAll(t, " ", "")); err == nil {
		return d.Seconds(), nil
	}
	i := strings.IndexFunc(t, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E')
	})
	if i > 0 {
		num, unit := strings.TrimSpace(t[:i]), strings.ToLower(strings.TrimSpace(t[i:]))
		if f, ok := byteUnits[unit]; ok {
			v, err := strconv.ParseFloat(num, 64)
			if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
				return v * f, nil
			}
		}
	}
	return 0, fmt.Errorf("%q is not a number, a duration (5s) or a byte size (50MiB)", s)
}
