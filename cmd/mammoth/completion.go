package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

const completionHelp = `Usage: mammoth completion bash|zsh

Prints a script that completes mammoth's commands, subcommands and flags.

  bash:  source <(mammoth completion bash)
         or save it as /etc/bash_completion.d/mammoth
  zsh:   source <(mammoth completion zsh)
         or save it as _mammoth in a directory of your $fpath
`

// completion writes the completion script for a shell. The scripts are
// static: they list every word there is to complete and never run
// mammoth.
func completion(w io.Writer, args []string) error {
	if len(args) != 1 {
		return usagef("usage: mammoth completion bash|zsh")
	}
	var sh shell
	switch args[0] {
	case "-h", "-help", "--help":
		_, err := io.WriteString(w, completionHelp)
		return err
	case "bash":
		sh = bash
	case "zsh":
		sh = zsh
	default:
		return usagef("no completion for %q: bash or zsh", args[0])
	}
	_, err := fmt.Fprintf(w, sh.script, completionCases(sh.words))
	return err
}

// shell is how a completion script is written for one shell: the script
// around the cases, and how a case lists its words.
type shell struct {
	script string
	words  func(words []string) string
}

var bash = shell{
	words: func(w []string) string { return `opts="` + strings.Join(w, " ") + `"` },
	script: `# bash completion for mammoth. Load it with: source <(mammoth completion bash)
_mammoth() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    [[ $cur == = ]] && cur=
    [[ $prev == = ]] && prev=${COMP_WORDS[COMP_CWORD-2]}
    case $prev in
    --output) COMPREPLY=($(compgen -W "table json jsonl" -- "$cur")); return ;;
    --spec|--out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    local cmd= sub= opts= i w
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --output) ((i++)); [[ ${COMP_WORDS[i]} == = ]] && ((i++)) ;;
        -*) ;;
        *) if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi ;;
        esac
    done
    case "$cmd/$sub" in
%s    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _mammoth mammoth
`,
}

var zsh = shell{
	words: func(w []string) string { return "opts=(" + strings.Join(w, " ") + ")" },
	script: `#compdef mammoth
# zsh completion for mammoth. Load it with: source <(mammoth completion zsh)
_mammoth() {
    case ${words[CURRENT-1]} in
    --output) compadd -- table json jsonl; return ;;
    --spec|--out) _files; return ;;
    esac
    local cmd= sub= i w
    local -a opts
    for ((i = 2; i < CURRENT; i++)); do
        w=${words[i]}
        case $w in
        --output) ((i++)) ;;
        -*) ;;
        *) if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi ;;
        esac
    done
    case "$cmd/$sub" in
%s    esac
    compadd -- $opts
}
if [[ $funcstack[1] == _mammoth ]]; then _mammoth "$@"; else compdef _mammoth mammoth; fi
`,
}

// completionCases are the cases of the scripts' "$cmd/$sub" switch: the
// words that may follow each command line so far.
func completionCases(list func([]string) string) string {
	var b strings.Builder
	addCase := func(pattern string, words []string) {
		fmt.Fprintf(&b, "    %s) %s ;;\n", pattern, list(words))
	}
	add := func(pattern string, words []string) { addCase(strconv.Quote(pattern), words) }
	var names []string
	for _, g := range groups {
		names = append(names, g.name)
	}
	add("/", slices.Concat(names, []string{"help", "completion"}, flagNames(globalFlags())))
	add("help/", slices.Concat(names, []string{"completion"}))
	add("completion/", []string{"bash", "zsh"})
	for _, g := range groups {
		if !g.alone() {
			add(g.name+"/", g.subcommands())
			add("help/"+g.name, g.subcommands())
		}
	}
	for _, cmd := range commands {
		words := flagNames(slices.Concat(commandFlags(cmd), globalFlags()))
		if cmd.name == "" {
			// A command by itself: a flag's value counts as no subcommand.
			addCase(strconv.Quote(cmd.group+"/")+"*", words)
			continue
		}
		add(cmd.group+"/"+cmd.name, words)
	}
	return b.String()
}

func globalFlags() []*flag.Flag {
	fs := newFlagSet("mammoth")
	(&globals{output: "table"}).register(fs)
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "h" {
			flags = append(flags, f)
		}
	})
	return flags
}

func flagNames(flags []*flag.Flag) []string {
	names := make([]string, len(flags))
	for i, f := range flags {
		names[i] = "--" + f.Name
	}
	return names
}
