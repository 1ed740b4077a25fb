package quality

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/perfgate/perfgate/benchmark"
)

// injectedCommand returns the client command template for the injected
// client ("" when the injection needs none: the system's tor as is).
func injectedCommand(in Injection, dir string) (string, func(), error) {
	if in.GeoIPEntries == 0 {
		return "", func() {}, nil
	}
	tmp, err := os.MkdirTemp(dir, "perfgate-quality-")
	if err != nil {
		return "", nil, fmt.Errorf("collect: %w", err)
	}
	cleanup := func() { os.RemoveAll(tmp) }
	path := filepath.Join(tmp, "geoip")
	if err := WriteGeoIP(path, in.GeoIPEntries); err != nil {
		cleanup()
		return "", nil, err
	}
	tor, err := exec.LookPath("tor")
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("collect: %w", err)
	}
	// Options on tor's command line override the torrc torlab writes (which
	// points GeoIPFile at an empty file).
	return fmt.Sprintf("%q --defaults-torrc %s -f {torrc} --GeoIPFile %q", tor, os.DevNull, path), cleanup, nil
}

// relays puts the injection's relays in front of a client's control and
// SOCKS ports (ep) and returns the endpoints the suite should use.
func relays(ep benchmark.Endpoints, in Injection) (benchmark.Endpoints, func(), error) {
	c := ep
	var open []*Relay
	closeAll := func() {
		for _, r := range open {
			r.Close()
		}
	}
	if in.ControlDelay > 0 {
		r, err := StartRelay(RelayOptions{Target: c.ControlAddr, UpDelay: in.ControlDelay, DownDelay: in.ControlDelay, Dial: ep.Dial, Listen: ep.Listen})
		if err != nil {
			return ep, nil, err
		}
		open = append(open, r)
		ep.ControlAddr = r.Addr()
	}
	if in.SOCKSDelay > 0 || in.MaxStreams > 0 {
		r, err := StartRelay(RelayOptions{Target: c.SOCKSAddr, UpDelay: in.SOCKSDelay, DownDelay: in.SOCKSDelay, MaxConns: in.MaxStreams, Dial: ep.Dial, Listen: ep.Listen})
		if err != nil {
			closeAll()
			return ep, nil, err
		}
		open = append(open, r)
		ep.SOCKSAddr = r.Addr()
	}
	return ep, closeAll, nil
}
