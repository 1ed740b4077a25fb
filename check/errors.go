package check

import "errors"

// ErrRegression is returned (wrapped) by commands whose comparison found a
// regression or a missed target. Commands map it to exit code 1; every other
// error is exit code 2.
var ErrRegression = errors.New("performance regression")
