package torlab

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// shared is the network the ordinary tests share (TestMain starts it).
var shared *Network

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	shared, err = Start(ctx, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain: starting the shared network:", err)
		cancel()
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "TestMain: shared network ready after %v\n", shared.StartupDuration().Round(time.Millisecond))
	code := m.Run()
	if err := shared.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		code = 1
	}
	cancel()
	os.Exit(code)
}

func TestRoundTripThroughExit(t *testing.T) {
	c := shared.Client()
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := c.RoundTrip(ctx, shared.EchoAddr())
		cancel()
		if err != nil {
			t.Fatalf("round trip %d: %v", i, err)
		}
	}
	if err := shared.Err(); err != nil {
		t.Fatalf("Err() = %v on a healthy network", err)
	}
}
