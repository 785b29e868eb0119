package testenv

import (
	"bufio"
	"os"
	"strings"
)

// DumpLogs writes the tail of each node's process output and CometBFT log to
// the test log.
func (n *Network) DumpLogs() {
	for _, nd := range n.Nodes {
		n.t.Logf("---- node %d (%s): tail of %s ----\n%s", nd.Index, nd.Org, nd.ProcessLog(), tail(nd.ProcessLog(), 40))
		n.t.Logf("---- node %d (%s): tail of %s ----\n%s", nd.Index, nd.Org, nd.NodeLog(), tail(nd.NodeLog(), 60))
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 2*n {
			lines = lines[len(lines)-n:]
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
