package main

import (
	"flag"
	"slices"
	"strings"
)

// group is the first word of a command line and the commands under it
// ("exports list", "jobs wait"), or a command by itself ("fake-server")
// when its one command has no name.
type group struct {
	name string
	// ids makes the id flags every command of the group takes; nil for
	// none.
	ids      func() *idFlags
	commands []command
}

// groups is every command group, in the order help lists them. A new
// group is one line here, with its commands in a file of their own:
//
//	{name: "pipeline", ids: dataviewIDs, commands: pipelineCommands},
//
// ids gives its commands the id flags they take (dataviewIDs, workspaceID,
// or nil for none). Help, completion, error messages and the tests that
// run every command (TestHelp_EveryCommand) find the new commands here.
var groups = []group{
	{name: "exports", ids: dataviewIDs, commands: slices.Concat(exportsCommands, exportsAsCodeCommands)},
	{name: "jobs", ids: workspaceID, commands: jobsCommands},
	{name: "pipeline", ids: dataviewIDs, commands: pipelineCommands},
	{name: "draft", ids: dataviewIDs, commands: draftCommands},
	{name: "workspaces", commands: workspacesCommands},
	{name: "projects", ids: idsUpTo(1), commands: projectsCommands},
	{name: "datasets", ids: idsUpTo(2), commands: datasetsCommands},
	{name: "dataviews", commands: dataviewsCommands},
	{name: "fake-server", commands: fakeServerCommands},
}

// commands is every command of every group, in the order help lists them.
var commands = allCommands(groups)

func allCommands(groups []group) []*command {
	var all []*command
	for _, g := range groups {
		for i := range g.commands {
			c := g.commands[i]
			c.group = g.name
			if c.ids == nil { // a command may take other ids than its group's
				c.ids = g.ids
			}
			all = append(all, &c)
		}
	}
	return all
}

// findGroup returns the group named name, or nil.
func findGroup(name string) *group {
	for i := range groups {
		if groups[i].name == name {
			return &groups[i]
		}
	}
	return nil
}

// alone reports whether the group is a command by itself, with no
// subcommands.
func (g *group) alone() bool { return len(g.commands) == 1 && g.commands[0].name == "" }

// subcommands names the group's subcommands.
func (g *group) subcommands() []string {
	var names []string
	for _, c := range g.commands {
		if c.name != "" {
			names = append(names, c.name)
		}
	}
	return names
}

// lookup finds the command that rest (the words after the group's name)
// names, and returns it with the words after it. For a request for the
// group's help it returns flag.ErrHelp.
func (g *group) lookup(rest []string) (*command, []string, error) {
	if g.alone() {
		return g.command(""), rest, nil
	}
	subs := strings.Join(g.subcommands(), ", ")
	switch {
	case len(rest) == 0:
		return nil, nil, usagef("missing subcommand: %s", subs)
	case rest[0] == "-h" || rest[0] == "--help" || rest[0] == "-help":
		return nil, nil, flag.ErrHelp
	case strings.HasPrefix(rest[0], "-"):
		flagText := rest[0]
		gfs := newFlagSet("mammoth")
		(&globals{}).register(gfs)
		if takesValue(gfs, rest[0]) && len(rest) > 1 {
			flagText += " " + rest[1]
		}
		sub := "<subcommand>"
		for _, w := range rest {
			if g.command(w) != nil {
				sub = w
				break
			}
		}
		return nil, nil, usagef("flags go after the subcommand (%s), not between: 'mammoth %s %s %s'; global ones may also go first: 'mammoth %s %s %s'",
			subs, g.name, sub, flagText, flagText, g.name, sub)
	}
	if c := g.command(rest[0]); c != nil {
		return c, rest[1:], nil
	}
	return nil, nil, usagef("unknown subcommand %q; %s has: %s", rest[0], g.name, subs)
}

// command returns the group's command named name, as the commands table
// holds it, or nil.
func (g *group) command(name string) *command {
	for _, c := range commands {
		if c.group == g.name && c.name == name {
			return c
		}
	}
	return nil
}
