package torlab

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseConsensus(t *testing.T) {
	got, err := parseConsensus(readTestdata(t, "consensus.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Fatalf("%d relays, want 8: %v", len(got), got)
	}
	for _, name := range []string{"auth1", "auth2", "auth3", "relay1", "relay2", "relay3", "exit1", "exit2"} {
		e, ok := got[name]
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if !slices.Contains(e.Flags, "Running") || !slices.Contains(e.Flags, "Valid") {
			t.Errorf("%s flags %v", name, e.Flags)
		}
	}
	if !slices.Contains(got["auth1"].Flags, "Authority") {
		t.Errorf("auth1 flags %v lack Authority", got["auth1"].Flags)
	}

	tests := []struct {
		name, doc string
		wantErr   bool
		want      int
	}{
		{"empty", "", true, 0},
		{"no header", "r a b c d e f g h\n", true, 0},
		{"header only", "network-status-version 3\n", false, 0},
		{"short r line", "network-status-version 3\nr a b\n", true, 0},
		{"s before r", "network-status-version 3\ns Running\n", true, 0},
		{"one", "network-status-version 3\nr n1 id dg 2026-01-01 00:00:00 127.0.0.1 9001 0\ns Exit Running\n", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConsensus([]byte(tt.doc))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && len(got) != tt.want {
				t.Errorf("%d relays, want %d", len(got), tt.want)
			}
		})
	}
}

func TestMissingRelays(t *testing.T) {
	c := map[string]consensusEntry{
		"relay1": {Nickname: "relay1", Flags: []string{"Running", "Valid"}},
		"relay2": {Nickname: "relay2", Flags: []string{"Valid"}},
		"exit1":  {Nickname: "exit1", Flags: []string{"Running"}},
		"exit2":  {Nickname: "exit2", Flags: []string{"Exit", "Running"}},
	}
	relays := []*Node{{Name: "relay1", Role: RoleRelay}, {Name: "relay2", Role: RoleRelay}, {Name: "relay3", Role: RoleRelay},
		{Name: "exit1", Role: RoleExit}, {Name: "exit2", Role: RoleExit}}
	got := missingRelays(c, relays)
	want := []string{"relay2", "relay3", "exit1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("missingRelays = %v, want %v", got, want)
	}
}

func TestParseRouterNames(t *testing.T) {
	got := parseRouterNames(readTestdata(t, "server-descriptors.txt"))
	if len(got) != 2 {
		t.Errorf("got %v, want two routers", got)
	}
}

func TestParseFingerprintFile(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"grouped", "Unnamed C699 F58D 2B25 9525 0C29 559E BBB4 3754 320A 6D7D\n", "C699F58D2B2595250C29559EBBB43754320A6D7D", false},
		{"plain lower", "relay1 c699f58d2b2595250c29559ebbb43754320a6d7d", "C699F58D2B2595250C29559EBBB43754320A6D7D", false},
		{"short", "Unnamed C699 F58D", "", true},
		{"not hex", "Unnamed ZZ99F58D2B2595250C29559EBBB43754320A6D7D", "", true},
		{"empty", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFingerprintFile(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseFingerprintFile(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := parseFingerprintFile(string(readTestdata(t, "fingerprint.txt"))); err != nil {
		t.Errorf("testdata/fingerprint.txt: %v", err)
	}
}

func TestParseCertIdent(t *testing.T) {
	got, err := parseCertIdent(string(readTestdata(t, "authority_certificate.txt")))
	if err != nil || !isHexFingerprint(got) {
		t.Fatalf("parseCertIdent = %q, %v", got, err)
	}
	for _, bad := range []string{"", "dir-key-certificate-version 3\n", "fingerprint XYZ\n"} {
		if _, err := parseCertIdent(bad); err == nil {
			t.Errorf("parseCertIdent(%q): no error", bad)
		}
	}
}

func TestExpandCommand(t *testing.T) {
	vars := map[string]string{"torrc": "/d/client/torrc", "socks_port": "9050", "control_port": "9051", "data_dir": "/d/client"}
	tests := []struct {
		name, tmpl string
		want       []string
		wantErr    string
	}{
		{"torrc", "/opt/tor -f {torrc}", []string{"/opt/tor", "-f", "/d/client/torrc"}, ""},
		{"all", "tor --SocksPort {socks_port} --ControlPort={control_port} --DataDirectory {data_dir}",
			[]string{"tor", "--SocksPort", "9050", "--ControlPort=9051", "--DataDirectory", "/d/client"}, ""},
		{"quotes", `"/opt/my tor/tor" -f '{torrc}' ""`, []string{"/opt/my tor/tor", "-f", "/d/client/torrc", ""}, ""},
		{"two in a word", "x {socks_port}:{control_port}", []string{"x", "9050:9051"}, ""},
		{"spaces", "  tor \t -f\n{torrc}  ", []string{"tor", "-f", "/d/client/torrc"}, ""},
		{"unknown placeholder", "tor {nope}", nil, "unknown placeholder {nope}"},
		{"unclosed brace", "tor {torrc", nil, "unclosed {"},
		{"unterminated quote", "tor 'x", nil, "unterminated"},
		{"empty", "   ", nil, "empty"},
		{"empty program", `"" -f {torrc}`, nil, "no program"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := expandCommand(tt.tmpl, vars)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"a\nb\nc\n", 2, "b\nc\n"},
		{"a\nb\nc", 5, "a\nb\nc\n"},
		{"a\n\n\n", 1, "a\n"},
		{"a\nb", 0, ""},
	}
	for _, tt := range tests {
		if got := lastLines([]byte(tt.in), tt.n); got != tt.want {
			t.Errorf("lastLines(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
