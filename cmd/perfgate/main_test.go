package main

import (
	"strings"
	"testing"
)

// TestCommandsListed: the command list of 'perfgate help' names every
// command, and only those.
func TestCommandsListed(t *testing.T) {
	text := usageText("perfgate")
	listed := 0
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(line, "  ") {
			if _, ok := commands[f[0]]; !ok {
				t.Errorf("help lists %q, which is no command", f[0])
			}
			listed++
		}
	}
	if listed != len(commands) {
		t.Errorf("help lists %d commands, perfgate has %d", listed, len(commands))
	}
}
