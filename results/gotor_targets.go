package results

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	// PERFORMANCE TARGETS: "✓ PASS: Name", "Target: 100+ …", "Actual: 50 streams …".
	reTargetHead  = regexp.MustCompile(`^(?:\S+\s+)?(PASS|FAIL):\s*(.+)$`)
	reTargetCount = regexp.MustCompile(`^(\d+)\+`)
	reActualCount = regexp.MustCompile(`^(\d+) streams?\b`)
)

// A goTorTarget is one entry of the PERFORMANCE TARGETS section.
type goTorTarget struct {
	pass           bool
	target, actual float64 // stream counts; -1 when not given
}

// readGoTorTarget reads one line of the PERFORMANCE TARGETS section into
// targets; cur is the entry the line's indented fields belong to.
func readGoTorTarget(line string, targets map[string]*goTorTarget, cur *goTorTarget) *goTorTarget {
	if m := reTargetHead.FindStringSubmatch(line); m != nil {
		t := &goTorTarget{pass: m[1] == "PASS", target: -1, actual: -1}
		targets[strings.TrimSpace(m[2])] = t
		return t
	}
	if cur == nil {
		return nil
	}
	k, v, ok := strings.Cut(line, ":")
	if !ok {
		return cur
	}
	v = strings.TrimSpace(v)
	count := func(re *regexp.Regexp) float64 {
		if m := re.FindStringSubmatch(v); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n <= 1e7 {
				return float64(n)
			}
		}
		return -1
	}
	switch k {
	case "Target":
		cur.target = count(reTargetCount)
	case "Actual":
		cur.actual = count(reActualCount)
	}
	return cur
}
