package quality

import (
	"flag"
	"io"
	"testing"
	"time"
)

// TestRegister: the specs' flags fill the specs, with their defaults.
func TestRegister(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		check func(t *testing.T, s SuiteSpec, r ReplaySpec)
	}{
		{"defaults", nil, func(t *testing.T, s SuiteSpec, r ReplaySpec) {
			if !s.Quick || s.Timeout != 10*time.Minute || s.Loopback != "auto" || r.RunsPerSide != "1,2,3" || r.MaxPairs != 200 {
				t.Errorf("suite %+v, replay %+v", s, r)
			}
		}},
		{"given", []string{"--quick=false", "--circuits", "200", "--loopback", "shim", "--runs-per-side", "5", "--adaptive", "2:5:4m", "--test", "rank"},
			func(t *testing.T, s SuiteSpec, r ReplaySpec) {
				if s.Quick || s.Circuits != 200 || s.Loopback != "shim" || r.RunsPerSide != "5" || r.Adaptive != "2:5:4m" || r.Test != "rank" {
					t.Errorf("suite %+v, replay %+v", s, r)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s SuiteSpec
			var r ReplaySpec
			fs := flag.NewFlagSet("evaluate all", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			s.Register(fs)
			r.Register(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			tc.check(t, s, r)
		})
	}
}
