package quality

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestPlanInjection(t *testing.T) {
	base := BaseValues{CircuitP95: 65e6, RSS: 19 << 20, Capacity: 1000}
	in, err := PlanInjection([]string{KindCircuit, KindMemory, KindStreams}, 0.2, base)
	if err != nil {
		t.Fatal(err)
	}
	if in.ControlDelay != 6.5e6 || in.MaxStreams != 800 || in.GeoIPEntries != GeoIPEntriesFor(uint64(0.2*float64(base.RSS))) {
		t.Errorf("PlanInjection = %+v", in)
	}
	if in.Name != "circuit+memory+streams+20%" {
		t.Errorf("name %q", in.Name)
	}
	for name, tc := range map[string]struct {
		kinds []string
		size  float64
		base  BaseValues
	}{
		"size 0":       {[]string{KindCircuit}, 0, base},
		"size 1":       {[]string{KindCircuit}, 1, base},
		"unknown kind": {[]string{"cpu"}, 0.2, base},
		"no p95":       {[]string{KindCircuit}, 0.2, BaseValues{}},
		"no rss":       {[]string{KindMemory}, 0.2, BaseValues{}},
		"no capacity":  {[]string{KindStreams}, 0.2, BaseValues{}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := PlanInjection(tc.kinds, tc.size, tc.base); err == nil {
				t.Error("PlanInjection succeeded")
			}
		})
	}
}

func TestPlanInjectionSizes(t *testing.T) {
	base := BaseValues{CircuitP95: 60e6, RSS: 20 << 20, Capacity: 1000}
	in, err := PlanInjectionSizes(map[string]float64{KindCircuit: 0.2, KindMemory: 0.1, KindStreams: 0.2}, base)
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "circuit+20%,memory+10%,streams+20%" || in.ControlDelay != 6e6 || in.MaxStreams != 800 ||
		in.GeoIPEntries != GeoIPEntriesFor(2<<20) || in.Size != 0 || len(in.Kinds) != 3 {
		t.Errorf("PlanInjectionSizes = %+v", in)
	}
	if _, err := PlanInjectionSizes(nil, base); err == nil {
		t.Error("no kinds: no error")
	}
	if _, err := PlanInjectionSizes(map[string]float64{"cpu": 0.2}, base); err == nil {
		t.Error("unknown kind: no error")
	}
}

func TestParseInjection(t *testing.T) {
	base, err := BaseValuesOf(loadNoise(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, kinds, calibrate string
		want                   string // the injection's name, or a part of the error
		bad                    bool
	}{
		{name: "none", want: "none"},
		{name: "none needs no calibration", calibrate: "no-such.json", want: "none"},
		{name: "sizes per kind", kinds: "circuit=0.2, memory=0.1,streams", calibrate: noiseFixture, want: "circuit+20%,memory+10%,streams+30%"},
		{name: "no calibration", kinds: "circuit", want: "--calibrate", bad: true},
		{name: "calibration missing", kinds: "circuit", calibrate: "no-such.json", want: "no-such.json", bad: true},
		{name: "bad size", kinds: "circuit=big", calibrate: noiseFixture, want: `"big" is not a size`, bad: true},
		{name: "unknown kind", kinds: "cpu", calibrate: noiseFixture, want: `--inject: unknown injection kind "cpu"`, bad: true},
		{name: "size out of range", kinds: "memory=1.5", calibrate: noiseFixture, want: "want between 0 and 1", bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := ParseInjection(tc.kinds, 0.3, tc.calibrate)
			if tc.bad {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("ParseInjection(%q) = %+v, %v; want an error saying %q", tc.kinds, in, err, tc.want)
				}
				return
			}
			if err != nil || in.Name != tc.want {
				t.Fatalf("ParseInjection(%q) = %+v, %v; want %q", tc.kinds, in, err, tc.want)
			}
			if tc.kinds != "" && (in.ControlDelay != time.Duration(0.2*float64(base.CircuitP95)/2) ||
				in.MaxStreams != int(math.Floor(0.7*float64(base.Capacity)))) {
				t.Errorf("ParseInjection(%q) = %+v, not planned from %+v", tc.kinds, in, base)
			}
		})
	}
}
