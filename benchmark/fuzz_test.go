package benchmark

import "testing"

func FuzzParseProcStatus(f *testing.F) {
	f.Add([]byte("Name:\ttor\nVmRSS:\t  19460 kB\nVmHWM:\t21004 kB\n"))
	f.Add([]byte("55d0c0a00000-7ffd3b1f5000 ---p 00000000 00:00 0  [rollup]\nRss:  19460 kB\nPss:  15021 kB\n"))
	f.Add([]byte("VmRSS: 99999999999999999999 kB\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseProcStatus(data)
		if err == nil {
			for k, v := range m {
				if v%1024 != 0 {
					t.Errorf("%s = %d is not a whole number of kB", k, v)
				}
			}
		}
	})
}

func FuzzParseProcStat(f *testing.F) {
	f.Add([]byte("1234 (tor) S 1 1234 1234 0 -1 4194560 2000 0 0 0 150 25 0 0 20 0 1 0 100"))
	f.Add([]byte("9 (a) b) R 1 9 9 0 -1 0 0 0 0 0 7 3"))
	f.Add([]byte(")"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseProcStat(data)
		if err == nil && d < 0 {
			t.Errorf("negative CPU time %v", d)
		}
	})
}

func FuzzParseCircuitStatus(f *testing.F) {
	f.Add("4 BUILT $AA~relay1,$BB~relay2 PURPOSE=GENERAL SOCKS_USERNAME=\"mux-1\"\n9 EXTENDED $AA~relay1\n")
	f.Add("")
	f.Add(".\n\n=")
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range parseCircuitStatus(s) {
			if c == nil {
				t.Fatal("nil circuit")
			}
		}
	})
}

func FuzzParseTorVersion(f *testing.F) {
	f.Add("Tor version 0.4.9.11.\n")
	f.Add("0.4.9.11 (git-abc)")
	f.Fuzz(func(t *testing.T, s string) { ParseTorVersion(s) })
}
