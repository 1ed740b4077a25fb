package check

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/perfgate/perfgate/results"
)

// FormatValue renders a value of a unit for humans: latencies in ms or s,
// memory in binary units (KiB, MiB, GiB), counts without decimals.
func FormatValue(v float64, unit string) string {
	switch unit {
	case results.UnitSeconds:
		switch a := math.Abs(v); {
		case a >= 10:
			return FormatFloat(v, 1) + " s"
		case a >= 1:
			return FormatFloat(v, 2) + " s"
		case a >= 0.001 || a == 0:
			return FormatFloat(v*1e3, 1) + " ms"
		default:
			return FormatFloat(v*1e6, 1) + " µs"
		}
	case results.UnitBytes, results.UnitBytesPerStep:
		s := formatBytes(v)
		if unit == results.UnitBytesPerStep {
			s += "/cycle"
		}
		return s
	case results.UnitStreams:
		// Whole streams: the capacity is an estimate between levels.
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case results.UnitRatio:
		return FormatFloat(v*100, 1) + " %"
	case results.UnitPerSecond:
		return FormatFloat(v, 1) + "/s"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

func formatBytes(v float64) string {
	a := math.Abs(v)
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for a >= 1024 && i < len(units)-1 {
		a /= 1024
		v /= 1024
		i++
	}
	if i == 0 {
		return FormatFloat(v, 0) + " B"
	}
	return FormatFloat(v, 1) + " " + units[i]
}

// FormatFloat formats v with at most prec decimals.
func FormatFloat(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" || strings.HasPrefix(s, "-0.") && strings.Trim(s[3:], "0") == "" {
		s = s[1:]
	}
	return s
}

// FormatPct renders a relative change as a signed percentage.
func FormatPct(rel float64) string {
	p := rel * 100
	s := FormatFloat(p, 1)
	if s == "0" {
		return "±0 %"
	}
	if p > 0 {
		s = "+" + s
	} else {
		s = "−" + strings.TrimPrefix(s, "-")
	}
	return s + " %"
}

// FormatP renders a p-value.
func FormatP(p float64) string {
	if p < 0.001 {
		return "p<0.001"
	}
	return fmt.Sprintf("p=%.3f", p)
}
