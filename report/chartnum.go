package report

import (
	"math"
	"strconv"
	"strings"
)

// plottable reports whether a value in display units can be drawn: finite
// and below 10¹⁵ in magnitude (anything beyond is an absurd value, like an
// unsigned underflow, and would only flatten the chart).
func plottable(v float64) bool {
	return !math.IsNaN(v) && math.Abs(v) < 1e15
}

// chartNum formats a value with at most 4 significant digits (and no
// exponent, which mermaid does not read).
func chartNum(v float64) string {
	if v == 0 || !plottable(v) {
		return "0"
	}
	digits := 3 - int(math.Floor(math.Log10(math.Abs(v))))
	digits = max(0, min(digits, 6))
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func chartNums(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = chartNum(x)
	}
	return strings.Join(s, ", ")
}

// fineCeil rounds up to a multiple of a power of ten one decade below v.
func fineCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Ceil(v/p) * p
}

// niceFloor rounds down to a multiple of a power of ten one decade below v.
func niceFloor(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Floor(v/p) * p
}
