package torlab

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ShimName is the file name of the quick-ACK shim library.
const ShimName = "libperfgate-quickack.so"

// ShimEnv names the shim library explicitly (the environment's say comes
// after an explicit path and before the search).
const ShimEnv = "PERFGATE_QUICKACK_SHIM"

// shimSource is the shim's C source (shim/quickack.c): make and the action's
// image build it; BuildShim builds it where neither did.
//
//go:embed shim/quickack.c
var shimSource []byte

// FindShim returns the quick-ACK shim library: explicit when not "", else
// $PERFGATE_QUICKACK_SHIM, else ShimName beside this program's executable,
// in /usr/local/lib/perfgate, /usr/lib/perfgate, or the user cache
// directory (perfgate/), where BuildShim puts it.
func FindShim(explicit string) (string, error) {
	if explicit != "" {
		return checkShim(explicit)
	}
	if p := os.Getenv(ShimEnv); p != "" {
		return checkShim(p)
	}
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	dirs = append(dirs, "/usr/local/lib/perfgate", "/usr/lib/perfgate")
	if c, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(c, "perfgate"))
	}
	for _, d := range dirs {
		if p, err := checkShim(filepath.Join(d, ShimName)); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found beside the executable, in /usr/local/lib/perfgate, /usr/lib/perfgate or the cache (make builds it into bin/; set %s)", ShimName, ShimEnv)
}

// checkShim says whether path is a shared library ld.so can preload.
func checkShim(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", fmt.Errorf("quick-ACK shim: %w", err)
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := f.Read(magic); err != nil || !bytes.Equal(magic, []byte("\x7fELF")) {
		return "", fmt.Errorf("quick-ACK shim %s: not an ELF shared library", abs)
	}
	return abs, nil
}

// BuildShim compiles the shim with the C compiler cc ("" means cc from
// PATH) into out, atomically.
func BuildShim(ctx context.Context, cc, out string) error {
	if cc == "" {
		cc = "cc"
	}
	ccPath, err := exec.LookPath(cc)
	if err != nil {
		return fmt.Errorf("building the quick-ACK shim: no C compiler: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("building the quick-ACK shim: %w", err)
	}
	dir, err := os.MkdirTemp(filepath.Dir(out), ".shim-")
	if err != nil {
		return fmt.Errorf("building the quick-ACK shim: %w", err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "quickack.c")
	if err := os.WriteFile(src, shimSource, 0o644); err != nil {
		return fmt.Errorf("building the quick-ACK shim: %w", err)
	}
	tmp := filepath.Join(dir, ShimName)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ccPath, "-O2", "-shared", "-fPIC", "-o", tmp, src, "-ldl")
	if outb, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the quick-ACK shim: %s: %w: %s", ccPath, err, strings.TrimSpace(string(outb)))
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("building the quick-ACK shim: %w", err)
	}
	return nil
}

// buildShimInCache builds the shim into the user cache directory, where
// FindShim looks last, and returns its path.
func buildShimInCache() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", errors.New("no cache directory to build the shim in")
	}
	out := filepath.Join(c, "perfgate", ShimName)
	if err := BuildShim(context.Background(), "", out); err != nil {
		return "", err
	}
	return out, nil
}

// shimLoaded reports whether the process pid has the library at path
// mapped (ld.so only warns on stderr when it cannot preload one).
func shimLoaded(pid int, path string) (bool, error) {
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return false, err
	}
	return bytes.Contains(maps, []byte(path)), nil
}
