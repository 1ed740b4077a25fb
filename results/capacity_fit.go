package results

// fitCrossing fits p95 = a + b·streams (Theil–Sen) to the records with at
// least 99 % success from fail/2 up and returns where it reaches bound; it
// leaves FitPoints 0 when there is no usable fit (fewer than two levels, a
// slope that is not positive).
func (e *CapacityEstimate) fitCrossing(levels []StreamLevel, fail int, bound float64) float64 {
	type pt struct{ x, y float64 }
	var ps []pt
	for _, l := range levels {
		if successOK(l) && 2*l.Streams >= fail {
			ps = append(ps, pt{float64(l.Streams), l.P95S})
		}
	}
	var slopes []float64
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if ps[j].x != ps[i].x {
				slopes = append(slopes, (ps[j].y-ps[i].y)/(ps[j].x-ps[i].x))
			}
		}
	}
	if len(slopes) == 0 {
		return 0
	}
	slope := Median(slopes)
	if !(slope > 0) {
		return 0
	}
	icpt := make([]float64, len(ps))
	for i, p := range ps {
		icpt[i] = p.y - slope*p.x
	}
	e.FitIntercept, e.FitSlope, e.FitPoints = Median(icpt), slope, len(ps)
	return (bound - e.FitIntercept) / slope
}
