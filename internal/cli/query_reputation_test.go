package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestQueryReputation(t *testing.T) {
	home, _, _ := testHome(t)
	w, url := worldNode(t)
	db := w.Read()
	ctx := context.Background()
	q := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url, "query", "reputation"}, args...)...)
	}

	// JSON: what the node's service answers.
	code, stdout, stderr := q(inproc.Blue, "--facts", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got gongxu.Reputation
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	want, _ := db.Reputation(ctx, inproc.Blue, 2)
	g, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(g) != string(wj) {
		t.Errorf("got %s\nwant %s", g, wj)
	}
	code, stdout, stderr = q(inproc.Blue, "--figure", "on_time", "--offset", "1", "--limit", "1")
	var page gongxu.ReputationPage
	if err := json.Unmarshal([]byte(stdout), &page); code != 0 || err != nil || page.Total != 3 || len(page.Facts) != 1 {
		t.Errorf("page: exit %d, %v: %s %s", code, err, stdout, stderr)
	}

	// Tables: the figures as percentages, then the facts with their txs.
	for _, c := range []struct{ args, want []string }{
		{[]string{inproc.Blue}, []string{"FIGURE", "on_time    3      3       2     66.66%", "fill_rate  3      3       2     85.18%",
			"recalls    1      0       0     -", "half-life 180 days, 3 obligations", "po:2:1", "blue-river-cotton/fab-0042"}},
		{[]string{inproc.Acme, "--figure", "repeat"}, []string{"total            2", "hilltown-hub     hilltown-hub     2026-01-13T10:00:00Z  100.00%", "lakeside-corner"}},
	} {
		code, stdout, stderr := q(append(c.args, "-o", "table")...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: table lacks %q:\n%s", c.args, w, stdout)
			}
		}
	}

	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{}, 2, "needs ORG"},
		{[]string{"Blue"}, 2, `org id "Blue"`},
		{[]string{inproc.Blue, "--facts", "101"}, 1, "facts must be 0 to 100"},
		{[]string{inproc.Blue, "--figure", "stars"}, 1, `figure "stars"`},
		{[]string{"nobody-here"}, 1, "no member organization"},
	} {
		code, stdout, stderr := q(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want %d and %q; stderr:\n%s", c.args, code, c.code, c.stderr, stderr)
		}
	}

	bare := serveNet(t, w, func(c *httpapi.Config) { c.Reputation = nil })
	code, _, stderr = run(t, "--home", home, "--node", bare, "query", "reputation", inproc.Blue)
	if code != 1 || !strings.Contains(stderr, "does not serve reputations") {
		t.Errorf("no reputations: exit %d: %s", code, stderr)
	}
}
