package torlab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// The network the ordinary tests share: started by the first test that asks
// for it (benchmarks and fuzzing do not pay for it), closed by TestMain.
var (
	sharedOnce sync.Once
	sharedNet  *Network
	sharedErr  error
)

// torMissing says why the tests that need tor cannot run ("" when they can):
// TestMain prints it once, and needTor skips each such test with it.
var torMissing string

// needTor skips a test that runs tor where tor or tor-gencert is missing.
func needTor(t testing.TB) {
	t.Helper()
	if torMissing != "" {
		t.Skip(torMissing)
	}
}

// sharedNetwork returns the package's shared network, starting it on first use.
func sharedNetwork(t testing.TB) *Network {
	t.Helper()
	needTor(t)
	sharedOnce.Do(func() {
		sharedNet, sharedErr = Start(context.Background(), Options{})
		if sharedErr == nil {
			fmt.Fprintf(os.Stderr, "torlab tests: shared network ready after %v\n", sharedNet.StartupDuration().Round(time.Millisecond))
		}
	})
	if sharedErr != nil {
		t.Fatalf("starting the shared network: %v", sharedErr)
	}
	return sharedNet
}

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	for _, name := range []string{"tor", "tor-gencert"} {
		if _, err := exec.LookPath(name); err != nil {
			torMissing = name + " is not installed (make deps installs Debian's tor): the tests that run a network are skipped"
			fmt.Fprintln(os.Stderr, "TestMain:", torMissing)
			break
		}
	}
	startOnMainThread()
	code := m.Run()
	if sharedNet != nil {
		if err := sharedNet.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "TestMain:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// testLog is an io.Writer that logs each line through t.Log.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
