package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/perfgate/perfgate/check"
	"github.com/perfgate/perfgate/results"
)

// WriteJSON writes the report as the JSON verdict for machines
// (schema perfgate/verdict/v1).
func WriteJSON(w io.Writer, r *check.Report) error {
	c := *r
	c.Metrics = append([]check.MetricResult(nil), r.Metrics...)
	for i := range c.Metrics {
		m := &c.Metrics[i]
		if ch := m.Change; ch != nil {
			cc := *ch
			cc.Rel, cc.Lo, cc.Hi, cc.P, cc.PAdj = finite(cc.Rel), finite(cc.Lo), finite(cc.Hi), finite(cc.P), finite(cc.PAdj)
			m.Change = &cc
		}
		for _, sv := range []**check.SideValue{&m.Baseline, &m.Current} {
			if *sv == nil {
				continue
			}
			v := **sv
			v.Value = finite(v.Value)
			v.RunValues, v.RunLo, v.RunHi = finiteSlice(v.RunValues), finiteSlice(v.RunLo), finiteSlice(v.RunHi)
			*sv = &v
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		return fmt.Errorf("writing the JSON verdict: %w", err)
	}
	return nil
}

func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func finiteSlice(s []float64) []float64 {
	if s == nil {
		return nil
	}
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = finite(v)
	}
	return out
}

// ReadReport reads a JSON verdict written by WriteJSON.
func ReadReport(path string) (*check.Report, error) {
	data, err := results.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var env struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, results.JSONError(data, path, err)
	}
	if env.Schema != check.SchemaVerdictV1 {
		return nil, fmt.Errorf("%s: schema %q is not a perfgate verdict (%s)", path, env.Schema, check.SchemaVerdictV1)
	}
	var r check.Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, results.JSONError(data, path, err)
	}
	switch r.Verdict {
	case check.VerdictPass, check.VerdictRegression, check.VerdictError:
	default:
		return nil, fmt.Errorf("%s: unknown verdict %q", path, r.Verdict)
	}
	return &r, nil
}
