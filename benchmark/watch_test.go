package benchmark

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestWatchSeesClientExit: a suite's watch ends with the client's exit,
// whether the exited process was reaped or is left a zombie.
func TestWatchSeesClientExit(t *testing.T) {
	for _, tc := range []struct {
		name string
		reap bool
	}{{"reaped", true}, {"zombie", false}} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("sleep", "60")
			if err := cmd.Start(); err != nil {
				t.Skip(err)
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			s := NewSuite(nil, WithEndpoints(Endpoints{PID: cmd.Process.Pid}))
			defer s.Close()
			ctx, stop := s.watch(context.Background())
			defer stop()
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			if tc.reap {
				cmd.Wait()
			}
			select {
			case <-ctx.Done():
				if cause := context.Cause(ctx); !strings.Contains(fmt.Sprint(cause), "exited") {
					t.Errorf("cause %v, want the client's exit", cause)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("watch did not see the client exit")
			}
		})
	}
}
