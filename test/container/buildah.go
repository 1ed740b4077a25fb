package container

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildah runs buildah with the test's own storage (--root, --runroot,
// --storage-driver vfs), so that nothing of anybody else's is touched and
// cleaning up is removing one directory.
type buildah struct {
	args []string // global arguments
	env  []string // added to the environment (CONTAINERS_CONF)
}

func (b *buildah) cmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := command(ctx, "buildah", append(append([]string(nil), b.args...), args...)...)
	if len(b.env) > 0 {
		cmd.Env = append(os.Environ(), b.env...)
	}
	return cmd
}

// containersConf writes a containers.conf that makes buildah's containers
// like Docker's:
//   - Docker's default capabilities (dockerCaps) rather than buildah's
//     eleven (which lack CAP_NET_RAW, CAP_MKNOD and CAP_AUDIT_WRITE).
//     buildah records them in a container when `buildah from` makes it (and
//     in each RUN step of `buildah bud`); `buildah run --cap-drop ALL
//     --cap-add …` cannot say the same, as buildah (1.28) clears the set on
//     --cap-drop ALL and then ignores every --cap-add;
//   - an open files limit of soft 1024 and a high hard limit that a
//     program may raise its soft limit to (the harsher of Docker's
//     defaults; older daemons give 1048576:1048576) rather than buildah's
//     own 1024:1024, bounded by what this machine allows.
//
// It returns the environment that makes buildah use it.
func containersConf(dir string) ([]string, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return nil, err
	}
	hard := min(r.Max, 524288)
	p := filepath.Join(dir, "containers.conf")
	// buildah's temporary copies go under dir too, so that removing dir
	// removes them even after buildah was killed half-way.
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	caps := make([]string, len(dockerCaps))
	for i, c := range dockerCaps {
		caps[i] = strconv.Quote(c)
	}
	conf := fmt.Sprintf("[containers]\ndefault_capabilities = [%s]\ndefault_ulimits = [\"nofile=%d:%d\"]\n\n[engine]\nimage_copy_tmp_dir = %q\n",
		strings.Join(caps, ", "), min(1024, hard), hard, tmp)
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	return []string{"CONTAINERS_CONF=" + p, "TMPDIR=" + tmp}, nil
}

// run runs buildah to completion and returns its standard output; the
// error carries the tail of what it printed.
func (b *buildah) run(ctx context.Context, args ...string) (string, error) {
	return output(b.cmd(ctx, args...))
}

// command is exec.CommandContext in a process group of its own: when ctx
// ends, the whole group gets SIGTERM, and SIGKILL 15 s later.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	return cmd
}

// output runs cmd, returning its standard output; on failure the error
// names the command and carries the tail of both outputs.
func output(cmd *exec.Cmd) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		return stdout.String(), fmt.Errorf("%s: %w\n--- stdout (tail)\n%s\n--- stderr (tail)\n%s",
			strings.Join(shortArgs(cmd.Args), " "), err, tail(stdout.String(), 30), tail(stderr.String(), 30))
	}
	return stdout.String(), nil
}

// shortArgs drops buildah's storage arguments from a command line shown in
// an error.
func shortArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--root", "--runroot", "--storage-driver":
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

func tail(s string, lines int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > lines {
		ls = append([]string{fmt.Sprintf("[… %d lines]", len(ls)-lines)}, ls[len(ls)-lines:]...)
	}
	return strings.Join(ls, "\n")
}

// imageConfig is the part of an image's OCI config the test checks.
type imageConfig struct {
	Entrypoint []string `json:"Entrypoint"`
	Cmd        []string `json:"Cmd"`
	User       string   `json:"User"`
	WorkingDir string   `json:"WorkingDir"`
	Env        []string `json:"Env"`
}

func (b *buildah) imageConfig(ctx context.Context, image string) (*imageConfig, error) {
	out, err := b.run(ctx, "inspect", "--type", "image", image)
	if err != nil {
		return nil, err
	}
	var doc struct {
		OCIv1 struct {
			Config imageConfig `json:"config"`
		} `json:"OCIv1"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("buildah inspect %s: %w", image, err)
	}
	return &doc.OCIv1.Config, nil
}

// imageSize is the size of image as `buildah images` shows it ("94.6 MB").
func (b *buildah) imageSize(ctx context.Context, image string) (string, error) {
	out, err := b.run(ctx, "images", "--json", image)
	if err != nil {
		return "", err
	}
	var imgs []struct {
		Size string `json:"size"`
	}
	if err := json.Unmarshal([]byte(out), &imgs); err != nil || len(imgs) == 0 {
		return "", fmt.Errorf("buildah images --json %s: %v (%q)", image, err, tail(out, 5))
	}
	return imgs[0].Size, nil
}

// treeSize is the size of the files under root in bytes, each hard-linked
// file counted once: the unpacked size of an image's file system.
func treeSize(root string) (int64, error) {
	seen := map[[2]uint64]bool{}
	var total int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			k := [2]uint64{st.Dev, st.Ino}
			if seen[k] {
				return nil
			}
			seen[k] = true
		}
		total += fi.Size()
		return nil
	})
	return total, err
}

// A container is a working container of buildah made from an image, with
// its root file system mounted on the host.
type container struct {
	b      *buildah
	name   string
	rootfs string // the mount point on the host
}

func (b *buildah) from(ctx context.Context, image, name string) (*container, error) {
	if _, err := b.run(ctx, "from", "--pull=never", "--name", name, image); err != nil {
		return nil, err
	}
	c := &container{b: b, name: name}
	out, err := b.run(ctx, "mount", name)
	if err != nil {
		_ = c.remove()
		return nil, err
	}
	c.rootfs = strings.TrimSpace(out)
	return c, nil
}

// remove deletes the container (its processes must be gone by then).
func (c *container) remove() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.b.run(ctx, "rm", c.name)
	return err
}

// exec runs argv in the container with chroot isolation, the way the test
// runs everything in it: host network (loopback shared), host PID space,
// and the capabilities the container was made with: Docker's defaults
// (containersConf), as a Docker action on GitHub's runner has.
func (c *container) exec(ctx context.Context, opts []string, argv ...string) *exec.Cmd {
	args := append([]string{"run", "--isolation", "chroot"}, opts...)
	args = append(append(args, c.name, "--"), argv...)
	return c.b.cmd(ctx, args...)
}

// leftovers lists the processes whose root directory is this container's
// root file system: after a run has ended, anything there was left behind.
// It finds them by device and inode of /proc/PID/root, so it can never name
// a process of anybody else.
func (c *container) leftovers() []process {
	var want syscall.Stat_t
	if err := syscall.Stat(c.rootfs, &want); err != nil {
		return nil
	}
	ents, _ := os.ReadDir("/proc")
	var out []process
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join("/proc", e.Name(), "root"), &st) != nil {
			continue
		}
		if st.Dev == want.Dev && st.Ino == want.Ino {
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			out = append(out, process{pid, strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))})
		}
	}
	return out
}

type process struct {
	pid     int
	cmdline string
}

func (p process) String() string { return fmt.Sprintf("%d %s", p.pid, p.cmdline) }

// killLeftovers kills what leftovers found (they are ours: started by this
// test inside its own container), by PID, and waits for them to go.
func (c *container) killLeftovers() {
	for i := 0; i < 20; i++ {
		ps := c.leftovers()
		if len(ps) == 0 {
			return
		}
		sig := syscall.SIGTERM
		if i >= 10 {
			sig = syscall.SIGKILL
		}
		for _, p := range ps {
			_ = syscall.Kill(p.pid, sig)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// exitCode is the exit status of a finished command, or -1.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}
