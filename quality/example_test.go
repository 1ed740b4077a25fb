package quality_test

import (
	"fmt"

	"github.com/perfgate/perfgate/quality"
)

// Replaying collected runs: the fixture's 8 real networks, compared with
// themselves (A/A) and with a synthetic +50 % regression of the three
// gated metrics, as 'perfgate evaluate replay --runs-per-side 1,3
// --synthetic 0.5 --pairs 20 --resamples 200 FILE' does.
func Example() {
	eval, err := quality.ReplaySpec{RunsPerSide: "1,3", Synthetic: "0.5", MaxPairs: 20, Resamples: 200}.Options()
	if err != nil {
		fmt.Println(err)
		return
	}
	cells, err := quality.ReplayFiles([]string{"testdata/loopback-noise.json"}, quality.ReplayOptions{Eval: eval})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cells {
		fmt.Printf("%s, %d run(s) a side: %d of %d comparisons, %.0f %% alarmed, %.0f s a verdict\n",
			c.Condition, c.K, c.Comparisons, c.Possible, 100*c.Rate(), c.VerdictS)
	}
	// Output:
	// A/A, 1 run(s) a side: 20 of 56 comparisons, 0 % alarmed, 40 s a verdict
	// synthetic +50%, 1 run(s) a side: 20 of 56 comparisons, 100 % alarmed, 40 s a verdict
	// A/A, 3 run(s) a side: 20 of 560 comparisons, 0 % alarmed, 120 s a verdict
	// synthetic +50%, 3 run(s) a side: 20 of 560 comparisons, 100 % alarmed, 120 s a verdict
}
