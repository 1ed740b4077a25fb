package benchmark

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// A MemorySnapshot is the Go runtime's memory statistics of this process at
// one moment, as go-tor's suite takes them. perfgate measures the client
// under test with [ProcessMemory]; these figures describe the harness.
type MemorySnapshot struct {
	Timestamp   time.Time
	Alloc       uint64
	TotalAlloc  uint64
	Sys         uint64
	HeapAlloc   uint64
	HeapInuse   uint64
	HeapObjects uint64
	NumGC       uint32
}

// GetMemorySnapshot returns the Go runtime's memory statistics now.
func GetMemorySnapshot() MemorySnapshot {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return MemorySnapshot{
		Timestamp:   time.Now(),
		Alloc:       m.Alloc,
		TotalAlloc:  m.TotalAlloc,
		Sys:         m.Sys,
		HeapAlloc:   m.HeapAlloc,
		HeapInuse:   m.HeapInuse,
		HeapObjects: m.HeapObjects,
		NumGC:       m.NumGC,
	}
}

// A ProcessMemory is one reading of a process's memory from /proc: VmRSS and
// VmHWM from /proc/PID/status, and Pss, Private_Dirty and Swap from
// /proc/PID/smaps_rollup when it is readable. Sizes are in bytes.
type ProcessMemory struct {
	Timestamp    time.Time
	RSS          uint64
	HWM          uint64
	PSS          uint64
	PrivateDirty uint64
	Swap         uint64
}

// GetProcessMemory reads the memory of process pid. It fails when the
// process is gone or /proc/PID/status has no VmRSS (a zombie).
func GetProcessMemory(pid int) (ProcessMemory, error) {
	pm := ProcessMemory{Timestamp: time.Now()}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return pm, fmt.Errorf("reading memory of process %d: %w", pid, err)
	}
	st, err := ParseProcStatus(status)
	if err != nil {
		return pm, fmt.Errorf("/proc/%d/status: %w", pid, err)
	}
	rss, ok := st["VmRSS"]
	if !ok {
		return pm, fmt.Errorf("/proc/%d/status: no VmRSS (process %d has exited)", pid, pid)
	}
	pm.RSS, pm.HWM = rss, st["VmHWM"]
	if rollup, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
		if r, err := ParseProcStatus(rollup); err == nil {
			pm.PSS, pm.PrivateDirty, pm.Swap = r["Pss"], r["Private_Dirty"], r["Swap"]
		}
	}
	return pm, nil
}

// ParseProcStatus parses the "Key: value kB" lines of /proc/PID/status or
// /proc/PID/smaps_rollup and returns the sizes in bytes, by key. Lines
// without a kB size (Name, State, the address range of smaps_rollup) are
// skipped; a kB line whose number does not parse is an error naming the line.
func ParseProcStatus(data []byte) (map[string]uint64, error) {
	out := make(map[string]uint64)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val)
		if len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		n, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil || n > 1<<53 {
			return nil, fmt.Errorf("line %d: bad size %q for %s", line, fields[0], key)
		}
		out[strings.TrimSpace(key)] = n * 1024
	}
	return out, sc.Err()
}

// FormatBytes renders a size in bytes with binary units, as go-tor does:
// "960 B", "146.5 KiB", "253.1 MiB".
func FormatBytes(b uint64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	div, exp := uint64(unit), 0
	for n := b / unit; n >= unit; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(b)/float64(div), "KMGTPE"[exp])
}
