package torlab

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestRenderTorrc compares the torrc of every role with testdata/torrc/*.golden.
func TestRenderTorrc(t *testing.T) {
	auth := &Node{Name: "auth1", Role: RoleAuthority, DataDir: "/net/auth1", ORPort: 5001, DirPort: 5002, ControlPort: 5003,
		Fingerprint: "C699F58D2B2595250C29559EBBB43754320A6D7D", V3Ident: "8E27445B73692348EFA7616E229E46910346F022"}
	cfg := torrcConfig{authorities: []*Node{auth}, emptyGeoIP: "/net/geoip-empty", ownerPID: 4242, bwFile: "/net/bandwidths", voteOffset: 3}
	nodes := []*Node{
		auth,
		{Name: "relay1", Role: RoleRelay, DataDir: "/net/relay1", ORPort: 5011, ControlPort: 5012},
		{Name: "exit1", Role: RoleExit, DataDir: "/net/exit1", ORPort: 5021, ControlPort: 5022},
		{Name: "client", Role: RoleClient, DataDir: "/net/client", SOCKSPort: 5031, ControlPort: 5032},
	}
	for _, nd := range nodes {
		t.Run(nd.Name, func(t *testing.T) {
			got := renderTorrc(nd, cfg)
			path := filepath.Join("testdata", "torrc", string(nd.Role)+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("torrc of %s differs from %s (run with -update if intended):\n%s", nd.Name, path, got)
			}
		})
	}
}

func TestBandwidthFile(t *testing.T) {
	got := bandwidthFile(time.Unix(1700000000, 0), []*Node{{Fingerprint: "AA"}, {Fingerprint: "BB"}})
	want := "1700000000\nnode_id=$AA bw=1000\nnode_id=$BB bw=1000\n"
	if got != want {
		t.Errorf("bandwidthFile = %q, want %q", got, want)
	}
}

func TestVotingStartOffset(t *testing.T) {
	tests := []struct {
		now       time.Time
		after     time.Duration
		wantOff   int
		wantValid int64
	}{
		// 1700000000 is a multiple of 5 (and of 86400/5 grid): offsets count from it.
		{time.Unix(1700000000, 0), 4 * time.Second, 1, 1700000006},
		{time.Unix(1700000000, 1), 4 * time.Second, 2, 1700000007},
		{time.Unix(1700000003, 0), 1500 * time.Millisecond, 2, 1700000007},
	}
	for _, tt := range tests {
		off, va := votingStartOffset(tt.now, tt.after)
		if off != tt.wantOff || va.Unix() != tt.wantValid {
			t.Errorf("votingStartOffset(%v, %v) = %d, %d; want %d, %d", tt.now.Unix(), tt.after, off, va.Unix(), tt.wantOff, tt.wantValid)
		}
		if va.Sub(tt.now) < tt.after+voteDelay*time.Second {
			t.Errorf("valid-after %v too early for a vote %v after %v", va.Unix(), tt.after, tt.now.Unix())
		}
	}
}
