package torlab

import (
	"context"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// TestKeySet makes keys in an empty cache from two goroutines at once (two
// networks starting on a cold cache), then reads them back from the cache.
func TestKeySet(t *testing.T) {
	needTor(t)
	if testing.Short() {
		t.Skip("generates RSA keys")
	}
	t.Parallel()
	tor, err := exec.LookPath("tor")
	if err != nil {
		t.Fatal(err)
	}
	gencert, err := exec.LookPath("tor-gencert")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	names := []string{"auth1", "relay1"}
	ctx := context.Background()
	var wg sync.WaitGroup
	sets := make([]map[string]*nodeKeys, 2)
	errs := make([]error, 2)
	start := time.Now()
	for i := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sets[i], errs[i] = keySet(ctx, root, names, tor, gencert)
		}()
	}
	wg.Wait()
	t.Logf("cold cache, two concurrent makers: %v", time.Since(start).Round(time.Millisecond))
	for i, err := range errs {
		if err != nil {
			t.Fatalf("maker %d: %v", i, err)
		}
	}
	for _, name := range names {
		if sets[0][name].fingerprint != sets[1][name].fingerprint {
			t.Errorf("%s: the two makers disagree: %s vs %s", name, sets[0][name].fingerprint, sets[1][name].fingerprint)
		}
	}
	if sets[0]["auth1"].v3ident == "" || sets[0]["relay1"].v3ident != "" {
		t.Errorf("v3ident: auth1 %q, relay1 %q", sets[0]["auth1"].v3ident, sets[0]["relay1"].v3ident)
	}
	start = time.Now()
	again, err := keySet(ctx, root, names, "/nonexistent/tor", "/nonexistent/tor-gencert")
	if err != nil {
		t.Fatalf("warm cache: %v", err)
	}
	t.Logf("warm cache: %v", time.Since(start).Round(time.Millisecond))
	for _, name := range names {
		if again[name].fingerprint != sets[0][name].fingerprint {
			t.Errorf("%s: cache returned another key", name)
		}
	}
}
