package short_test

import (
	"fmt"

	"github.com/perfgate/perfgate/internal/short"
)

func Example() {
	fmt.Println(short.Commit("4e43603d1c2b9a8f"))
	fmt.Println(short.Line("run 2 failed:\n  tor exited", 16))
	// Output:
	// 4e43603
	// run 2 failed: t…
}
