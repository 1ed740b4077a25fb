package check

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// WriteJSON writes the report as the JSON verdict for machines
// (schema perfgate/verdict/v1).
func WriteJSON(w io.Writer, r *Report) error {
	c := *r
	c.Metrics = append([]MetricResult(nil), r.Metrics...)
	for i := range c.Metrics {
		m := &c.Metrics[i]
		if ch := m.Change; ch != nil {
			cc := *ch
			cc.Rel, cc.Lo, cc.Hi, cc.P, cc.PAdj = finite(cc.Rel), finite(cc.Lo), finite(cc.Hi), finite(cc.P), finite(cc.PAdj)
			m.Change = &cc
		}
		for _, sv := range []**SideValue{&m.Baseline, &m.Current} {
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
func ReadReport(path string) (*Report, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, jsonError(data, path, err)
	}
	if env.Schema != SchemaVerdictV1 {
		return nil, fmt.Errorf("%s: schema %q is not a perfgate verdict (%s)", path, env.Schema, SchemaVerdictV1)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, jsonError(data, path, err)
	}
	switch r.Verdict {
	case VerdictPass, VerdictRegression, VerdictError:
	default:
		return nil, fmt.Errorf("%s: unknown verdict %q", path, r.Verdict)
	}
	return &r, nil
}
