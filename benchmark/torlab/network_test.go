package torlab

import (
	"context"
	"testing"
	"time"
)

func TestRoundTripThroughExit(t *testing.T) {
	n := sharedNetwork(t)
	c := n.Client()
	for i := range 3 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := c.RoundTrip(ctx, n.EchoAddr())
		cancel()
		if err != nil {
			t.Fatalf("round trip %d: %v", i, err)
		}
	}
	if err := n.Err(); err != nil {
		t.Fatalf("Err() = %v on a healthy network", err)
	}
}
