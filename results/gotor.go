package results

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	reScaling = regexp.MustCompile(`^Stream Scaling \((\d+) streams?\)`)
	reVersion = regexp.MustCompile(`\bversion=(\S+)`)
	reRC      = regexp.MustCompile(`^rc=(-?\d+)$`)
)

// ParseGoTor reads the text summary of go-tor's bin/benchmark. Errors name
// the file and line.
func ParseGoTor(data []byte, name string) (*Results, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	r := &Results{Schema: SchemaResultsV1, Suite: "go-tor", Source: "gotor-summary",
		Environment: Environment{ClientName: "go-tor"}, Settings: Settings{Runs: 1}}
	run := Run{Index: 0}
	var cur *Benchmark
	var scalingLevel int
	inSummary, inExtra, done := false, false, false
	targets := map[string]*goTorTarget{}
	var target *goTorTarget
	ln := 0
	flush := func() {
		if cur == nil {
			return
		}
		if scalingLevel > 0 {
			cur.Levels = []StreamLevel{scalingRecord(cur, scalingLevel)}
			if prev := run.Find(BenchStreamScaling); prev != nil {
				prev.Levels = append(prev.Levels, cur.Levels...)
				prev.TotalOperations += cur.TotalOperations
				prev.DurationS += cur.DurationS
				prev.Success = prev.Success && cur.Success
				cur, scalingLevel = nil, 0
				return
			}
			cur.Name = "Stream Scaling"
		}
		run.Benchmarks = append(run.Benchmarks, *cur)
		cur, scalingLevel = nil, 0
	}
	for sc.Scan() {
		ln++
		line := strings.TrimRight(sc.Text(), "\r")
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(line, "time=") || strings.HasPrefix(line, "level=") {
			if m := reVersion.FindStringSubmatch(line); m != nil && r.Environment.ClientVersion == "" {
				r.Environment.ClientVersion = m[1]
			}
			continue
		}
		if m := reRC.FindStringSubmatch(trim); m != nil {
			if m[1] != "0" {
				run.Error = "bin/benchmark exited with status " + m[1]
			}
			continue
		}
		if trim == "BENCHMARK RESULTS SUMMARY" {
			inSummary = true
			continue
		}
		if !inSummary {
			continue
		}
		if strings.HasPrefix(trim, "FINAL RESULTS") || strings.HasPrefix(trim, "PERFORMANCE TARGETS") {
			flush()
			done = true
			continue
		}
		if done {
			target = readGoTorTarget(trim, targets, target)
			continue
		}
		if trim == "" || strings.Trim(trim, "=") == "" {
			continue
		}
		if !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t") {
			flush()
			inExtra = false
			key := ""
			for _, bl := range goTorBlocks {
				if strings.HasPrefix(trim, bl.prefix) {
					key = bl.key
					break
				}
			}
			if key == "" {
				key = snake(trim)
			}
			if key == "" {
				key = fmt.Sprintf("block_line_%d", ln)
			}
			cur = &Benchmark{Key: key, Name: trim}
			if key == BenchStreamScaling {
				m := reScaling.FindStringSubmatch(trim)
				if m == nil {
					return nil, fmt.Errorf("%s:%d: stream scaling block without a stream count: %q", name, ln, trim)
				}
				n, err := strconv.Atoi(m[1])
				if err != nil || n <= 0 {
					return nil, fmt.Errorf("%s:%d: bad stream count %q", name, ln, m[1])
				}
				scalingLevel = n
			}
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s:%d: indented line outside a benchmark block", name, ln)
		}
		k, v, ok := strings.Cut(trim, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if inExtra && strings.HasPrefix(line, "    ") {
			if err := addGoTorMetric(cur, k, v); err != nil {
				return nil, fmt.Errorf("%s:%d: %s: %w", name, ln, k, err)
			}
			continue
		}
		inExtra = false
		if err := setGoTorField(cur, k, v); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", name, ln, k, err)
		}
		if k == "Additional Metrics" {
			inExtra = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, ln+1, err)
	}
	flush()
	if !inSummary || len(run.Benchmarks) == 0 {
		return nil, fmt.Errorf("%s: no benchmark blocks after BENCHMARK RESULTS SUMMARY", name)
	}
	goTorGated(&run, r, targets)
	r.Runs = []Run{run}
	return r, nil
}
