package container

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// dockerCaps are the capabilities Docker gives a container that asks for
// none (moby's oci/caps.DefaultCapabilities): all a Docker action gets, as
// GitHub's runner passes no --cap-add or --privileged (actions/runner#754).
// Without CAP_SYS_ADMIN and CAP_NET_ADMIN the private network cannot have a
// namespace of its own and runs in shim mode.
var dockerCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// capNames are the kernel's capabilities by number (linux/capability.h).
var capNames = map[uint]string{
	unix.CAP_CHOWN: "CAP_CHOWN", unix.CAP_DAC_OVERRIDE: "CAP_DAC_OVERRIDE", unix.CAP_DAC_READ_SEARCH: "CAP_DAC_READ_SEARCH",
	unix.CAP_FOWNER: "CAP_FOWNER", unix.CAP_FSETID: "CAP_FSETID", unix.CAP_KILL: "CAP_KILL", unix.CAP_SETGID: "CAP_SETGID",
	unix.CAP_SETUID: "CAP_SETUID", unix.CAP_SETPCAP: "CAP_SETPCAP", unix.CAP_LINUX_IMMUTABLE: "CAP_LINUX_IMMUTABLE",
	unix.CAP_NET_BIND_SERVICE: "CAP_NET_BIND_SERVICE", unix.CAP_NET_BROADCAST: "CAP_NET_BROADCAST",
	unix.CAP_NET_ADMIN: "CAP_NET_ADMIN", unix.CAP_NET_RAW: "CAP_NET_RAW", unix.CAP_IPC_LOCK: "CAP_IPC_LOCK",
	unix.CAP_IPC_OWNER: "CAP_IPC_OWNER", unix.CAP_SYS_MODULE: "CAP_SYS_MODULE", unix.CAP_SYS_RAWIO: "CAP_SYS_RAWIO",
	unix.CAP_SYS_CHROOT: "CAP_SYS_CHROOT", unix.CAP_SYS_PTRACE: "CAP_SYS_PTRACE", unix.CAP_SYS_PACCT: "CAP_SYS_PACCT",
	unix.CAP_SYS_ADMIN: "CAP_SYS_ADMIN", unix.CAP_SYS_BOOT: "CAP_SYS_BOOT", unix.CAP_SYS_NICE: "CAP_SYS_NICE",
	unix.CAP_SYS_RESOURCE: "CAP_SYS_RESOURCE", unix.CAP_SYS_TIME: "CAP_SYS_TIME", unix.CAP_SYS_TTY_CONFIG: "CAP_SYS_TTY_CONFIG",
	unix.CAP_MKNOD: "CAP_MKNOD", unix.CAP_LEASE: "CAP_LEASE", unix.CAP_AUDIT_WRITE: "CAP_AUDIT_WRITE",
	unix.CAP_AUDIT_CONTROL: "CAP_AUDIT_CONTROL", unix.CAP_SETFCAP: "CAP_SETFCAP", unix.CAP_MAC_OVERRIDE: "CAP_MAC_OVERRIDE",
	unix.CAP_MAC_ADMIN: "CAP_MAC_ADMIN", unix.CAP_SYSLOG: "CAP_SYSLOG", unix.CAP_WAKE_ALARM: "CAP_WAKE_ALARM",
	unix.CAP_BLOCK_SUSPEND: "CAP_BLOCK_SUSPEND", unix.CAP_AUDIT_READ: "CAP_AUDIT_READ", unix.CAP_PERFMON: "CAP_PERFMON",
	unix.CAP_BPF: "CAP_BPF", unix.CAP_CHECKPOINT_RESTORE: "CAP_CHECKPOINT_RESTORE",
}

// dockerCapMask is dockerCaps as a capability set (CapEff in
// /proc/PID/status of a process in a default Docker container:
// 00000000a80425fb).
func dockerCapMask() uint64 {
	var m uint64
	for bit, name := range capNames {
		for _, c := range dockerCaps {
			if c == name {
				m |= 1 << bit
			}
		}
	}
	return m
}

// describeCaps names the capabilities of mask ("CAP_CHOWN,CAP_KILL"; a
// number the table does not know is shown as cap<N>).
func describeCaps(mask uint64) string {
	var names []string
	for bit := uint(0); bit < 64; bit++ {
		if mask&(1<<bit) == 0 {
			continue
		}
		if n, ok := capNames[bit]; ok {
			names = append(names, n)
		} else {
			names = append(names, fmt.Sprintf("cap%d", bit))
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// procCaps is what /proc/PID/status says of a process's privileges.
type procCaps struct {
	Inh, Prm, Eff, Bnd, Amb uint64
	NoNewPrivs              bool
	Seccomp                 int // 0 none, 1 strict, 2 filter
}

// parseProcStatus reads the capability sets, NoNewPrivs and Seccomp from
// the text of /proc/PID/status; every capability line must be there.
func parseProcStatus(data []byte) (procCaps, error) {
	var pc procCaps
	sets := map[string]*uint64{"CapInh": &pc.Inh, "CapPrm": &pc.Prm, "CapEff": &pc.Eff, "CapBnd": &pc.Bnd, "CapAmb": &pc.Amb}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch {
		case sets[k] != nil:
			n, err := strconv.ParseUint(v, 16, 64)
			if err != nil {
				return pc, fmt.Errorf("/proc/PID/status: %s: %q is not a hexadecimal capability set", k, v)
			}
			*sets[k] = n
			seen[k] = true
		case k == "NoNewPrivs":
			pc.NoNewPrivs = v == "1"
		case k == "Seccomp":
			pc.Seccomp, _ = strconv.Atoi(v)
		}
	}
	for k := range sets {
		if !seen[k] {
			return pc, fmt.Errorf("/proc/PID/status has no %s line", k)
		}
	}
	return pc, sc.Err()
}

// readProcCaps is parseProcStatus of /proc/pid/status.
func readProcCaps(pid int) (procCaps, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procCaps{}, err
	}
	return parseProcStatus(data)
}

// checkDockerCaps says how pc differs from a process in a default Docker
// container run as root: effective, permitted and bounding sets exactly
// Docker's, no ambient capabilities ("" when it does not).
func checkDockerCaps(pc procCaps) string {
	want := dockerCapMask()
	var diffs []string
	for _, s := range []struct {
		name string
		got  uint64
	}{{"CapEff", pc.Eff}, {"CapPrm", pc.Prm}, {"CapBnd", pc.Bnd}} {
		if s.got == want {
			continue
		}
		d := fmt.Sprintf("%s %016x, want Docker's %016x", s.name, s.got, want)
		if extra := s.got &^ want; extra != 0 {
			d += "; more: " + describeCaps(extra)
		}
		if missing := want &^ s.got; missing != 0 {
			d += "; missing: " + describeCaps(missing)
		}
		diffs = append(diffs, d)
	}
	if pc.Amb != 0 {
		diffs = append(diffs, fmt.Sprintf("CapAmb %016x (%s), want none", pc.Amb, describeCaps(pc.Amb)))
	}
	return strings.Join(diffs, "; ")
}

func (pc procCaps) String() string {
	return fmt.Sprintf("CapEff %016x CapPrm %016x CapBnd %016x CapInh %016x CapAmb %016x NoNewPrivs %v Seccomp %d",
		pc.Eff, pc.Prm, pc.Bnd, pc.Inh, pc.Amb, pc.NoNewPrivs, pc.Seccomp)
}
