package results_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

func TestWriteFileAtomic(t *testing.T) {
	data := []byte("{\"new\": true}\n")
	written := func(t *testing.T, path string) {
		mustContent(t, path, data)
		mustPerm(t, path, 0o644)
	}
	for _, tc := range []struct {
		name string
		// setup prepares dir and returns the path to write.
		setup func(t *testing.T, dir string) string
		perm  os.FileMode
		// wantErr is empty for success, else a part of the error.
		wantErr string
		// wantIs, when set, is an error the returned one must wrap.
		wantIs error
		// wantEntries are the names dir holds afterwards: never a
		// temporary file.
		wantEntries []string
		// check, when set, looks at the outcome further.
		check func(t *testing.T, path string)
	}{{
		name:        "success",
		setup:       func(t *testing.T, dir string) string { return filepath.Join(dir, "out.json") },
		perm:        0o644,
		wantEntries: []string{"out.json"},
		check:       written,
	}, {
		name:        "mode as given",
		setup:       func(t *testing.T, dir string) string { return filepath.Join(dir, "secret") },
		perm:        0o600,
		wantEntries: []string{"secret"},
		check:       func(t *testing.T, path string) { mustContent(t, path, data); mustPerm(t, path, 0o600) },
	}, {
		name: "an existing file replaced whole",
		setup: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "out.json")
			// Longer than data: nothing of it may remain after data.
			if err := os.WriteFile(p, []byte(strings.Repeat("old contents ", 100)), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		},
		perm:        0o644,
		wantEntries: []string{"out.json"},
		check:       written,
	}, {
		name:        "target directory missing",
		setup:       func(t *testing.T, dir string) string { return filepath.Join(dir, "missing", "out.json") },
		perm:        0o644,
		wantErr:     "cannot create a temporary file",
		wantIs:      fs.ErrNotExist,
		wantEntries: nil,
	}, {
		name: "a directory where the file should be",
		setup: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "out.json")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, "inside"), []byte("kept"), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		},
		perm:        0o644,
		wantErr:     "cannot replace it",
		wantEntries: []string{"out.json"},
		check: func(t *testing.T, path string) {
			if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
				t.Errorf("the directory is gone: %v", err)
			}
			mustContent(t, filepath.Join(path, "inside"), []byte("kept"))
		},
	}, {
		name: "a read-only directory leaves the old file",
		setup: func(t *testing.T, dir string) string {
			if os.Geteuid() == 0 || runtime.GOOS == "windows" {
				t.Skip("permissions do not stop root (or Windows)")
			}
			sub := filepath.Join(dir, "ro")
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(sub, "out.json")
			if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(sub, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := os.Chmod(sub, 0o755); err != nil {
					t.Error(err)
				}
			})
			return p
		},
		perm:        0o644,
		wantErr:     "cannot create a temporary file",
		wantIs:      fs.ErrPermission,
		wantEntries: []string{"ro"},
		check: func(t *testing.T, path string) {
			mustContent(t, path, []byte("old"))
			if names := entries(t, filepath.Dir(path)); !slices.Equal(names, []string{"out.json"}) {
				t.Errorf("ro holds %q, want only out.json", names)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tc.setup(t, dir)
			err := results.WriteFileAtomic(path, data, tc.perm)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatalf("no error, want one saying %q", tc.wantErr)
			case err != nil:
				if !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), path+": ") {
					t.Errorf("error %q: want it to begin with the path %s and say %q", err, path, tc.wantErr)
				}
				if strings.Contains(err.Error(), ".tmp") {
					t.Errorf("error %q names the temporary file", err)
				}
				if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
					t.Errorf("error %q does not wrap %v", err, tc.wantIs)
				}
			}
			if names := entries(t, dir); !slices.Equal(names, tc.wantEntries) {
				t.Errorf("the directory holds %q, want %q (no temporary file)", names, tc.wantEntries)
			}
			if tc.check != nil {
				tc.check(t, path)
			}
		})
	}
}

// TestWriteBaselineMakesDirectory: WriteBaseline creates the baseline's
// directory, which WriteFileAtomic does not.
func TestWriteBaselineMakesDirectory(t *testing.T) {
	b, err := check.NewBaseline(fixture.Results(t, 1, 2, 5), results.BaselineMeta{Commit: "f95f852b"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "baselines", "default.json")
	if err := results.WriteBaseline(path, b); err != nil {
		t.Fatal(err)
	}
	if _, err := results.ReadBaseline(path); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, filepath.Dir(path)); !slices.Equal(names, []string{"default.json"}) {
		t.Errorf("baselines holds %q", names)
	}
}

// entries are the names in dir, sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func mustContent(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s holds %q, want %q", path, got, want)
	}
}

func mustPerm(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
	}
}
