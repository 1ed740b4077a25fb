package benchmark

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// A Progress reports the suite's phases as they happen. In a CI log it
// writes one line per phase (inside ::group:: blocks when running in GitHub
// Actions); on a terminal it keeps one live line per phase up to date. A
// nil *Progress reports nothing.
type Progress struct {
	w      io.Writer
	github bool
	tty    bool
	now    func() time.Time

	mu     sync.Mutex
	prefix string
}

// NewProgress returns a Progress writing to w. github selects ::group::
// blocks (GITHUB_ACTIONS=true); tty selects the live line.
func NewProgress(w io.Writer, github, tty bool) *Progress {
	return &Progress{w: w, github: github, tty: tty && !github, now: time.Now}
}

// SetPrefix sets the text before every phase name, e.g. "run 2/3: ".
func (p *Progress) SetPrefix(s string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.prefix = s
	p.mu.Unlock()
}

// currentPrefix is the text SetPrefix set.
func (p *Progress) currentPrefix() string {
	if p == nil {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.prefix
}

// A Phase is one step of the suite being reported.
type Phase struct {
	p     *Progress
	name  string
	start time.Time
	last  time.Time
}

// Start begins a phase.
func (p *Progress) Start(name string) *Phase {
	if p == nil {
		return &Phase{name: name, start: time.Now()}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ph := &Phase{p: p, name: p.prefix + name, start: p.now()}
	switch {
	case p.github:
		fmt.Fprintf(p.w, "::group::%s\n", ph.name)
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K%s …", ph.name)
	}
	return ph
}

// Update shows the phase's current state on a terminal (at most ten times
// a second); in logs it is silent.
func (ph *Phase) Update(format string, args ...any) {
	p := ph.p
	if p == nil || !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if now.Sub(ph.last) < 100*time.Millisecond {
		return
	}
	ph.last = now
	// One terminal row: a wrapped line could not be redrawn in place.
	state := []rune(oneLine(fmt.Sprintf(format, args...)))
	if len(state) > 60 {
		state = append(state[:59], '…')
	}
	fmt.Fprintf(p.w, "\r\033[K%s … %s (%.1fs)", ph.name, string(state), now.Sub(ph.start).Seconds())
}

// Done ends the phase with a one-line summary.
func (ph *Phase) Done(format string, args ...any) {
	p := ph.p
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	el := p.now().Sub(ph.start).Seconds()
	line := fmt.Sprintf("%s: %s (%.1fs)", ph.name, oneLine(fmt.Sprintf(format, args...)), el)
	switch {
	case p.github:
		fmt.Fprintf(p.w, "%s\n::endgroup::\n", line)
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
	default:
		fmt.Fprintf(p.w, "%s\n", line)
	}
}

// Println writes a line outside any phase.
func (p *Progress) Println(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "%s\n", oneLine(fmt.Sprintf(format, args...)))
}

func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ")
}

// firstLine is the first line of an error's text.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
