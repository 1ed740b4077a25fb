package quality

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestWriteGeoIP(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{0, 1, 7, 1000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			p := filepath.Join(dir, fmt.Sprintf("geoip%d", n))
			if err := WriteGeoIP(p, n); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			lines := 0
			var prevHi uint64
			for sc.Scan() {
				parts := strings.Split(sc.Text(), ",")
				if len(parts) != 3 || len(parts[2]) != 2 {
					t.Fatalf("line %d: %q is not FROM,TO,CC", lines+1, sc.Text())
				}
				lo, err1 := strconv.ParseUint(parts[0], 10, 32)
				hi, err2 := strconv.ParseUint(parts[1], 10, 32)
				if err1 != nil || err2 != nil || lo > hi || lo <= prevHi {
					t.Fatalf("line %d: %q: bad or unsorted range", lines+1, sc.Text())
				}
				prevHi = hi
				lines++
			}
			if lines != n {
				t.Errorf("%d lines, want %d", lines, n)
			}
		})
	}
	if err := WriteGeoIP(filepath.Join(dir, "x"), -1); err == nil {
		t.Error("WriteGeoIP(-1) succeeded")
	}
	if err := WriteGeoIP(filepath.Join(dir, "no", "such", "dir"), 1); err == nil {
		t.Error("WriteGeoIP into a missing directory succeeded")
	}
	if got := GeoIPEntriesFor(43 * 1000); got != 1000 {
		t.Errorf("GeoIPEntriesFor = %d, want 1000", got)
	}
}

// torRSS starts the system's tor as a client with its network disabled (no
// traffic at all), with geoip as its GeoIPFile, waits until it has parsed
// it and started, and returns its VmRSS in bytes.
func torRSS(t *testing.T, geoip string) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	data := t.TempDir()
	os.Chmod(data, 0o700)
	empty := filepath.Join(data, "empty")
	os.WriteFile(empty, nil, 0o600)
	cmd := exec.CommandContext(ctx, "tor", "--ignore-missing-torrc", "--defaults-torrc", "/dev/null", "-f", "/dev/null",
		"--DataDirectory", data, "--DisableNetwork", "1", "--SocksPort", "0", "--ControlPort", "0",
		"--GeoIPFile", geoip, "--GeoIPv6File", empty, "--Log", "notice stdout", "--RunAsDaemon", "0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	sc := bufio.NewScanner(out)
	started := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Bootstrapped 0%") {
			started = true
			break
		}
	}
	if !started {
		t.Fatalf("tor did not start (geoip %s)", geoip)
	}
	go func() {
		for sc.Scan() {
		}
	}()
	// Let the allocator settle, then read the resident set.
	time.Sleep(500 * time.Millisecond)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// TestGeoIPGrowsRSS checks the injector against real tor: a synthetic GeoIP
// file of n entries makes the client hold about n × GeoIPBytesPerEntry more
// memory. Memory, unlike time, is stable enough to bound (within ±50 %).
func TestGeoIPGrowsRSS(t *testing.T) {
	if _, err := exec.LookPath("tor"); err != nil {
		t.Skip("tor is not installed (make deps installs Debian's tor)")
	}
	dir := t.TempDir()
	const n = 100000
	empty, big := filepath.Join(dir, "empty"), filepath.Join(dir, "big")
	if err := WriteGeoIP(empty, 0); err != nil {
		t.Fatal(err)
	}
	if err := WriteGeoIP(big, n); err != nil {
		t.Fatal(err)
	}
	base := torRSS(t, empty)
	grown := torRSS(t, big)
	extra := float64(grown) - float64(base)
	want := float64(n * GeoIPBytesPerEntry)
	t.Logf("VmRSS %d kB with no entries, %d kB with %d: %.0f bytes per entry", base>>10, grown>>10, n, extra/n)
	if extra < 0.5*want || extra > 1.5*want {
		t.Errorf("RSS grew by %.0f bytes with %d entries, want %.0f ± 50 %%", extra, n, want)
	}
}
