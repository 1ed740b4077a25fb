package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestNetworkArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" means errHelp
	}{
		{"no subcommand", nil, "missing subcommand"},
		{"help", []string{"-h"}, ""},
		{"up help", []string{"up", "-h"}, ""},
		{"unknown subcommand", []string{"down"}, "unknown subcommand"},
		{"bad flag", []string{"up", "--nope"}, "flag provided but not defined"},
		{"no relays", []string{"up", "--relays", "0"}, "at least 1"},
		{"extra argument", []string{"up", "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			e := &env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, Getenv: func(string) string { return "" }}
			err := cmdNetwork(context.Background(), e, tt.args)
			if tt.wantErr == "" {
				if !errors.Is(err, errHelp) || !strings.Contains(out.String(), "perfgate network up") {
					t.Fatalf("err = %v, output %q; want help", err, out.String())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// TestNetworkUp runs 'perfgate network up' on a real network until its
// context is cancelled (what SIGINT does in main) and checks what it prints
// and that the directory is gone afterwards.
func TestNetworkUp(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private Tor network")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	e := &env{Stdin: strings.NewReader(""), Stdout: pw, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	done := make(chan error, 1)
	go func() {
		done <- cmdNetwork(ctx, e, []string{"up", "--relays", "1", "--exits", "1", "--dir", t.TempDir(), "--quiet"})
		pw.Close()
	}()
	fields := map[string]string{}
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		if strings.HasPrefix(line, "Press Ctrl-C") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	for _, k := range []string{"SOCKS5", "control", "data dir", "echo"} {
		if !strings.HasPrefix(fields[k], "127.0.0.1:") && k != "data dir" {
			t.Errorf("%s: %q, want a loopback address", k, fields[k])
		}
	}
	dir := fields["data dir"]
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("data dir %q: %v", dir, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("network up: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("network up did not return within 30 s of the cancel")
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s left behind", dir)
	}
}
