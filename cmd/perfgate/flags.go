package main

import (
	"embed"
	"flag"
	"strings"

	"github.com/perfgate/perfgate/internal/cmdutil"
)

// usageFiles are the commands' help texts, usage/NAME.txt.
//
//go:embed usage/*.txt
var usageFiles embed.FS

// usageText is the help text of the command (the first word of a flag
// set's name: "network up" → network).
func usageText(command string) string {
	name, _, _ := strings.Cut(command, " ")
	data, err := usageFiles.ReadFile("usage/" + name + ".txt")
	if err != nil {
		panic("no usage/" + name + ".txt") // a build without its help texts
	}
	return string(data)
}

// newFlags is cmdutil.NewFlags.
var newFlags = cmdutil.NewFlags

// parseFlags parses a command's flags with its help text (cmdutil.Parse).
func parseFlags(e *env, fs *flag.FlagSet, args []string, positional bool) error {
	return cmdutil.Parse(e, fs, args, positional, usageText(fs.Name()))
}
