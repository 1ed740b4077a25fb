package torlab_test

import (
	"fmt"

	"github.com/perfgate/perfgate/benchmark/torlab"
)

// The loopback mode comes from a flag or a config as text; auto (or "")
// lets Start take the best the process can have.
func ExampleParseLoopbackMode() {
	for _, s := range []string{"auto", "namespace", "shim", "host", "bridge"} {
		m, err := torlab.ParseLoopbackMode(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		if m == torlab.LoopbackAuto {
			fmt.Println("auto: the best this process can have")
			continue
		}
		fmt.Println(m)
	}
	// Output:
	// auto: the best this process can have
	// namespace
	// shim
	// host
	// torlab: unknown loopback mode "bridge" (want auto, namespace, shim or host)
}
