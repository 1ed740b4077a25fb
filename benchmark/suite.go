package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A Suite runs the benchmarks against one Tor client and keeps their
// results. Create it with NewSuite; it is not meant for concurrent use by
// several goroutines.
type Suite struct {
	log      *slog.Logger
	ep       Endpoints
	cfg      Config
	progress *Progress
	faults   <-chan error
	out      io.Writer

	mu         sync.Mutex
	results    []Result
	ctl        *controller
	ctlChanged chan struct{} // closed (and replaced) when ctl changes
	version    string

	goneOnce sync.Once
	gone     chan struct{} // closed when the client process has exited

	faulted   chan struct{} // closed when a network fault arrived
	fault     error
	closed    chan struct{}
	closeOnce sync.Once
}

// An Option configures a Suite.
type Option func(*Suite)

// WithEndpoints names the client under test and the echo server.
func WithEndpoints(ep Endpoints) Option { return func(s *Suite) { s.ep = ep } }

// WithConfig sets the suite's parameters (zero fields take DefaultConfig's).
func WithConfig(c Config) Option { return func(s *Suite) { s.cfg = c } }

// WithProgress reports phases to p.
func WithProgress(p *Progress) Option { return func(s *Suite) { s.progress = p } }

// WithFaults makes the suite stop as soon as an error arrives on ch (the
// network's faults: a relay died).
func WithFaults(ch <-chan error) Option { return func(s *Suite) { s.faults = ch } }

// WithOutput sets where PrintSummary writes (standard output by default).
func WithOutput(w io.Writer) Option { return func(s *Suite) { s.out = w } }

// NewSuite returns a suite that logs to log (nil: nowhere).
func NewSuite(log *slog.Logger, opts ...Option) *Suite {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Suite{log: log, cfg: DefaultConfig(), out: os.Stdout, faulted: make(chan struct{}), closed: make(chan struct{}),
		ctlChanged: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	s.cfg = s.cfg.ForLoopback(s.ep.Loopback).withDefaults()
	if s.faults != nil {
		go s.watchFaults()
	}
	return s
}

// watchFaults makes the first network fault sticky: every watcher sees it.
func (s *Suite) watchFaults() {
	select {
	case err, ok := <-s.faults:
		if !ok {
			return
		}
		s.mu.Lock()
		s.fault = &faultError{fmt.Errorf("network fault: %w", err)}
		s.mu.Unlock()
		close(s.faulted)
	case <-s.closed:
	}
}

// networkFault returns the network fault, nil if none arrived.
func (s *Suite) networkFault() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fault
}

// Config returns the suite's parameters.
func (s *Suite) Config() Config { return s.cfg }

// Results returns the results so far, in the order the benchmarks ran.
func (s *Suite) Results() []Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Result(nil), s.results...)
}

// ClientVersion is the client's answer to GETINFO version ("" before the
// first benchmark connected).
func (s *Suite) ClientVersion() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

func (s *Suite) addResult(r Result) {
	s.mu.Lock()
	s.results = append(s.results, r)
	s.mu.Unlock()
}

// Close closes the suite's control connection.
func (s *Suite) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctl != nil {
		err := s.ctl.Close()
		s.setController(nil)
		return err
	}
	return nil
}

// controller returns the control connection, connecting on first use.
func (s *Suite) controller(ctx context.Context) (*controller, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctl != nil {
		if err := s.ctl.Err(); err != nil {
			return nil, err
		}
		return s.ctl, nil
	}
	if err := s.ep.validate(); err != nil {
		return nil, err
	}
	c, err := dialController(ctx, s.ep)
	if err != nil {
		return nil, err
	}
	if v, err := c.getInfo("version"); err == nil {
		s.version = v
	}
	s.setController(c)
	return c, nil
}

// setController replaces the control connection and wakes the watchers;
// s.mu is held.
func (s *Suite) setController(c *controller) {
	s.ctl = c
	close(s.ctlChanged)
	s.ctlChanged = make(chan struct{})
}

// Categories selects benchmarks by the seed's three groups.
type Categories struct {
	Circuit bool // circuit build, concurrent build, pool
	Memory  bool // memory usage, memory leaks
	Streams bool // concurrent streams, scaling, multiplexing
}

// AllCategories selects every benchmark.
var AllCategories = Categories{Circuit: true, Memory: true, Streams: true}

// RunAll runs every benchmark.
func (s *Suite) RunAll(ctx context.Context) error { return s.Run(ctx, AllCategories) }

// Run runs the benchmarks of the chosen categories in the seed's order. A
// benchmark whose operations fail still completes and records the failures;
// Run goes on with the next. When the client dies, the network reports a
// fault or ctx ends, Run stops within moments and returns the cause.
func (s *Suite) Run(ctx context.Context, cat Categories) error {
	ctx, stop := s.watch(ctx)
	defer stop()
	type bench struct {
		on  bool
		run func(context.Context) error
	}
	benches := []bench{
		{cat.Circuit, s.BenchmarkCircuitBuild},
		{cat.Circuit, s.BenchmarkCircuitBuildConcurrent},
		{cat.Circuit, s.BenchmarkCircuitBuildWithPool},
		{cat.Memory, s.BenchmarkMemoryUsage},
		{cat.Memory, s.BenchmarkMemoryLeaks},
		{cat.Streams, s.BenchmarkConcurrentStreams},
		{cat.Streams, s.BenchmarkStreamScaling},
		{cat.Streams, s.BenchmarkStreamMultiplexing},
	}
	var errs []error
	for _, b := range benches {
		if !b.on {
			continue
		}
		c0 := s.cpuNow()
		err := b.run(ctx)
		s.annotateCPU(c0)
		if cause := s.fatal(ctx); cause != nil {
			return cause
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// cpuTimes are the CPU times of the three parties at one moment; a
// negative time was not readable.
type cpuTimes struct{ client, harness, echo time.Duration }

// cpuNow reads the CPU time used so far by the client, this process (the
// harness) and the echo server when it runs in a process of its own.
func (s *Suite) cpuNow() cpuTimes {
	t := cpuTimes{client: -1, harness: SelfCPU(), echo: -1}
	if d, err := ProcessCPU(s.ep.PID); err == nil {
		t.client = d
	}
	if s.ep.EchoPID > 0 {
		if d, err := ProcessCPU(s.ep.EchoPID); err == nil {
			t.echo = d
		}
	}
	return t
}

// annotateCPU adds the CPU time the client, the harness and the echo server
// used during the last benchmark to its metrics (client_cpu_s,
// harness_cpu_s, echo_cpu_s, harness_per_client_cpu) and prints them.
func (s *Suite) annotateCPU(c0 cpuTimes) {
	c1 := s.cpuNow()
	s.mu.Lock()
	if len(s.results) == 0 {
		s.mu.Unlock()
		return
	}
	r := &s.results[len(s.results)-1]
	harness := c1.harness - c0.harness
	r.metric("harness_cpu_s", harness.Seconds())
	line := fmt.Sprintf("harness %.2fs", harness.Seconds())
	if c0.client >= 0 && c1.client >= 0 {
		client := c1.client - c0.client
		r.metric("client_cpu_s", client.Seconds())
		line = fmt.Sprintf("client %.2fs, harness %.2fs", client.Seconds(), harness.Seconds())
		if client > 0 {
			ratio := harness.Seconds() / client.Seconds()
			r.metric("harness_per_client_cpu", ratio)
			line += fmt.Sprintf(" (%.2f× the client's)", ratio)
		}
	}
	if c0.echo >= 0 && c1.echo >= 0 {
		echo := c1.echo - c0.echo
		r.metric("echo_cpu_s", echo.Seconds())
		line += fmt.Sprintf(", echo server %.2fs", echo.Seconds())
	}
	name := r.Name
	s.mu.Unlock()
	s.log.Debug("benchmark CPU", "benchmark", name, "cpu", line)
	s.progress.Println("%s%s: CPU %s", s.progress.currentPrefix(), name, line)
}

// A faultError is a cause that ends the whole suite: the client or a relay
// died, or the control connection was lost.
type faultError struct{ err error }

func (e *faultError) Error() string { return e.err.Error() }
func (e *faultError) Unwrap() error { return e.err }

// watch returns a context that ends when the client process exits, the
// control connection is lost or a network fault arrives, with that cause.
// The watchers wait on channels; only clientGone polls, once per suite.
func (s *Suite) watch(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	gone := s.clientGone()
	go func() {
		for {
			var ctlDone <-chan struct{}
			s.mu.Lock()
			ctl, changed := s.ctl, s.ctlChanged
			s.mu.Unlock()
			if ctl != nil {
				ctlDone = ctl.Done()
			}
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-s.faulted:
				cancel(s.networkFault())
				return
			case <-gone:
				cancel(&faultError{fmt.Errorf("client process %d exited", s.ep.PID)})
				return
			case <-changed:
			case <-ctlDone:
				if err := ctl.Err(); err != nil && !errors.Is(err, errClosed) {
					cancel(&faultError{err})
					return
				}
				// Closed on purpose: wait for the next connection.
				select {
				case <-changed:
				case <-done:
					return
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}

// clientGone returns a channel that is closed when the client process has
// exited. One goroutine per suite polls: kill(pid, 0) every 100 ms (one
// system call), and /proc/PID/stat every second for a zombie nobody reaps;
// so a death stops the suite well within 5 s. (Reading /proc/PID/stat ten
// times a second from every watcher was an eighth of the harness's CPU.)
func (s *Suite) clientGone() <-chan struct{} {
	s.goneOnce.Do(func() {
		s.gone = make(chan struct{})
		if s.ep.PID > 0 {
			go s.pollClient(s.ep.PID)
		}
	})
	return s.gone
}

func (s *Suite) pollClient(pid int) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for i := 1; ; i++ {
		select {
		case <-s.closed:
			return
		case <-t.C:
		}
		if !pidExists(pid) || (i%10 == 0 && !processAlive(pid)) {
			close(s.gone)
			return
		}
	}
}

// pidExists reports whether a process pid exists (it may be a zombie).
func pidExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// fatal returns the cause that must end the suite: ctx ended, the control
// connection was lost or the client process exited. The watch goroutine
// finds these too, but a benchmark can return before it has.
func (s *Suite) fatal(ctx context.Context) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if err := s.networkFault(); err != nil {
		return err
	}
	s.mu.Lock()
	ctl := s.ctl
	s.mu.Unlock()
	if ctl != nil {
		if err := ctl.Err(); err != nil && !errors.Is(err, errClosed) {
			return &faultError{err}
		}
	}
	if s.ep.PID > 0 && !processAlive(s.ep.PID) {
		return &faultError{fmt.Errorf("client process %d exited", s.ep.PID)}
	}
	return nil
}

// processAlive reports whether pid runs and is not a zombie.
func processAlive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(data), ')')
	return i < 0 || i+2 >= len(data) || (data[i+2] != 'Z' && data[i+2] != 'X')
}

// aborted returns the cause when ctx ended (the benchmark must stop).
func aborted(ctx context.Context) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

// finish completes a result: on err the benchmark failed as a whole.
func (s *Suite) finish(r *Result, start time.Time, err error, ph *Phase) error {
	if r.Duration == 0 {
		r.Duration = time.Since(start)
	}
	if r.Duration > 0 && r.TotalOperations > 0 {
		r.OperationsPerSec = float64(r.TotalOperations) / r.Duration.Seconds()
	}
	if err != nil {
		r.Success = false
		r.Error = err
		s.log.Error("benchmark failed", "benchmark", r.Name, "err", err)
		ph.Done("ERROR: %s", firstLine(err))
	} else {
		s.log.Info("benchmark complete", "benchmark", r.Name, "success", r.Success,
			"p95", r.P95Latency, "ops", r.TotalOperations, "failures", r.Failures)
	}
	s.addResult(*r)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Name, err)
	}
	return nil
}

// snapshotRSS reads the client's memory, or nil on error.
func (s *Suite) clientMemory() (ProcessMemory, error) {
	return GetProcessMemory(s.ep.PID)
}
