package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Exit codes of Main.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Main runs the gongxu command line with args (without the program name) and
// returns the exit code: 0 ok, 1 error, 2 usage. Errors are printed as
// "error: <message>" on stderr.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	env := &Env{Stdout: stdout, Stderr: stderr, Ctx: ctx}
	root := newRoot(env)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "error: %s\n", errorMessage(err))
	if isUsage(err) {
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return ExitUsage
	}
	return ExitError
}

// usageError is an error in the command line: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// asUsage marks err, if not nil, as a usage error.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err}
}

// cobraUsage are the beginnings of the usage errors cobra and pflag return
// without a type, so that commands using cobra's own validators (ExactArgs,
// MarkFlagRequired, …) exit with the usage code too.
var cobraUsage = []string{
	"unknown command ",
	"unknown flag: ",
	"unknown shorthand flag: ",
	"flag needs an argument: ",
	"invalid argument ",
	"required flag(s) ",
	"accepts ",
	"requires at least ",
	"requires at most ",
	"if any flags in the group ",
	"at least one of the flags in the group ",
}

func isUsage(err error) bool {
	var u *usageError
	if errors.As(err, &u) {
		return true
	}
	var ge *gongxu.Error
	if errors.As(err, &ge) {
		return false
	}
	msg := err.Error()
	for _, p := range cobraUsage {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// errorMessage is the message of err for people, safe on a terminal: a node's message
// may quote what others wrote (an org's name, a document), so controls and
// bidi overrides are escaped (escapeText); its own line breaks stay.
func errorMessage(err error) string {
	return escapeText(gongxu.ErrorMessage(err), "\n\t")
}
