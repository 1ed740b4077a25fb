package results_test

import (
	"math"
	"testing"
	"time"

	"github.com/perfgate/perfgate/internal/fixture"
	"github.com/perfgate/perfgate/results"
)

// lvl is a level record: n streams, ok of them successful, their p95.
// linear is a client whose p95 grows by 1 s per 1000 streams from 50 ms:
// its p95 reaches the 1 s bound at 950 streams.
func linear(n int) results.StreamLevel { return fixture.Level(n, n, 0.05+float64(n)/1000) }

func TestEstimateCapacity(t *testing.T) {
	first := func() []results.StreamLevel {
		return []results.StreamLevel{fixture.Level(10, 10, 0.1), fixture.Level(25, 25, 0.1), fixture.Level(50, 50, 0.12), fixture.Level(100, 100, 0.1), fixture.Level(200, 200, 0.15)}
	}
	tests := []struct {
		name   string
		levels []results.StreamLevel
		want   float64 // capacity, ±1 stream
		passed int     // the former estimator
		limit  string  // "p95", "success" or "max"
	}{
		{"interpolates the p95 crossing between ladder levels",
			append(first(), linear(400), linear(800), linear(1600), linear(1600), linear(831), linear(1081), linear(1000)),
			950, 831, "p95"},
		{"a one-off p95 spike repeated with a pass is no knee",
			append(first(), linear(400), fixture.Level(800, 800, 1.9), linear(800), linear(1600), linear(1600), linear(831), linear(1081)),
			950, 831, "p95"},
		{"no fit possible: interpolation between the bracketing levels",
			append(first(), fixture.Level(400, 400, 0.5), fixture.Level(800, 800, 1.5), fixture.Level(800, 800, 1.5)),
			600, 400, "p95"},
		{"a capped client: success falls under 99 % with p95 low",
			// A relay accepts 1120 connections at once and resets the rest.
			append(first(), fixture.Level(400, 400, 0.3), fixture.Level(800, 800, 0.5), fixture.Level(1600, 1120, 0.6), fixture.Level(1600, 1120, 0.6),
				fixture.Level(1000, 1000, 0.6), fixture.Level(1250, 1120, 0.6), fixture.Level(1250, 1120, 0.6)),
			1131, 1000, "success"},
		{"a client that passes everything up to the maximum level",
			append(first(), linear(400), fixture.Level(800, 800, 0.6), fixture.Level(1600, 1600, 0.9)),
			1600, 1600, "max"},
		{"failures under 1 % count as a pass, p95 decides",
			append(first(), fixture.Level(400, 397, 0.45), fixture.Level(800, 793, 0.85), linear(1000), linear(1000), linear(831), linear(1081)),
			950, 831, "p95"},
		{"a level with failures but good p95 limits by success",
			append(first(), fixture.Level(400, 400, 0.3), fixture.Level(800, 780, 0.5), fixture.Level(800, 780, 0.5)),
			788, 400, "success"},
		{"the first level fails",
			[]results.StreamLevel{fixture.Level(10, 10, 2), fixture.Level(10, 10, 2)},
			5, 0, "p95"},
		{"nothing recorded", nil, 0, 0, "max"},
		{"a level marked failed though its streams and p95 pass ends the estimate below it",
			// go-tor's summary: a status, no p95.
			[]results.StreamLevel{{Streams: 10, OK: 10, Pass: true}, {Streams: 25, OK: 25, Pass: true}, {Streams: 50, OK: 50, Pass: true},
				{Streams: 100, OK: 100}, {Streams: 200, OK: 200}},
			50, 50, "status"},
		{"a status-only failure of the lowest level leaves nothing",
			[]results.StreamLevel{{Streams: 10, OK: 10}, {Streams: 25, OK: 25, Pass: true}},
			0, 0, "status"},
		{"a status-only failure in one record of a repeated level counts",
			append(first(), fixture.Level(400, 400, 0.3), results.StreamLevel{Streams: 400, OK: 400, P95S: 0.3}, linear(800), linear(1600)),
			200, 200, "status"},
		{"a failure the records explain is placed by them, not by the status",
			append(first(), fixture.Level(400, 400, 0.5), fixture.Level(800, 800, 1.5), fixture.Level(800, 800, 1.5)),
			600, 400, "p95"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := results.EstimateCapacity(tt.levels, time.Second)
			if math.Abs(e.Capacity-tt.want) > 1 {
				t.Errorf("capacity %.1f, want %.0f (%+v)", e.Capacity, tt.want, e)
			}
			if e.Passed != tt.passed {
				t.Errorf("passed level %d, want %d", e.Passed, tt.passed)
			}
			limit := "max"
			switch {
			case e.StatusCrossing <= math.Min(e.P95Crossing, e.SuccessCrossing):
				limit = "status"
			case e.SuccessCrossing <= e.P95Crossing:
				limit = "success"
			case e.FitPoints > 0 || e.P95Crossing < float64(maxStreams(tt.levels)):
				limit = "p95"
			}
			if limit != tt.limit {
				t.Errorf("limited by %s, want %s (%+v)", limit, tt.limit, e)
			}
		})
	}
}

func maxStreams(levels []results.StreamLevel) int {
	m := 0
	for _, l := range levels {
		m = max(m, l.Streams)
	}
	return m
}
