package results

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// WriteFileAtomic writes data to path so that path is never seen half
// written: the data go to a temporary file in the same directory, which is
// synced, closed, given mode perm (as given: no umask applies) and renamed
// over path; then the directory is synced, where the platform and file
// system allow it, so that the rename survives a crash. On any failure the
// temporary file is removed and a file already at path is left as it was.
// The directory must exist. Errors name path and wrap the cause (so
// errors.Is(err, fs.ErrNotExist) works).
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("%s: cannot create a temporary file in %s: %w", path, dir, unwrapFileError(err))
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err == nil {
			return
		}
		if !closed {
			// The write already failed: the file is removed below, so what
			// Close says adds nothing but noise unless it is all there is.
			if cerr := f.Close(); cerr != nil && !errors.Is(cerr, os.ErrClosed) {
				err = errors.Join(err, fmt.Errorf("%s: closing the temporary file: %w", path, unwrapFileError(cerr)))
			}
		}
		if rerr := os.Remove(tmp); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("%s: the temporary file %s is left behind: %w", path, tmp, unwrapFileError(rerr)))
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("%s: cannot write: %w", path, unwrapFileError(err))
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("%s: cannot set mode %v: %w", path, perm, unwrapFileError(err))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("%s: cannot sync: %w", path, unwrapFileError(err))
	}
	closed = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: cannot close: %w", path, unwrapFileError(err))
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("%s: cannot replace it: %w", path, unwrapFileError(err))
	}
	// From here on path holds data: a failure to sync the directory is
	// reported, but there is no temporary file left to remove.
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("%s: written, but its directory not synced: %w", path, err)
	}
	return nil
}

// syncDir flushes a directory's entries to disk. Windows cannot open a
// directory for that, some file systems refuse to sync one (EINVAL,
// ENOTSUP), and a directory may be writable but not readable: there it is
// not possible, and not an error.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if errors.Is(err, os.ErrPermission) {
		return nil // a directory one may write but not read
	}
	if err != nil {
		return unwrapFileError(err)
	}
	err = unwrapFileError(d.Sync())
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	if cerr := d.Close(); cerr != nil {
		err = errors.Join(err, unwrapFileError(cerr))
	}
	return err
}

// unwrapFileError is the cause of a *os.PathError or *os.LinkError, whose
// own message names the temporary file rather than the file written.
func unwrapFileError(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return unwrapPath(err)
}
