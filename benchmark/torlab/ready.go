package torlab

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/net/proxy"
)

// A consensusEntry is one relay of a consensus: its "r" and "s" lines.
type consensusEntry struct {
	Nickname string
	ORPort   string
	Flags    []string
}

// parseConsensus returns the relays listed in a network-status consensus
// document, by nickname.
func parseConsensus(doc []byte) (map[string]consensusEntry, error) {
	out := map[string]consensusEntry{}
	sc := bufio.NewScanner(bytes.NewReader(doc))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cur string
	sawHeader := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "network-status-version 3"):
			sawHeader = true
		case strings.HasPrefix(line, "r "):
			f := strings.Fields(line)
			if len(f) < 8 {
				return nil, fmt.Errorf("consensus: short r line %q", line)
			}
			cur = f[1]
			out[cur] = consensusEntry{Nickname: f[1], ORPort: f[len(f)-2]}
		case strings.HasPrefix(line, "s ") || line == "s":
			if cur == "" {
				return nil, fmt.Errorf("consensus: s line before any r line")
			}
			e := out[cur]
			e.Flags = strings.Fields(line)[1:]
			out[cur] = e
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("consensus: %w", err)
	}
	if !sawHeader {
		return nil, fmt.Errorf("consensus: no network-status-version 3 line")
	}
	return out, nil
}

// fetchConsensus fetches the current consensus from an authority's DirPort.
func (n *Network) fetchConsensus(ctx context.Context, dirPort int) (map[string]consensusEntry, error) {
	body, err := n.dirGet(ctx, dirPort, "/tor/status-vote/current/consensus")
	if err != nil {
		return nil, err
	}
	return parseConsensus(body)
}

// parseRouterNames returns the nicknames of the "router" lines of a list of
// server descriptors (/tor/server/all).
func parseRouterNames(doc []byte) map[string]bool {
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(doc))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "router "); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				out[f[0]] = true
			}
		}
	}
	return out
}

// fetchRouterNames returns the nicknames of the server descriptors an
// authority holds.
func (n *Network) fetchRouterNames(ctx context.Context, dirPort int) (map[string]bool, error) {
	body, err := n.dirGet(ctx, dirPort, "/tor/server/all")
	if err != nil {
		return nil, err
	}
	return parseRouterNames(body), nil
}

// dirGet fetches path from the DirPort of an authority, uncompressed.
func (n *Network) dirGet(ctx context.Context, dirPort int, path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	url := fmt.Sprintf("http://127.0.0.1:%d%s", dirPort, path)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := n.lb.httpClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	return body, nil
}

// missingRelays returns the names of relays not (yet) usable in consensus c:
// absent, not Running, or an exit without the Exit flag.
func missingRelays(c map[string]consensusEntry, relays []*Node) []string {
	var miss []string
	for _, r := range relays {
		e, ok := c[r.Name]
		if !ok || !hasFlag(e.Flags, "Running") || (r.Role == RoleExit && !hasFlag(e.Flags, "Exit")) {
			miss = append(miss, r.Name)
		}
	}
	return miss
}

func hasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

// RoundTrip opens a stream through the client's SOCKS port to target (an
// echo server, such as Network.EchoAddr) on a fresh circuit (a SOCKS
// username of its own), writes a random message and reads it back.
func (c *Client) RoundTrip(ctx context.Context, target string) error {
	user := make([]byte, 8)
	rand.Read(user)
	d, err := proxy.SOCKS5("tcp", c.SOCKSAddr, &proxy.Auth{User: "torlab-" + hex.EncodeToString(user), Password: "x"}, c.net.lb)
	if err != nil {
		return err
	}
	conn, err := d.(proxy.ContextDialer).DialContext(ctx, "tcp", target)
	if err != nil {
		return fmt.Errorf("SOCKS5 connect to %s via %s: %w", target, c.SOCKSAddr, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	msg := make([]byte, 32)
	rand.Read(msg)
	if _, err := conn.Write(msg); err != nil {
		return fmt.Errorf("write to %s via %s: %w", target, c.SOCKSAddr, err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(conn, got); err != nil {
		return fmt.Errorf("read from %s via %s: %w", target, c.SOCKSAddr, err)
	}
	if !bytes.Equal(got, msg) {
		return fmt.Errorf("echo via %s: got other bytes than sent", c.SOCKSAddr)
	}
	return nil
}
