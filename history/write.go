package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/perfgate/perfgate/internal/short"
	"github.com/perfgate/perfgate/results"
)

func sortEntries(es []Entry) { slices.SortFunc(es, compareEntries) }

// writeLimit is MaxBytes; tests lower it.
var writeLimit = MaxBytes

// Write writes h to path atomically (results.WriteFileAtomic: a temporary
// file in the same directory renamed over path), creating the directory
// if need be: first h.Invalid's lines as they were read (not git's
// conflict markers), then one line per entry, oldest first (by date, then
// commit), each a JSON object with its keys in a fixed order. It refuses
// an invalid entry, two entries of one commit, and a file beyond MaxBytes;
// a failure leaves the file at path as it was.
//
// The order makes the file merge cleanly in git with the union merge
// driver (see the package documentation): unchanged entries are the same
// lines on both sides, and each side's new entry is one more line.
func Write(path string, h *History) error {
	data, err := h.Marshal()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > writeLimit {
		return fmt.Errorf("%s: refusing to write a history of %d bytes, beyond the limit of %d MiB that Read accepts: keep fewer entries", path, len(data), writeLimit>>20)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return results.WriteFileAtomic(path, data, 0o644)
}

// Marshal is the contents of h's file, as Write writes it.
func (h *History) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	for _, le := range h.Invalid {
		if le.conflict {
			continue
		}
		if strings.Contains(le.Text, "\n") {
			return nil, fmt.Errorf("invalid line %d to keep spans several lines", le.Line)
		}
		buf.WriteString(le.Text)
		buf.WriteByte('\n')
	}
	es := slices.Clone(h.Entries)
	sortEntries(es)
	for i := range es {
		e := &es[i]
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("refusing to write an invalid entry: %w", err)
		}
		if i > 0 && es[i-1].Commit == e.Commit {
			return nil, fmt.Errorf("two entries of commit %s", short.Commit(e.Commit))
		}
		line, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", short.Commit(e.Commit), err)
		}
		if len(line) > MaxLineBytes {
			return nil, fmt.Errorf("commit %s: an entry of %d bytes, beyond the limit of %d KiB a line", short.Commit(e.Commit), len(line), MaxLineBytes>>10)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// EnsureUnionMerge makes git merge the history file at path with its
// union merge driver: it adds the line "<path> merge=union" (path relative
// to root, the repository's top directory) to root/.gitattributes unless
// a line already sets it, and says whether it added it. Without it, two
// branches that each append an entry conflict (both add a line at the
// same place); with it, git keeps both lines and the next Read puts them
// in order.
func EnsureUnionMerge(root, path string) (added bool, err error) {
	rel := path
	if filepath.IsAbs(path) {
		if rel, err = filepath.Rel(root, path); err != nil {
			return false, fmt.Errorf("history %s: %w", path, err)
		}
	}
	rel = filepath.ToSlash(filepath.Clean(rel))
	if strings.HasPrefix(rel, "../") || rel == ".." {
		return false, fmt.Errorf("history %s is outside the repository %s", path, root)
	}
	if strings.ContainsFunc(rel, isSpaceOrControl) || strings.ContainsAny(rel, `"\*?[`) {
		return false, fmt.Errorf("history %s: a path with spaces or pattern characters cannot be named in .gitattributes; add a line for it by hand", path)
	}
	attrs := filepath.Join(root, ".gitattributes")
	old, err := os.ReadFile(attrs)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	sc := bufio.NewScanner(bytes.NewReader(old))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 1 && strings.TrimPrefix(f[0], "/") == rel && slices.Contains(f[1:], "merge=union") {
			return false, nil
		}
	}
	data := slices.Clone(old)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	data = append(data, rel+" merge=union\n"...)
	if err := results.WriteFileAtomic(attrs, data, 0o644); err != nil {
		return false, err
	}
	return true, nil
}
