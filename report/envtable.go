package report

import (
	"fmt"
	"strings"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// envRows compares the two sides' provenance and environment.
func envRows(r *check.Report) [][3]string {
	var b check.SideInfo
	if r.Baseline != nil {
		b = *r.Baseline
	}
	c := r.Current
	date := func(s check.SideInfo) string {
		if s.CreatedAt == nil {
			return ""
		}
		return s.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	rows := [][3]string{
		{"File", b.Path, c.Path},
		{"Suite / source", joinNonEmpty(b.Suite, b.Source), joinNonEmpty(c.Suite, c.Source)},
		{"Runs", runsStr(r.Baseline), fmt.Sprint(c.Runs)},
		{"Commit", joinNonEmpty(b.Commit, b.Ref), joinNonEmpty(c.Commit, c.Ref)},
		{"Date", date(b), date(c)},
		{"CPU", cores(b.Environment), cores(c.Environment)},
		{"OS/arch", b.Environment.OSArch(), c.Environment.OSArch()},
		{"tor", b.Environment.TorVersion, c.Environment.TorVersion},
		{"Client", joinNonEmpty(b.Environment.ClientName, b.Environment.ClientVersion), joinNonEmpty(c.Environment.ClientName, c.Environment.ClientVersion)},
		{"Go", b.Environment.GoVersion, c.Environment.GoVersion},
		{"Runner", joinNonEmpty(b.Environment.RunnerName, b.Environment.RunnerOS), joinNonEmpty(c.Environment.RunnerName, c.Environment.RunnerOS)},
	}
	out := rows[:0]
	for _, row := range rows {
		if row[1] == "" && row[2] == "" {
			continue
		}
		for i := 1; i < 3; i++ {
			if row[i] == "" {
				row[i] = "–"
			}
		}
		out = append(out, row)
	}
	return out
}

func runsStr(s *check.SideInfo) string {
	if s == nil {
		return ""
	}
	return fmt.Sprint(s.Runs)
}

func cores(e results.Environment) string {
	if e.Cores == 0 {
		return e.CPUModel
	}
	return strings.TrimSpace(fmt.Sprintf("%s (%d cores)", e.CPUModel, e.Cores))
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
