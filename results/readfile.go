package results

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxInputBytes bounds every file perfgate reads. Real results files are a
// few MB; anything beyond this is refused before it is read.
const MaxInputBytes = 256 << 20

// ReadFile reads a whole input file of at most MaxInputBytes; its errors
// name the file.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %w", path, unwrapPath(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("%s: is a directory, want a file", path)
		}
		if st.Size() > MaxInputBytes {
			return nil, fmt.Errorf("%s: file too large (%d bytes, limit %d MiB)", path, st.Size(), MaxInputBytes>>20)
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", path, unwrapPath(err))
	}
	if len(data) > MaxInputBytes {
		return nil, fmt.Errorf("%s: file too large (limit %d MiB)", path, MaxInputBytes>>20)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
