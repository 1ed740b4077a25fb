package quality

import (
	"flag"
	"fmt"
	"time"

	"github.com/perfgate/perfgate/benchmark"
	"github.com/perfgate/perfgate/benchmark/torlab"
)

// A SuiteSpec is the suite's part of a collection as a command line gives
// it ('perfgate evaluate collect' and 'all'); Options turns it into
// CollectOptions.
type SuiteSpec struct {
	// Quick selects the suite's quick configuration (else the default).
	Quick bool
	// Circuits is the sequential circuit builds per run (0: the
	// configuration's).
	Circuits int
	// Warmup is the sequential circuit builds left out first (0: the
	// configuration's; -1: none).
	Warmup int
	// Timeout bounds one run (stored mode) or one session (A/B mode).
	Timeout time.Duration
	// Order is the A/B interleaving: balanced ("" too), abba or alternate.
	Order string
	// Loopback is the networks' loopback: auto ("" too), namespace, shim
	// or host.
	Loopback string
}

// Options returns the collect options the spec asks for, with Mode, Runs
// and Injection left for the caller. Its errors name the flags --order and
// --loopback.
func (s SuiteSpec) Options() (CollectOptions, error) {
	order := benchmark.Balanced
	if s.Order != "" {
		var err error
		if order, err = benchmark.ParseOrder(s.Order); err != nil {
			return CollectOptions{}, fmt.Errorf("--order: %w", err)
		}
	}
	lb, err := torlab.ParseLoopbackMode(s.Loopback)
	if err != nil {
		return CollectOptions{}, fmt.Errorf("--loopback: %w", err)
	}
	return CollectOptions{Config: s.config(), Quick: s.Quick, Timeout: s.Timeout, Order: order, Loopback: lb}, nil
}

// config is the suite's configuration the spec asks for.
func (s SuiteSpec) config() benchmark.Config {
	cfg := benchmark.DefaultConfig()
	if s.Quick {
		cfg = benchmark.QuickConfig()
	}
	if s.Circuits > 0 {
		cfg.Circuits = s.Circuits
	}
	if s.Warmup != 0 {
		cfg.CircuitWarmup = s.Warmup
	}
	return cfg
}

// Register declares the suite's flags of 'perfgate evaluate collect' and
// 'all' on fs, filling s.
func (s *SuiteSpec) Register(fs *flag.FlagSet) {
	fs.BoolVar(&s.Quick, "quick", true, "use the suite's quick configuration (30 circuits, shorter ladder)")
	fs.IntVar(&s.Circuits, "circuits", 0, "sequential circuit builds per run (0: the configuration's); collect with many and replay with --builds to sweep fewer")
	fs.DurationVar(&s.Timeout, "timeout", 10*time.Minute, "bound on one run (stored mode) or one session (A/B mode)")
	fs.StringVar(&s.Order, "order", "balanced", "A/B interleaving: balanced (ABBA BAAB …), abba or alternate")
	fs.IntVar(&s.Warmup, "circuit-warmup", 0, "sequential circuit builds left out first (0: the configuration's; -1: none); collect with none and replay with --warmup to sweep")
	fs.StringVar(&s.Loopback, "loopback", "auto", "the networks' loopback: auto, namespace, shim or host")
}
