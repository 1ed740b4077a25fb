package gate_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"testing"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/gate"
)

// TestMain skips the package, its example included, where tor is missing:
// the gate runs real tor.
func TestMain(m *testing.M) {
	for _, bin := range []string{"tor", "tor-gencert"} {
		if _, err := exec.LookPath(bin); err != nil {
			fmt.Printf("gate: skipped: %s not found (install Debian's tor package)\n", bin)
			os.Exit(0)
		}
	}
	os.Exit(m.Run())
}

// The gate on one quick run of the suite, without a stored baseline: the
// seed's targets alone decide.
func Example() {
	out, err := gate.Run(context.Background(), gate.Options{
		Suite: benchmark.RunOptions{Runs: 1, Quick: true, Config: benchmark.QuickConfig()},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(out.Head.Runs), "run, decided:", out.Report.Verdict != check.VerdictError)
	// Output: 1 run, decided: true
}
