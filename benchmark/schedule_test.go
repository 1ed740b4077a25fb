package benchmark

import (
	"fmt"
	"strings"
	"testing"
)

func TestSchedule(t *testing.T) {
	for _, tc := range []struct {
		n     int
		order Order
		want  string
	}{
		{0, Balanced, ""},
		{-3, ABBA, ""},
		{1, Balanced, "AB"},
		{2, Balanced, "ABBA"},
		{4, Balanced, "ABBABAAB"},
		{8, Balanced, "ABBABAABBAABABBA"},
		{3, Balanced, "ABBABA"},
		{1, ABBA, "AB"},
		{3, ABBA, "ABBAAB"},
		{4, ABBA, "ABBAABBA"},
		{3, Alternate, "ABABAB"},
	} {
		t.Run(fmt.Sprintf("%v/%d", tc.order, tc.n), func(t *testing.T) {
			if got := ScheduleString(Schedule(tc.n, tc.order)); got != tc.want {
				t.Errorf("Schedule(%d, %v) = %q, want %q", tc.n, tc.order, got, tc.want)
			}
		})
	}
}

// TestScheduleBalance checks the properties the A/B mode relies on, for
// every order and many lengths: n runs per side, and every even prefix
// balanced (so adaptive repetition may stop after any pair).
func TestScheduleBalance(t *testing.T) {
	for _, o := range []Order{Balanced, ABBA, Alternate} {
		for n := 1; n <= 64; n++ {
			s := Schedule(n, o)
			if len(s) != 2*n {
				t.Fatalf("%v n=%d: length %d", o, n, len(s))
			}
			d := 0
			for i, x := range s {
				if x == SideA {
					d++
				} else {
					d--
				}
				if i%2 == 1 && d != 0 {
					t.Fatalf("%v n=%d: prefix of %d runs unbalanced (%s)", o, n, i+1, ScheduleString(s))
				}
			}
		}
	}
}

// TestScheduleCancelsDrift checks that a drift of the machine that grows
// with time (a polynomial in the run's position) adds the same total to
// both sides: linear drift for ABBA blocks, and up to degree k-1 for the
// balanced order over 2^k runs.
func TestScheduleCancelsDrift(t *testing.T) {
	drift := func(s []Side, deg int) (sa, sb int) {
		for i, x := range s {
			v := 1
			for j := 0; j < deg; j++ {
				v *= i
			}
			if x == SideA {
				sa += v
			} else {
				sb += v
			}
		}
		return
	}
	for _, tc := range []struct {
		order  Order
		n, deg int
	}{
		{ABBA, 2, 1}, {ABBA, 6, 1},
		{Balanced, 2, 1}, {Balanced, 4, 2}, {Balanced, 8, 3}, {Balanced, 16, 4},
	} {
		t.Run(fmt.Sprintf("%v/%d/deg%d", tc.order, tc.n, tc.deg), func(t *testing.T) {
			for d := 0; d <= tc.deg; d++ {
				if a, b := drift(Schedule(tc.n, tc.order), d); a != b {
					t.Errorf("drift of degree %d: A gets %d, B gets %d", d, a, b)
				}
			}
		})
	}
	if a, b := drift(Schedule(4, Alternate), 1); a == b {
		t.Errorf("alternate order cancelled linear drift (%d, %d); the test cannot tell orders apart", a, b)
	}
}

func TestParseOrder(t *testing.T) {
	for _, o := range []Order{Balanced, ABBA, Alternate} {
		got, err := ParseOrder(o.String())
		if err != nil || got != o {
			t.Errorf("ParseOrder(%q) = %v, %v", o.String(), got, err)
		}
	}
	if _, err := ParseOrder("random"); err == nil {
		t.Error("ParseOrder(random) succeeded")
	}
}

func TestScheduleBlocks(t *testing.T) {
	for n, want := range map[int]string{1: "AB", 2: "ABBA", 3: "ABBA BA", 4: "ABBA BAAB", 5: "ABBA BAAB BA"} {
		if got := ScheduleBlocks(Schedule(n, Balanced)); got != want {
			t.Errorf("ScheduleBlocks(Schedule(%d)) = %q, want %q", n, got, want)
		}
	}
}

// FuzzParseOrder: only the three names parse.
func FuzzParseOrder(f *testing.F) {
	for _, s := range []string{"balanced", "ABBA", "alternate", "random", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOrder(s)
		if err == nil && !strings.EqualFold(o.String(), s) {
			t.Fatalf("%q parsed as %v", s, o)
		}
	})
}
