package quality

import (
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
)

func TestSuiteSpec(t *testing.T) {
	quick := benchmark.QuickConfig()
	for _, tc := range []struct {
		name string
		spec SuiteSpec
		// circuits and warmup are the configuration's, order and
		// loopback the options'.
		circuits, warmup int
		order            benchmark.Order
		loopback         torlab.LoopbackMode
		bad              string
	}{
		{name: "quick", spec: SuiteSpec{Quick: true, Order: "balanced", Loopback: "auto"},
			circuits: quick.Circuits, warmup: quick.CircuitWarmup, order: benchmark.Balanced},
		{name: "defaults", spec: SuiteSpec{}, circuits: benchmark.DefaultConfig().Circuits,
			warmup: benchmark.DefaultConfig().CircuitWarmup, order: benchmark.Balanced},
		{name: "more circuits, no warm-up", spec: SuiteSpec{Quick: true, Circuits: 400, Warmup: -1, Order: "ABBA", Loopback: "shim"},
			circuits: 400, warmup: -1, order: benchmark.ABBA, loopback: torlab.LoopbackShim},
		{name: "bad order", spec: SuiteSpec{Order: "random"}, bad: "--order: unknown order"},
		{name: "bad loopback", spec: SuiteSpec{Loopback: "tunnel"}, bad: "--loopback:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Timeout = time.Minute
			o, err := tc.spec.Options()
			if tc.bad != "" {
				if err == nil || !strings.Contains(err.Error(), tc.bad) {
					t.Errorf("error %v, want one saying %q", err, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Config.Circuits != tc.circuits || o.Config.CircuitWarmup != tc.warmup || o.Order != tc.order ||
				o.Loopback != tc.loopback || o.Quick != tc.spec.Quick || o.Timeout != time.Minute {
				t.Errorf("Options = %+v", o)
			}
		})
	}
}
