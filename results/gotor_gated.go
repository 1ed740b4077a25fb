package results

import "math"

// goTorGated derives what the gated metrics read from go-tor's fields and
// its PERFORMANCE TARGETS section, and notes what is approximate or
// missing.
func goTorGated(run *Run, r *Results, targets map[string]*goTorTarget) {
	for i := range run.Benchmarks {
		if t := targets[run.Benchmarks[i].Name]; t != nil && !t.pass {
			run.Benchmarks[i].Success = false
		}
	}
	r.Notes = append(r.Notes, "go-tor's summary has no raw samples: one run, quantiles as printed.")
	if b := run.Find(BenchMemoryUsage); b != nil {
		if mb, ok := b.Metrics["actual_mb"]; ok && !math.IsNaN(mb) {
			rss := mb * MiB
			if rss >= 0 && rss < math.MaxUint64/2 {
				b.Memory = []MemorySample{{RSS: uint64(rss)}}
			} else {
				b.Memory = []MemorySample{{RSS: math.MaxUint64}}
			}
			r.Notes = append(r.Notes, "memory_steady_rss from go-tor's actual_mb: the Go heap in use in MiB, not the process RSS.")
		}
	}
	if b := run.Find(BenchConcurrentStreams); b != nil {
		if l, ok := concurrentRecord(b, targets[b.Name]); ok {
			b.Levels = []StreamLevel{l}
			if s := run.Find(BenchStreamScaling); s != nil {
				s.Levels = append(s.Levels, l)
			}
		}
	}
	for _, m := range Metrics {
		if !m.Gates {
			continue
		}
		if !m.Has(run) {
			r.Notes = append(r.Notes, m.Key+" is missing from go-tor's summary.")
		}
	}
}
