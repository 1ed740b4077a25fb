package torlab

// childEnv names the environment variable that makes the test binary run a
// child scenario (see runChild) instead of the tests.
const childEnv = "TORLAB_TEST_CHILD"

func runChild() int { return 0 }
