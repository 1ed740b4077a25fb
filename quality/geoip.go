package quality

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// GeoIPBytesPerEntry is how much resident memory one entry of a GeoIP IPv4
// file costs a Tor client (Debian's tor 0.4.9.11, amd64), calibrated by
// TestGeoIPGrowsRSS's measurement: 100 000 entries added 4.3 MB of VmRSS
// (10 000: 0.56 MB, 50 000: 2.1 MB), linear within a few percent.
const GeoIPBytesPerEntry = 43

// geoipCountries are the country codes the synthetic entries cycle through.
var geoipCountries = []string{"US", "DE", "FR", "NL", "SE", "JP", "BR", "CA"}

// WriteGeoIP writes a synthetic IPv4 GeoIP file of n entries in tor's
// format ("FROM,TO,CC" per line, integer addresses, sorted, disjoint) to
// path, atomically. A Tor client given it as GeoIPFile parses it at start
// and keeps every entry in memory for its whole life, so its steady-state
// RSS grows by about n × GeoIPBytesPerEntry: a memory regression of a
// controlled size made with a real mechanism of the client itself.
func WriteGeoIP(path string, n int) error {
	if n < 0 {
		return fmt.Errorf("geoip: negative entry count %d", n)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".geoip-*")
	if err != nil {
		return fmt.Errorf("geoip: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if n > 0 {
		step := uint64(1<<32-2) / uint64(n)
		for i := 0; i < n; i++ {
			lo := uint64(i)*step + 1
			fmt.Fprintf(w, "%d,%d,%s\n", lo, lo+step-1, geoipCountries[i%len(geoipCountries)])
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("geoip: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("geoip: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("geoip: %w", err)
	}
	return nil
}

// GeoIPEntriesFor is the number of synthetic GeoIP entries that make a
// Tor client hold about extra more bytes.
func GeoIPEntriesFor(extra uint64) int {
	return int(extra / GeoIPBytesPerEntry)
}
