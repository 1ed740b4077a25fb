package changepoint_test

import (
	"fmt"

	"github.com/perfgate/perfgate/changepoint"
)

// p95 returns a made-up circuit-build p95 in milliseconds for 32 commits:
// about 10.9 ms with some jitter, 20 % slower from commit 24 on.
func p95() []float64 {
	var series []float64
	for i := range 32 {
		v := 10.9 + 0.2*float64(i%5-2)
		if i >= 24 {
			v *= 1.2
		}
		series = append(series, v)
	}
	return series
}

func Example() {
	cps, err := changepoint.Detect(p95(), nil, changepoint.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cps {
		fmt.Printf("commit %d: %.2f ms -> %.2f ms (%+.0f %%), p = %.3f\n",
			c.Index, c.Before, c.After, 100*c.RelChange, c.P)
	}
	// Output:
	// commit 24: 10.90 ms -> 12.96 ms (+19 %), p = 0.005
}

// A boundary marks a change of environment, here another machine from
// commit 24 on: the step there is not reported.
func ExampleDetect_boundaries() {
	cps, err := changepoint.Detect(p95(), []int{24}, changepoint.Options{})
	fmt.Println(len(cps), err)
	// Output:
	// 0 <nil>
}
