// Package changepoint finds step changes in a series of per-commit
// measurements (latencies, bytes, counts), the way E-Divisive means does it
// (Matteson and James 2014), as used for performance regressions by MongoDB
// and by Apache Otava (formerly Hunter).
//
// # Use
//
//	cps, err := changepoint.Detect(series, boundaries, changepoint.Options{})
//
// series holds one value per commit, oldest first; every value must be a
// positive finite number. boundaries are indexes where the environment
// changed (another CPU, another tor): each one starts a new segment, no
// segment found reaches across one, and a boundary itself is never reported.
// Each ChangePoint found has Index, the first point of the new segment, the
// medians of the segments before and after it, their relative change
// (After/Before - 1) and the p-value of the test that found it. The result
// is sorted by Index; nil means no change.
//
// # Options
//
// The zero value of Options gives the defaults, each field on its own:
//
//   - MinSize 5: the minimum number of points in a segment. No change is
//     reported within MinSize points of a series end or a boundary, so a
//     regression shows up at the earliest MinSize commits after it landed,
//     and a series (or a segment between boundaries) shorter than
//     2*MinSize has no change points.
//   - Alpha 0.01: the significance level of each permutation test. On a
//     series with no change, at most about Alpha of the analyses report one.
//   - Permutations 199: the number of random permutations per test.
//     1/(Permutations+1) must not exceed Alpha.
//   - MinEffect 0.03: changes whose segment medians differ by less than 3 %
//     are dropped (and the segments on either side merged), however
//     significant they are. A negative MinEffect keeps them all.
//   - Seed 0: the seed of the permutations. The result is a function of the
//     input and the options, Seed included.
//
// # Method
//
// The values are taken as logarithms, so that ratios count, not
// differences. For a segment Z[s:e] the statistic is the energy divergence
// q̂ (with exponent 1) between X = Z[s:τ] and Y = Z[τ:κ], for all
// s+MinSize ≤ τ and τ+MinSize ≤ κ ≤ e:
//
//	q̂ = n·m/(n+m) · ( 2/(n·m)·Σ|x-y| − Σ_{i<j}|x_i-x_j|/C(n,2) − Σ_{i<j}|y_i-y_j|/C(m,2) )
//
// where n = |X| and m = |Y|. The split τ of the largest q̂ over all segments
// is the candidate. Its p-value comes from a permutation test: the values
// of every segment are shuffled within the segment, the largest q̂ is found
// again, and p = (1 + #{permuted q̂ ≥ observed q̂}) / (1 + Permutations).
// As each test covers all segments at once, boundaries add no false alarms.
// A candidate with p ≤ Alpha splits its segment and the search goes on over
// the new segments (binary segmentation); the first candidate that is not
// significant ends it. Last, the changes whose relative change of medians
// is below MinEffect are removed one by one, the smallest first, the
// neighbours' medians computed anew after each removal.
//
// # What to expect
//
// With the defaults, on series whose points vary by 5 % (coefficient of
// variation) around a constant, 0.5 to 0.8 % of series of 40, 100 or 500
// points have a change point. On series of 40 points with a step at 30, a
// 20 % step is found in every series, at the right index in 93 to 98 % of
// them and one off in most of the rest; a 10 % step is found in 85 % (up)
// and 91 % (down) of them, at the right index ±1 in about 80 % of those.
// About 1 % of series with a step get a second, spurious change point.
// TestOperatingCharacteristics measures these figures (-v prints them).
//
// Otava's default analysis replaces the permutation test with Student's t
// test over sliding windows and a merge pass; this package keeps the
// original permutation test, which assumes nothing about the distribution,
// and adds forced boundaries and the median effect filter.
//
// # Cost
//
// One evaluation of q̂ over all (τ, κ) of a segment of length L costs
// O(L²) time and O(L) memory; a test costs (Permutations+1) evaluations of
// every segment, and a test whose candidate cannot be significant stops
// early. On one core of a 2-core machine, Detect takes about 0.15 ms (no
// change) to 3 ms (one step) for 100 points and 1 to 70 ms for 500; series
// of up to a few thousand points are practical.
//
// References: D. S. Matteson and N. A. James, "A Nonparametric Approach for
// Multiple Change Point Analysis of Multivariate Data", JASA 109 (2014);
// M. Fleming et al., "Hunter: Using Change Point Detection to Hunt for
// Performance Regressions", ICPE 2023; Apache Otava docs/MATH.md.
package changepoint
