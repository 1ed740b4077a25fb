// Package history keeps the gate's measurements of every commit of the
// default branch in one file in the repository, baselines/history.jsonl
// (DefaultPath), and finds step changes in them after the fact: the ten
// pull requests that each make circuit builds 3 % slower and each pass
// the gate show up here as a step, with the range of commits it came in
// with.
//
// # The file
//
// One line per commit, each a JSON object of schema perfgate/history/v1
// (Schema), oldest first by date (then commit):
//
//	{"schema":"perfgate/history/v1","commit":"3f2a1c9…","parent":"9b1e0d2…",
//	 "date":"2026-11-25T18:00:00Z","ref":"refs/heads/main","fingerprint":"b98c8e01a4d5",
//	 "environment":{"os":"linux","arch":"amd64","cpu_model":"…","cores":2,"tor_version":"0.4.9.11",…},
//	 "runs":5,"values":{"circuit_build_p95":[0.0608,0.0607,0.0653,0.0647,0.0641],…}}
//
// (one line in the file; wrapped here). values holds, for every metric the
// gate computes (gated and reported), the value of each run that has it,
// in run order, as the gate reads it (check.RunValues): a commit's value
// in a series is the median of its runs. The fingerprint (Fingerprint) is
// a hash of the environment's fields that tell one instrument from
// another, the ones results.EnvironmentDiff compares: CPU model, cores,
// OS/arch, tor version, client name and version, the private network's
// loopback mode and relays' settings. A line of 5 runs is about 1 KB, so
// DefaultMax (200) entries take about 200 to 350 KB; of 100 runs, 2 to
// 3 MB. A file beyond MaxBytes (256 MiB, the bound of every file perfgate
// reads) is refused, by Read and by Write.
//
// # Recording a commit
//
//	h, err := history.Read(history.DefaultPath) // missing: empty
//	if h == nil {
//		return err // not a file, too large, unreadable
//	}
//	for _, bad := range h.Invalid {
//		warn(bad) // "baselines/history.jsonl:7: …": kept as it is
//	}
//	e, err := history.NewEntry(res, commit, parent, ref, committerDate)
//	…
//	h.Append(e, history.DefaultMax) // replaces the commit's entry if present
//	err = history.Write(history.DefaultPath, h)
//
// Append keeps at most max entries, dropping the oldest, never the one
// appended. Write writes atomically (a temporary file in the same
// directory renamed over the file: a reader sees the old file or the new
// one) and refuses an invalid entry.
//
// # Bad lines lose nothing
//
// Read takes every line it can. A line that is invalid JSON, has an
// unknown field, an implausible value, a fingerprint that does not match
// its environment (a hand edit), or another schema version (a newer
// perfgate's) is an invalid line: Read returns the good entries, the bad
// lines in History.Invalid, and as its error one *LineError per bad line,
// "path:line: reason" (errors.Join; one line each). Write writes the bad
// lines back first, as they were, so they stay until someone repairs or
// deletes them, and every read reports them again. So the job that records
// a commit warns and goes on, and perfgate history, which validates the
// file, fails naming the lines. Git's conflict markers are reported too
// but not written back (they hold no data; the entries on both sides are
// kept). Of two lines of one commit, the later date wins.
//
// # Merging in git
//
// Two baseline jobs that each append an entry to the same history (two
// pushes in quick succession, the second rebased or merged onto the
// first) both add a line at the end of the file. A line-based merge cannot
// order two additions at the same place, whatever the lines hold: git
// reports a conflict, the lines' date order notwithstanding. The union
// merge driver resolves exactly this case by keeping both sides' lines,
// so the repository's .gitattributes needs the line
//
//	baselines/history.jsonl merge=union
//
// which EnsureUnionMerge adds. Because Write writes the entries in one
// total order (date, then commit) and each entry's keys in a fixed order,
// the lines both sides kept are identical and only the new lines differ;
// after a union merge the two new lines may be out of order, and Read
// sorts them (the next Write restores the order). Both sides dropping the
// same oldest entry at the bound merges cleanly too (the next Append
// bounds the file again). TestGitMerge makes a repository, two branches
// that each append one entry with Write, and merges (and rebases) them
// with git: clean with the attribute, a conflict without it (whose
// committed markers Read reports and the next Write drops).
//
// # Series and change points
//
// History.Series(metric) is the metric's series, oldest first: each
// commit's median over its runs, and the indexes where the fingerprint
// changes. Changes runs changepoint.Detect (E-Divisive means: energy
// divergence, binary segmentation, a permutation test per split, a
// minimum effect of 3 %) on it with the environment changes as
// boundaries, so another CPU, tor or network setting is never reported
// as a regression. Each Change names the commit range (Last, the last
// commit of the old segment, and First, the first of the new one), the
// medians before and after, the relative change, its p-value and whether
// it is for the worse in the metric's direction.
//
// # Trust
//
// Measured on histories of the fixture's real runs (internal/fixture: 8
// private Tor networks on loopback), each push's runs drawn at random
// from the 8 networks, with the defaults of changepoint.Options:
//
//	go test -run 'TestTrust|TestScenario' -v ./history
//
// With 5 runs a push (the action's default), over 200 A/A histories of 30
// pushes: a change is flagged in circuit_build_p95 in 0.5 % of them when
// the history is analysed once, at push 30, and in 5.0 % at one push or
// more when it is analysed after every push from the 10th, as a baseline
// job does; a change flagged at the same commit on two pushes in a row,
// in 2.0 %. memory_steady_rss: 0.0 % in each case (3 runs a push: 0.0,
// 1.0 and 1.0 %); stream_capacity, which is 1000 streams in every network
// of the fixture, 0.0 %. After 30 pushes, a step of +20 % in every circuit
// build is flagged in all 100 histories: first after 4 slow pushes, up to
// 4 commits early (the new segment needs MinSize 5 points, so it takes
// some fast ones), at the step's commit after 5 slow pushes (max 5), on
// two pushes in a row after 6. A step of +10 %: flagged after 4 (max 5),
// at the commit after 5 (max 9). With 1 run a push: A/A 1.0 % at push 30,
// 3.5 % at some push; +10 % at its commit in 92 of 100 within 15 pushes.
//
// The fixture's networks ran on one machine on one day; runners that
// change from day to day add noise the fixture does not have, so these
// figures are a best case until they are measured on the instrument's
// collected runs. BenchmarkChanges (go test -bench . ./history) times the
// detection over a full history: about 15 ms for the 3 gated metrics
// over DefaultMax commits.
package history
