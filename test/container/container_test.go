//go:build containertest

package container

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// instrumentLine starts the line of every report that names the instrument
// (results.Instrument): in the action's image, shim mode.
const instrumentLine = "**Instrument:** private Tor network, loopback shim;"

// The repository and pull request the fake GitHub plays.
const (
	owner    = "octo-org"
	repoName = "tor-client"
	prNumber = 7
	token    = "ghs_containertest0123456789abcdefTOKEN"
)

// env is the test's environment, from run.sh.
type env struct {
	repoRoot  string // the perfgate checkout whose Dockerfile is built
	context   string // the build context (default repoRoot)
	state     string // the test's scratch directory (buildah storage lives here too)
	keep      bool   // keep images between runs (development)
	b         *buildah
	image     string
	times     []timing
	size      int64     // bytes of the image's files
	sizeShown string    // as buildah images shows it
	deadline  time.Time // the whole test's budget
	prebuilt  bool      // PERFGATE_CT_IMAGE: use that image, build nothing (development)
}

type timing struct {
	step string
	d    time.Duration
}

func newEnv(t *testing.T) *env {
	t.Helper()
	state := os.Getenv("PERFGATE_CT_STATE")
	args := os.Getenv("PERFGATE_CT_BUILDAH_ARGS")
	if state == "" || args == "" {
		t.Fatal("PERFGATE_CT_STATE and PERFGATE_CT_BUILDAH_ARGS are unset: run the container test with `make container-test` (bash test/container/run.sh)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the container test needs root (buildah with chroot isolation, debootstrap, chown to the runner's uid)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{
		repoRoot: root, context: root, state: state, keep: os.Getenv("PERFGATE_CT_KEEP") == "1",
		b:     &buildah{args: strings.Fields(args)},
		image: fmt.Sprintf("localhost/perfgate-container-test:%d", os.Getpid()),
	}
	var err2 error
	if e.b.env, err2 = containersConf(state); err2 != nil {
		t.Fatal(err2)
	}
	if c := os.Getenv("PERFGATE_CT_CONTEXT"); c != "" {
		e.context = c
	}
	if img := os.Getenv("PERFGATE_CT_IMAGE"); img != "" {
		e.image, e.prebuilt = img, true
	}
	budget := 10 * time.Minute
	if v := os.Getenv("PERFGATE_CT_BUDGET"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			budget = d
		}
	}
	e.deadline = time.Now().Add(budget)
	return e
}

// step runs one timed step with its own deadline; a failure stops the test
// with the step's name and the cause.
func (e *env) step(t *testing.T, name string, limit time.Duration, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	ctx, cancel2 := context.WithDeadline(ctx, e.deadline)
	defer cancel2()
	if left := time.Until(e.deadline); left < limit {
		limit = left
	}
	start := time.Now()
	fmt.Printf("container-test: %s …\n", name)
	err := f(ctx)
	d := time.Since(start).Round(100 * time.Millisecond)
	e.times = append(e.times, timing{name, d})
	if err != nil {
		if ctx.Err() != nil {
			t.Fatalf("step %q: did not finish within %v (its own limit or what was left of the test's budget, PERFGATE_CT_BUDGET): %v", name, limit, err)
		}
		t.Fatalf("step %q failed after %v: %v", name, d, err)
	}
	fmt.Printf("container-test: %s: done in %v\n", name, d)
}

func (e *env) report() {
	fmt.Printf("\ncontainer-test: figures (indicative; shared 2-core machine)\n")
	if e.size > 0 {
		fmt.Printf("  %-40s %s (buildah images); %.1f MB of files\n", "image size", e.sizeShown, float64(e.size)/1e6)
	}
	var total time.Duration
	for _, s := range e.times {
		fmt.Printf("  %-40s %v\n", s.step, s.d)
		total += s.d
	}
	fmt.Printf("  %-40s %v\n\n", "total", total)
}

// TestContainer builds the action's Dockerfile and runs the action in the
// image as GitHub's runner does: a live quick suite run on a pull request,
// then a passing and a regressing change given as results files.
func TestContainer(t *testing.T) {
	e := newEnv(t)
	t.Cleanup(e.report)

	// 1. Base images under the names the FROM lines use.
	e.step(t, "base images", 6*time.Minute, func(ctx context.Context) error {
		if e.keep || e.prebuilt {
			if _, err := e.b.run(ctx, "inspect", "--type", "image", "docker.io/library/debian:bookworm-slim"); err == nil {
				fmt.Println("container-test: PERFGATE_CT_KEEP=1: reusing the base images")
				return nil
			}
		}
		cmd := command(ctx, "bash", filepath.Join(e.repoRoot, "test/container/baseimages.sh"), filepath.Join(e.context, "Dockerfile"))
		cmd.Env = append(append(os.Environ(), e.b.env...), "BUILDAH_ARGS="+strings.Join(e.b.args, " "))
		out, err := output(cmd)
		fmt.Print(out)
		return err
	})

	// 2. The real Dockerfile, unchanged, with the base images already here.
	e.step(t, "build", 8*time.Minute, func(ctx context.Context) error {
		if e.prebuilt {
			fmt.Printf("container-test: PERFGATE_CT_IMAGE=%s: not building\n", e.image)
			return nil
		}
		cmd := e.b.cmd(ctx, "bud", "--pull=never", "--isolation", "chroot", "--layers=false", "--format", "docker",
			"-f", filepath.Join(e.context, "Dockerfile"), "-t", e.image, e.context)
		if _, err := output(cmd); err != nil {
			if ctx.Err() != nil {
				return err
			}
			return fmt.Errorf("the Dockerfile does not build: %w", err)
		}
		return nil
	})
	if !e.keep && !e.prebuilt {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := e.b.run(ctx, "rmi", "--force", e.image); err != nil {
				t.Logf("cleanup: %v", err)
			}
		})
	}

	// 3. The image: entrypoint, user, size, what is (not) in it, and its tor.
	var torVersion string
	e.step(t, "inspect image", 2*time.Minute, func(ctx context.Context) error {
		var err error
		torVersion, err = e.inspectImage(ctx)
		return err
	})

	// 4. The action, as the runner runs it, against a fake GitHub.
	if _, err := os.Stat(filepath.Join(e.repoRoot, "action.yml")); err != nil {
		t.Skipf("SKIPPING the action's runs: action.yml is missing (%v); the image builds, but there is no action to run in it yet", err)
	}
	inputs, err := actionInputs(filepath.Join(e.repoRoot, "action.yml"), token)
	if err != nil {
		t.Fatal(err)
	}
	sc := newScenario(t, e)
	sc.defaults = inputs

	// Chroot isolation must share the host's network: tor inside and the
	// fake GitHub outside meet on 127.0.0.1.
	e.step(t, "loopback shared with the host", time.Minute, func(ctx context.Context) error {
		return e.checkLoopback(ctx, sc.gh.srv.Listener.Addr().String())
	})

	// The containers must have Docker's default capabilities (and no
	// more: chroot isolation applies the set containersConf names), and
	// with them no network namespace can be made: the action's network
	// must run in shim mode, as on GitHub's runner.
	e.step(t, "capabilities as Docker's", time.Minute, e.checkCaps)

	// 4a. A live quick run of the full suite on a pull request whose base
	// has no baseline yet: the absolute targets decide, and real tor on
	// loopback meets them.
	var live *actionResult
	e.step(t, "run: live suite (quick, 1 run)", 5*time.Minute, func(ctx context.Context) error {
		live = sc.run(ctx, t, "live", sc.base1, map[string]string{"quick": "true", "runs": "1"}, nil)
		return nil
	})
	res := sc.checkResult(t, live, "pass", 0)
	r := parseResults(t, live)
	checkLiveResults(t, r, torVersion)
	checkShimRun(t, live, true)

	// The baseline the base branch gets next: the live run's results.
	b, err := check.NewBaseline(r, results.BaselineMeta{Commit: sc.base1, Ref: "refs/heads/main"})
	if err != nil {
		t.Fatalf("the live run's results do not make a baseline: %v", err)
	}
	blPath := filepath.Join(e.state, "default.json")
	if err := results.WriteBaseline(blPath, b); err != nil {
		t.Fatal(err)
	}
	sc.advanceBase(t, blPath)
	_ = res

	// 4b. A passing change: the same results as the baseline.
	e.step(t, "run: passing change (results input)", 2*time.Minute, func(ctx context.Context) error {
		sc.current = sc.run(ctx, t, "pass", sc.base2, map[string]string{"results": "perfgate-current.json"},
			map[string][]byte{"perfgate-current.json": live.files["results-json"]})
		return nil
	})
	sc.checkResult(t, sc.current, "pass", 0)
	// The baseline came from the base commit (the workspace, a depth-1
	// clone, does not have it): through the contents API at that commit.
	if _, _, reqs, _ := sc.gh.snapshot(); !containsLine(reqs, fmt.Sprintf("GET /api/v3/repos/%s/%s/contents/%s?ref=%s -> 200", owner, repoName, inputs["baseline"], sc.base2)) {
		t.Errorf("run pass: the baseline was not read at the base commit %s through the contents API; requests:\n  %s", sc.base2, strings.Join(reqs, "\n  "))
	}

	// 4c. A regressing change: circuit latencies ten times the baseline's.
	slower := slowCircuits(t, live.files["results-json"], 10)
	e.step(t, "run: regressing change (results input)", 2*time.Minute, func(ctx context.Context) error {
		sc.current = sc.run(ctx, t, "regression", sc.base2, map[string]string{"results": "perfgate-slower.json"},
			map[string][]byte{"perfgate-slower.json": slower})
		return nil
	})
	sc.checkResult(t, sc.current, "regression", 1)

	// One comment on the pull request, edited in place by every run.
	sc.checkComments(t, 3)

	// 4d. The job is cancelled while the suite runs: `docker stop` sends
	// SIGTERM and kills the container 10 s later. perfgate must stop its
	// private network by then and leave no process behind.
	var stopped *actionResult
	e.step(t, "run: live suite stopped by SIGTERM", 2*time.Minute, func(ctx context.Context) error {
		sc.stop = true
		defer func() { sc.stop = false }()
		stopped = sc.run(ctx, t, "stopped", sc.base2, map[string]string{"quick": "true", "runs": "1"}, nil)
		return nil
	})
	switch {
	case !stopped.stopped:
		t.Errorf("run stopped: it was never stopped: %v", stopped.err)
	case stopped.exitAfter > 10*time.Second:
		t.Errorf("run stopped: perfgate took %v to exit after SIGTERM; docker stop kills the container after 10 s", stopped.exitAfter)
	case stopped.exit == 0:
		t.Errorf("run stopped: exit code 0 after SIGTERM, want a failure")
	}
	if len(stopped.leftover) > 0 {
		t.Errorf("run stopped: processes left behind after SIGTERM (killed now): %v", stopped.leftover)
	}
	checkShimRun(t, stopped, false)
	fmt.Printf("container-test: run stopped: exit %d %v after SIGTERM, %d processes left\n", stopped.exit, stopped.exitAfter.Round(10*time.Millisecond), len(stopped.leftover))
}

// inspectImage checks the built image and returns the version of its tor.
func (e *env) inspectImage(ctx context.Context) (string, error) {
	shown, err := e.b.imageSize(ctx, e.image)
	if err != nil {
		return "", err
	}
	cfg, err := e.b.imageConfig(ctx, e.image)
	if err != nil {
		return "", err
	}
	var problems []string
	if want := []string{"/usr/local/bin/perfgate", "action"}; strings.Join(cfg.Entrypoint, "\x00") != strings.Join(want, "\x00") {
		problems = append(problems, fmt.Sprintf("ENTRYPOINT is %q, want %q", cfg.Entrypoint, want))
	}
	switch cfg.User {
	case "", "root", "0", "0:0", "root:root":
	default:
		problems = append(problems, fmt.Sprintf("USER is %q: the Actions runner runs Docker actions as root (the workspace and file commands need it)", cfg.User))
	}

	c, err := e.b.from(ctx, e.image, fmt.Sprintf("perfgate-ct-inspect-%d", os.Getpid()))
	if err != nil {
		return "", err
	}
	defer c.remove()
	if e.size, err = treeSize(c.rootfs); err != nil {
		return "", fmt.Errorf("size of the image's files: %w", err)
	}
	e.sizeShown = shown
	bin := filepath.Join(c.rootfs, "usr/local/bin/perfgate")
	if f, err := elf.Open(bin); err != nil {
		problems = append(problems, fmt.Sprintf("perfgate binary: %v", err))
	} else {
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				problems = append(problems, "perfgate is dynamically linked (has PT_INTERP): build it with CGO_ENABLED=0")
			}
		}
		f.Close()
	}
	for _, p := range []string{"usr/local/go", "usr/lib/go", "root/go", "go"} {
		if _, err := os.Stat(filepath.Join(c.rootfs, p)); err == nil {
			problems = append(problems, fmt.Sprintf("/%s is in the final image: no Go toolchain belongs there", p))
		}
	}
	_ = filepath.WalkDir(filepath.Join(c.rootfs, "var/lib/apt/lists"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "lock" {
			problems = append(problems, "apt lists left in the image: "+strings.TrimPrefix(p, c.rootfs))
			return filepath.SkipAll
		}
		return nil
	})
	for _, p := range []string{"etc/ssl/certs/ca-certificates.crt"} {
		if _, err := os.Stat(filepath.Join(c.rootfs, p)); err != nil {
			problems = append(problems, fmt.Sprintf("/%s is missing from the image", p))
		}
	}
	// The quick-ACK shim, built in the build stage, needs only the image's
	// glibc; the compiler that built it stays behind.
	if f, err := elf.Open(filepath.Join(c.rootfs, shimInImage)); err != nil {
		problems = append(problems, fmt.Sprintf("the quick-ACK shim %s: %v", shimInImage, err))
	} else {
		if f.Type != elf.ET_DYN {
			problems = append(problems, fmt.Sprintf("the quick-ACK shim %s is %v, want a shared library (ET_DYN)", shimInImage, f.Type))
		}
		f.Close()
	}
	for _, pat := range []string{"usr/bin/cc", "usr/bin/gcc*", "usr/bin/*-gcc*", "usr/bin/c++", "usr/bin/ld", "usr/lib/gcc/*/*/cc1", "usr/include/stdio.h"} {
		if m, _ := filepath.Glob(filepath.Join(c.rootfs, pat)); len(m) > 0 {
			problems = append(problems, fmt.Sprintf("/%s is in the final image: no C compiler belongs there", strings.TrimPrefix(m[0], c.rootfs+"/")))
		}
	}
	if out, err := output(c.exec(ctx, nil, "ldd", shimInImage)); err != nil || strings.Contains(out, "not found") {
		problems = append(problems, fmt.Sprintf("ldd %s in the image: %q %v: the shim must need only the image's glibc", shimInImage, strings.TrimSpace(out), err))
	}

	// The tor the suite will find: the first on PATH, Debian's package.
	out, err := output(c.exec(ctx, nil, "sh", "-c", `command -v tor; tor --version | head -n 1; dpkg -S "$(readlink -f "$(command -v tor)")"; dpkg-query -W -f '${Version}\n' tor`))
	if err != nil {
		return "", fmt.Errorf("running tor in the image: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[2], "tor: ") {
		problems = append(problems, fmt.Sprintf("tor in the image: want the first tor on PATH to be Debian's package, got %q", lines))
	}
	m := regexp.MustCompile(`^Tor version ([0-9][^ ]*?)\.?$`).FindStringSubmatch(lines[min(1, len(lines)-1)])
	if m == nil {
		problems = append(problems, fmt.Sprintf("tor --version in the image: %q", lines))
		m = []string{"", ""}
	}
	fmt.Printf("container-test: image %s: %s (buildah images), %.1f MB of files; tor %s (Debian %s)\n",
		e.image, shown, float64(e.size)/1e6, m[1], lines[len(lines)-1])
	if ps := c.leftovers(); len(ps) > 0 {
		problems = append(problems, fmt.Sprintf("processes left behind: %v", ps))
		c.killLeftovers()
	}
	if len(problems) > 0 {
		return m[1], fmt.Errorf("the image is not right:\n  %s", strings.Join(problems, "\n  "))
	}
	return m[1], nil
}

func containsLine(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// checkLoopback makes one HTTP request from inside a container to addr on
// the host's loopback, with bash's /dev/tcp (the image has no curl).
func (e *env) checkLoopback(ctx context.Context, addr string) error {
	host, port, _ := strings.Cut(addr, ":")
	c, err := e.b.from(ctx, e.image, fmt.Sprintf("perfgate-ct-loopback-%d", os.Getpid()))
	if err != nil {
		return err
	}
	defer c.remove()
	probe := fmt.Sprintf(`exec 3<>/dev/tcp/%s/%s && printf 'GET /api/v3/ HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3`, host, port)
	out, err := output(c.exec(ctx, nil, "timeout", "20", "bash", "-c", probe))
	if err != nil || !strings.HasPrefix(out, "HTTP/1.") {
		return fmt.Errorf("the container cannot reach the host's loopback (%s): %q, %v: buildah's chroot isolation no longer shares the host's network", addr, out, err)
	}
	return nil
}

// checkCaps checks, inside a container run the way the action's runs are
// (container.exec), that the process has exactly Docker's default
// capabilities, and that it cannot make a network namespace.
func (e *env) checkCaps(ctx context.Context) error {
	c, err := e.b.from(ctx, e.image, fmt.Sprintf("perfgate-ct-caps-%d", os.Getpid()))
	if err != nil {
		return err
	}
	defer c.remove()
	out, err := output(c.exec(ctx, nil, "cat", "/proc/self/status"))
	if err != nil {
		return fmt.Errorf("reading /proc/self/status in the container: %w", err)
	}
	pc, err := parseProcStatus([]byte(out))
	if err != nil {
		return err
	}
	fmt.Printf("container-test: in the container: %v (Docker's CapEff %016x: %s)\n", pc, dockerCapMask(), describeCaps(dockerCapMask()))
	if d := checkDockerCaps(pc); d != "" {
		return fmt.Errorf("the test's containers do not have Docker's default capabilities (containers.conf default_capabilities, chroot isolation): %s", d)
	}
	// util-linux's unshare (essential in Debian, so in the image).
	nsOut, nsErr := output(c.exec(ctx, nil, "unshare", "--net", "true"))
	if nsErr == nil {
		return fmt.Errorf("unshare --net succeeded in the container (%q): with Docker's capabilities it must not, or the action would not be tested in shim mode", nsOut)
	}
	why := "exit status " + fmt.Sprint(exitCode(nsErr))
	for _, l := range strings.Split(nsErr.Error(), "\n") {
		if strings.HasPrefix(l, "unshare: ") {
			why = l
		}
	}
	fmt.Printf("container-test: in the container: unshare --net fails, as in a Docker action (%s)\n", why)
	return nil
}

// parseResults loads the live run's results-json output.
func parseResults(t *testing.T, res *actionResult) *results.Results {
	t.Helper()
	data := res.files["results-json"]
	if len(data) == 0 {
		t.Fatalf("the live run wrote no results-json output")
	}
	p := filepath.Join(t.TempDir(), "results.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := results.Load(p, results.FormatJSON)
	if err != nil {
		t.Fatalf("results-json of the live run: %v", err)
	}
	return r
}

// checkLiveResults checks that the suite really ran, inside the container,
// on the private network, with the image's tor.
func checkLiveResults(t *testing.T, r *results.Results, torVersion string) {
	t.Helper()
	if r.Source != "" && r.Source != "perfgate" {
		t.Errorf("results source %q: want the suite's own results (perfgate)", r.Source)
	}
	if !r.Settings.Quick || r.Settings.Runs != 1 || len(r.Runs) != 1 {
		t.Errorf("settings quick=%v runs=%d with %d runs: want the inputs quick=true runs=1", r.Settings.Quick, r.Settings.Runs, len(r.Runs))
	}
	if tv := strings.TrimSuffix(strings.TrimPrefix(r.Environment.TorVersion, "Tor version "), "."); torVersion == "" || !strings.HasPrefix(tv, torVersion) {
		t.Errorf("results say tor %q; the image's tor is %q: the suite did not use the image's tor", r.Environment.TorVersion, torVersion)
	}
	keys := map[string]bool{}
	for _, run := range r.Runs {
		if run.Error != "" {
			t.Errorf("run %d failed: %s", run.Index, run.Error)
		}
		for _, b := range run.Benchmarks {
			keys[b.Key] = true
			if !b.Success {
				t.Errorf("run %d: benchmark %s did not succeed: %s", run.Index, b.Key, b.Error)
			}
		}
		if run.NetworkStartS <= 0 {
			t.Errorf("run %d: no network start time: the private network did not come up", run.Index)
		}
	}
	for _, k := range []string{results.BenchCircuitBuild, results.BenchMemoryUsage, results.BenchConcurrentStreams, results.BenchStreamScaling} {
		if !keys[k] {
			t.Errorf("the live run has no %s benchmark (has %v)", k, keys)
		}
	}
	// GitHub's runner gives a Docker action no capability to make a
	// network namespace with: the image's shim is the instrument.
	if r.Environment.Loopback != "shim" {
		t.Errorf("results environment.loopback %q, want \"shim\": a Docker action has Docker's default capabilities only, and the image has the shim", r.Environment.Loopback)
	}
	if r.Environment.NetworkSettings == "" {
		t.Errorf("results environment.network_settings is empty: want the relays' settings")
	}
	fmt.Printf("container-test: live run: tor %s, loopback %s (relays: %s), %d benchmarks, network start %.1f s, wall %.1f s\n",
		r.Environment.TorVersion, r.Environment.Loopback, r.Environment.NetworkSettings, len(keys), r.Runs[0].NetworkStartS, r.Runs[0].WallS)
}

// checkShimRun checks a live run's instrument from what it printed and what
// the watch saw: the loopback chosen was shim with the image's library, the
// action had Docker's capabilities, and (full: a run that ran to the end)
// every relay seen had the shim mapped and no client did.
func checkShimRun(t *testing.T, res *actionResult, full bool) {
	t.Helper()
	out := res.stdout + res.stderr
	if !strings.Contains(out, "loopback: shim (") || !strings.Contains(out, shimInImage) {
		i := strings.Index(out, "loopback: ")
		line := "(no such line)"
		if i >= 0 {
			line, _, _ = strings.Cut(out[i:], "\n")
		}
		t.Errorf("run %s: want the line \"loopback: shim (… %s)\" in the action's output; got %q", res.name, shimInImage, line)
	}
	for _, p := range res.seen.checkInstrument(full) {
		t.Errorf("run %s: %s", res.name, p)
	}
	fmt.Printf("container-test: run %s: %v\n", res.name, res.seen)
}

// slowCircuits returns the results file data with every circuit-build
// latency (samples and summary fields) multiplied by factor; everything
// else is kept as it was, unknown fields included.
func slowCircuits(t *testing.T, data []byte, factor float64) []byte {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("results-json: %v", err)
	}
	scale := func(v any) any {
		n, ok := v.(json.Number)
		if !ok {
			return v
		}
		f, _ := n.Float64()
		return f * factor
	}
	changed := 0
	runs, _ := doc["runs"].([]any)
	for _, run := range runs {
		bs, _ := run.(map[string]any)["benchmarks"].([]any)
		for _, b := range bs {
			bm := b.(map[string]any)
			if k, _ := bm["key"].(string); !strings.HasPrefix(k, "circuit_build") {
				continue
			}
			for _, f := range []string{"p50_s", "p95_s", "p99_s", "max_s"} {
				if v, ok := bm[f]; ok {
					bm[f] = scale(v)
				}
			}
			if ls, ok := bm["latencies_s"].([]any); ok {
				for i := range ls {
					ls[i] = scale(ls[i])
				}
				changed += len(ls)
			}
		}
	}
	if changed == 0 {
		t.Fatalf("results-json has no circuit latencies to slow down")
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}
