package torlab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// keysVersion names the layout of the key cache; bump it when the layout
// or the way keys are made changes.
const keysVersion = "v1"

// keyMaxAge is how long cached keys are used; tor-gencert certificates are
// made valid for 12 months.
const keyMaxAge = 180 * 24 * time.Hour

// nodeKeys are the keys of one node in the cache: a directory with keys/
// (tor's key directory) and the identity fingerprints.
type nodeKeys struct {
	dir         string // holds keys/
	fingerprint string // relay identity, hex without spaces
	v3ident     string // authorities only
}

// defaultKeyCache is where keys are cached when Options.KeyCache is "".
func defaultKeyCache() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "perfgate", "torlab-keys")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("perfgate-torlab-keys-%d", os.Getuid()))
}

// keySet returns the keys of the named nodes (authorities first: their
// names start with "auth"), from the cache at root or made in parallel.
func keySet(ctx context.Context, root string, names []string, torPath, gencertPath string) (map[string]*nodeKeys, error) {
	root = filepath.Join(root, keysVersion)
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("torlab: key cache: %w", err)
	}
	out := make(map[string]*nodeKeys, len(names))
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(names))
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := nodeKeyDir(ctx, root, name, strings.HasPrefix(name, "auth"), torPath, gencertPath)
			if err != nil {
				errs[i] = fmt.Errorf("torlab: keys of %s: %w", name, err)
				return
			}
			mu.Lock()
			out[name] = k
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// nodeKeyDir returns the cached keys of one node, making them when they are
// missing or old. Concurrent makers (two networks starting at once) are
// safe: keys are made in a temporary directory and renamed into place.
func nodeKeyDir(ctx context.Context, root, name string, authority bool, torPath, gencertPath string) (*nodeKeys, error) {
	dir := filepath.Join(root, name)
	if k, err := readNodeKeys(dir, authority); err == nil {
		return k, nil
	}
	tmp, err := os.MkdirTemp(root, ".tmp-"+name+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := makeNodeKeys(ctx, tmp, authority, torPath, gencertPath); err != nil {
		return nil, err
	}
	if _, err := readNodeKeys(tmp, authority); err != nil {
		return nil, err
	}
	// Replace an old or broken entry; if another process won the race, use its keys.
	if old, err := os.Stat(dir); err == nil && old.IsDir() {
		if _, err := readNodeKeys(dir, authority); err != nil {
			trash := dir + fmt.Sprintf(".old-%d", time.Now().UnixNano())
			if os.Rename(dir, trash) == nil {
				os.RemoveAll(trash)
			}
		}
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, fs.ErrExist) && !isNotEmpty(err) {
		return nil, err
	}
	return readNodeKeys(dir, authority)
}

func isNotEmpty(err error) bool {
	var le *os.LinkError
	return errors.As(err, &le) && strings.Contains(le.Err.Error(), "not empty")
}

// makeNodeKeys makes a node's keys in dir: the authority certificate with
// tor-gencert (empty passphrase), then the relay identity with tor
// --list-fingerprint.
func makeNodeKeys(ctx context.Context, dir string, authority bool, torPath, gencertPath string) error {
	keys := filepath.Join(dir, "keys")
	if err := os.MkdirAll(keys, 0o700); err != nil {
		return err
	}
	if authority {
		cmd := exec.CommandContext(ctx, gencertPath, "--create-identity-key", "--passphrase-fd", "0", "-m", "12",
			"-i", filepath.Join(keys, "authority_identity_key"),
			"-s", filepath.Join(keys, "authority_signing_key"),
			"-c", filepath.Join(keys, "authority_certificate"))
		cmd.Stdin = strings.NewReader("\n")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w: %s", gencertPath, err, lastLines(out, 5))
		}
	}
	cmd := exec.CommandContext(ctx, torPath, "--ignore-missing-torrc", "--defaults-torrc", os.DevNull, "-f", os.DevNull,
		"--DataDirectory", dir, "--ORPort", "1", "--list-fingerprint", "--quiet")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s --list-fingerprint: %w: %s", torPath, err, lastLines(out, 5))
	}
	// Keep the keys and the fingerprint, drop the rest of tor's state.
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.Name() != "keys" && e.Name() != "fingerprint" {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	return nil
}

// readNodeKeys reads the fingerprints of a cached node and checks its age.
func readNodeKeys(dir string, authority bool) (*nodeKeys, error) {
	b, err := os.ReadFile(filepath.Join(dir, "fingerprint"))
	if err != nil {
		return nil, err
	}
	fp, err := parseFingerprintFile(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "fingerprint"), err)
	}
	k := &nodeKeys{dir: dir, fingerprint: fp}
	if _, err := os.Stat(filepath.Join(dir, "keys", "secret_id_key")); err != nil {
		return nil, err
	}
	if authority {
		cert := filepath.Join(dir, "keys", "authority_certificate")
		st, err := os.Stat(cert)
		if err != nil {
			return nil, err
		}
		if time.Since(st.ModTime()) > keyMaxAge {
			return nil, fmt.Errorf("%s: older than %v", cert, keyMaxAge)
		}
		c, err := os.ReadFile(cert)
		if err != nil {
			return nil, err
		}
		if k.v3ident, err = parseCertIdent(string(c)); err != nil {
			return nil, fmt.Errorf("%s: %w", cert, err)
		}
	}
	return k, nil
}

// parseFingerprintFile parses tor's "fingerprint" file: "Nickname HEX..."
// with the hex possibly split in groups of four.
func parseFingerprintFile(s string) (string, error) {
	line, _, _ := strings.Cut(s, "\n")
	f := strings.Fields(line)
	if len(f) < 2 {
		return "", errors.New("no fingerprint")
	}
	fp := strings.Join(f[1:], "")
	if !isHexFingerprint(fp) {
		return "", fmt.Errorf("bad fingerprint %q", fp)
	}
	return strings.ToUpper(fp), nil
}

// parseCertIdent returns the v3 identity (the "fingerprint" line) of an
// authority key certificate.
func parseCertIdent(s string) (string, error) {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "fingerprint "); ok {
			fp := strings.TrimSpace(rest)
			if !isHexFingerprint(fp) {
				return "", fmt.Errorf("bad fingerprint %q", fp)
			}
			return strings.ToUpper(fp), nil
		}
	}
	return "", errors.New("no fingerprint line")
}

func isHexFingerprint(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// copyKeys copies the keys/ directory of a cached node into dataDir.
func copyKeys(k *nodeKeys, dataDir string) error {
	src := filepath.Join(k.dir, "keys")
	dst := filepath.Join(dataDir, "keys")
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}
