package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/perfgate/perfgate/benchmark/torlab"
	"github.com/perfgate/perfgate/internal/cmdutil"
)

// cmdNetwork is 'perfgate network'.
func cmdNetwork(ctx context.Context, e *env, args []string) error {
	if cmdutil.WantsHelp(args) {
		io.WriteString(e.Stdout, usageText("network"))
		if len(args) == 0 {
			return errors.New("network: missing subcommand (up)")
		}
		return errHelp
	}
	if args[0] != "up" {
		return fmt.Errorf("network: unknown subcommand %q (want up)", args[0])
	}
	fs := newFlags("network up")
	var opts torlab.Options
	var quiet bool
	fs.BoolVar(&opts.Keep, "keep", false, "keep the network's directory (torrcs, logs, data) after stopping")
	fs.IntVar(&opts.Relays, "relays", 3, "middle relays")
	fs.IntVar(&opts.Exits, "exits", 2, "exits (exit policy: accept 127.0.0.1 only)")
	fs.StringVar(&opts.ClientCommand, "client", "", "client command `TEMPLATE` (default: the system's tor)")
	fs.StringVar(&opts.Dir, "dir", "", "parent `DIR` of the network's directory (default: the system's temporary directory)")
	fs.StringVar(&opts.TorPath, "tor", "", "`PATH` of tor for the network's relays (default: tor from PATH)")
	fs.StringVar(&opts.KeyCache, "key-cache", "", "`DIR` caching authority and relay keys between networks (default: the user cache directory; off: new keys every time)")
	fs.BoolVar(&opts.InfoLogs, "info-logs", false, "every node also logs at info level to info.log in its directory")
	fs.DurationVar(&opts.StartTimeout, "start-timeout", 90*time.Second, "give up starting after `DURATION`")
	fs.BoolVar(&quiet, "quiet", false, "no progress lines on stderr")
	loopback := fs.String("loopback", "auto", "the network's loopback: auto, namespace, shim or host (see docs/network.md)")
	if err := parseFlags(e, fs, args[1:], false); err != nil {
		return err
	}
	if opts.Relays < 1 || opts.Exits < 1 {
		return errors.New("network up: --relays and --exits must be at least 1")
	}
	if !quiet {
		opts.Log = e.Stderr
	}
	var err error
	if opts.Loopback, err = torlab.ParseLoopbackMode(*loopback); err != nil {
		return fmt.Errorf("network up: --loopback: %w", err)
	}
	n, err := torlab.Start(ctx, opts)
	if err != nil {
		return fmt.Errorf("network up: %w", err)
	}
	defer n.Close()
	if err := n.WriteSummary(e.Stdout); err != nil {
		return fmt.Errorf("network up: %w", err)
	}
	fmt.Fprintln(e.Stdout, "Press Ctrl-C to stop.")
	select {
	case <-ctx.Done():
		fmt.Fprintln(e.Stderr, "perfgate network: stopping")
	case err := <-n.Faults():
		n.Close()
		return fmt.Errorf("network up: %w", err)
	}
	if err := n.Close(); err != nil {
		return fmt.Errorf("network up: %w", err)
	}
	if opts.Keep {
		fmt.Fprintf(e.Stdout, "kept %s\n", n.Dir())
	}
	return nil
}
