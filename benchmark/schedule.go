package benchmark

import (
	"fmt"
	"math/bits"
	"strings"
)

// A Side of an A/B comparison: A is the base version of the client (the
// baseline side), B the head version (the candidate).
type Side byte

// The two sides.
const (
	SideA Side = 'A'
	SideB Side = 'B'
)

func (s Side) String() string { return string(s) }

// An Order is how the runs of the two sides are interleaved.
type Order int

// The orders Schedule knows.
const (
	// Balanced is the Thue–Morse order ABBA BAAB BAAB ABBA …: every pair of
	// runs has one of each side, every block of four cancels a linear drift
	// of the machine, and every block of 2^k runs cancels a drift that is a
	// polynomial of degree k-1 (Prouhet). It is the default.
	Balanced Order = iota
	// ABBA repeats the block ABBA: pairs balanced, linear drift cancelled
	// within each block.
	ABBA
	// Alternate is ABAB…: pairs balanced, but A always runs first, so a
	// drift within a pair always favours the same side.
	Alternate
)

func (o Order) String() string {
	switch o {
	case Balanced:
		return "balanced"
	case ABBA:
		return "abba"
	case Alternate:
		return "alternate"
	}
	return fmt.Sprintf("Order(%d)", int(o))
}

// ParseOrder reads an Order by its name.
func ParseOrder(s string) (Order, error) {
	for _, o := range []Order{Balanced, ABBA, Alternate} {
		if strings.EqualFold(s, o.String()) {
			return o, nil
		}
	}
	return 0, fmt.Errorf("unknown order %q (want balanced, abba or alternate)", s)
}

// Schedule returns the order of 2n runs for n runs per side: element i
// says which side the i-th run measures. Every prefix of even length has
// as many runs of A as of B, so stopping after any pair (adaptive
// repetition) keeps the comparison balanced.
func Schedule(n int, o Order) []Side {
	if n <= 0 {
		return nil
	}
	s := make([]Side, 2*n)
	for i := range s {
		var b bool // true: B
		switch o {
		case ABBA:
			b = i%4 == 1 || i%4 == 2
		case Alternate:
			b = i%2 == 1
		default:
			b = bits.OnesCount(uint(i))%2 == 1
		}
		if b {
			s[i] = SideB
		} else {
			s[i] = SideA
		}
	}
	return s
}

// ScheduleString is the schedule as a string, e.g. "ABBABAAB".
func ScheduleString(s []Side) string {
	var b strings.Builder
	for _, x := range s {
		b.WriteByte(byte(x))
	}
	return b.String()
}

// ScheduleBlocks is the schedule in blocks of four, e.g. "ABBA BAAB BA":
// how a report shows it.
func ScheduleBlocks(s []Side) string {
	str := ScheduleString(s)
	var blocks []string
	for len(str) > 4 {
		blocks = append(blocks, str[:4])
		str = str[4:]
	}
	return strings.Join(append(blocks, str), " ")
}
