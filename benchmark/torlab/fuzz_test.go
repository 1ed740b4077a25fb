package torlab

import (
	"strings"
	"testing"
)

func FuzzParseConsensus(f *testing.F) {
	f.Add(readTestdata(f, "consensus.txt"))
	f.Add([]byte("network-status-version 3\nr n1 id dg 2026-01-01 00:00:00 127.0.0.1 9001 0\ns Exit Running\n"))
	f.Add([]byte("network-status-version 3\ns\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := parseConsensus(doc)
		if err != nil {
			return
		}
		for name, e := range c {
			if name != e.Nickname || strings.ContainsAny(name, " \t\n") {
				t.Fatalf("bad entry %q: %+v", name, e)
			}
		}
	})
}

func FuzzParseRouterNames(f *testing.F) {
	f.Add(readTestdata(f, "server-descriptors.txt"))
	f.Add([]byte("router \nrouter a\n"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		for name := range parseRouterNames(doc) {
			if name == "" || strings.ContainsAny(name, " \t\n") {
				t.Fatalf("bad router name %q", name)
			}
		}
	})
}

func FuzzParseFingerprintFile(f *testing.F) {
	f.Add(string(readTestdata(f, "fingerprint.txt")))
	f.Add(string(readTestdata(f, "authority_certificate.txt")))
	f.Fuzz(func(t *testing.T, s string) {
		if fp, err := parseFingerprintFile(s); err == nil && !isHexFingerprint(fp) {
			t.Fatalf("accepted %q as a fingerprint", fp)
		}
		if fp, err := parseCertIdent(s); err == nil && !isHexFingerprint(fp) {
			t.Fatalf("accepted %q as a v3 identity", fp)
		}
	})
}

func FuzzExpandCommand(f *testing.F) {
	for _, s := range []string{"/opt/tor -f {torrc}", `"a b" '{data_dir}' {socks_port}:{control_port}`, "x {", "'", "{nope}"} {
		f.Add(s)
	}
	vars := map[string]string{"torrc": "/t", "socks_port": "1", "control_port": "2", "data_dir": "/d"}
	f.Fuzz(func(t *testing.T, tmpl string) {
		argv, err := expandCommand(tmpl, vars)
		if err != nil {
			return
		}
		if len(argv) == 0 || argv[0] == "" {
			t.Fatalf("expandCommand(%q) = %q without error", tmpl, argv)
		}
		for _, w := range argv {
			if strings.Contains(w, "{torrc}") || strings.Contains(w, "{data_dir}") {
				t.Fatalf("placeholder left in %q", w)
			}
		}
	})
}
