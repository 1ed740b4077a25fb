package benchmark

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/perfgate/perfgate/results"
)

// Environment returns the fingerprint of this machine: OS, CPU, Go, the
// system tor's version and the GitHub runner's name when there is one.
// getenv may be nil (os.Getenv).
func Environment(getenv func(string) string) results.Environment {
	if getenv == nil {
		getenv = os.Getenv
	}
	e := results.Environment{
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		Cores:      runtime.NumCPU(),
		GoVersion:  runtime.Version(),
		CPUModel:   cpuModel(),
		TorVersion: torVersion(),
		RunnerName: getenv("RUNNER_NAME"),
		RunnerOS:   getenv("RUNNER_OS"),
	}
	e.Hostname, _ = os.Hostname()
	return e
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// torVersion is the version the system's tor reports ("0.4.9.11"), "" when
// there is no tor.
func torVersion() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "tor", "--version").Output()
	if err != nil {
		return ""
	}
	return ParseTorVersion(string(out))
}

// ParseTorVersion extracts the version from the first line of
// `tor --version` ("Tor version 0.4.9.11." → "0.4.9.11"), or from a
// GETINFO version answer ("0.4.9.11 (git-…)" → "0.4.9.11").
func ParseTorVersion(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	line = strings.TrimPrefix(strings.TrimSpace(line), "Tor version ")
	f := strings.Fields(line)
	if len(f) == 0 {
		return ""
	}
	return strings.TrimSuffix(f[0], ".")
}
