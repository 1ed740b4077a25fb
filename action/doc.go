// Package action is perfgate's GitHub side: what the Action reads from the
// runner and what it tells GitHub. It does no statistics; it takes a
// rendered report and a verdict from package check and publishes them.
//
// The pieces:
//
//   - [Runner] wraps go-githubactions: inputs, outputs, the job summary,
//     masking and annotations, tolerant of a runner that lacks one of its
//     files (a local run).
//   - [Event] is what the Action needs from the event payload
//     (GITHUB_EVENT_PATH): the pull request, its head and base commits,
//     the pushed commit, or the workflow run that a reporter reacts to.
//   - [API] is the small set of GitHub REST calls the Action makes; [GitHub]
//     implements it over go-github, with 5xx and secondary rate limits
//     retried with bounded backoff ([RetryTransport]).
//   - [Publisher] finds perfgate's comment on a pull request by a hidden
//     marker among all comments, edits it in place or creates it, sets the
//     commit status and turns 403/404 (a fork's read-only token, a missing
//     permissions block) into warnings.
//   - [RunPullRequest], [CheckClaim] and [Provenance] are the checks of the
//     workflow_run reporter (mode report), which trusts nothing in the
//     artifact of a fork's run: the pull request comes from the event and
//     the API, the artifact's pr.json must agree with it, and a pull
//     request that changes its own workflows or the action ([ReviewFiles])
//     never gets a success status.
//   - The history (package history, input history): mode baseline appends
//     the pushed commit to baselines/history.jsonl and reports the step
//     changes for the worse that the newest commits started, flagged on
//     two pushes in a row ([ChangePoint], [RecentEntries]); check and
//     report mode read it at the base commit, draw the gated metrics over
//     its last [TrendCommits] commits with the pull request as the last
//     point, and with input compare-to ([CompareRelease], [CompareBoth])
//     compare with the baseline of its newest release tag as well.
//
// Every failed call is a [*CallError] that names the call and says what to
// check.
package action
