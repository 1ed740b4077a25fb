package torlab

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat; it is
// 100 on every Linux platform Go supports.
const clockTicks = 100

// processCPU returns the user+system CPU time a live process has used so
// far (Linux /proc), or 0 when it cannot be read.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	// After the command: state(0) ... utime(11) stime(12).
	if len(f) < 13 {
		return 0
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(u+st) * time.Second / clockTicks
}

// CPUTime is the CPU time (user+system) the network's running processes
// have used so far: with StartupDuration it tells a slow machine from a
// slow network.
func (n *Network) CPUTime() time.Duration {
	var total time.Duration
	for _, nd := range n.Nodes() {
		if nd.Running() {
			total += processCPU(nd.PID)
		}
	}
	return total
}
