// Command gongxu runs and talks to a node of the gongxu network. It sets up
// signal handling and hands over to cli.Main; nothing else lives here.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gongxu-network/gongxu/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
