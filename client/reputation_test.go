package client_test

import (
	"context"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestReputation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, org := range []gongxu.OrgID{inproc.Blue, inproc.Acme, inproc.Hilltown} {
		r, err := e.c.Reputation(ctx, org, 5)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := e.db.Reputation(ctx, org, 5)
		sameJSON(t, "reputation of "+string(org), r, want)
	}
	p, err := e.c.ReputationFacts(ctx, inproc.Blue, gongxu.FigureFillRate, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := e.db.ReputationFacts(ctx, inproc.Blue, gongxu.FigureFillRate, 1, 2)
	sameJSON(t, "fill rate facts", p, want)
	if len(p.Facts) != 2 || p.Total != 3 {
		t.Errorf("page: %+v", p)
	}

	_, err = e.c.Reputation(ctx, "Blue", 5)
	wantErr(t, err, gongxu.KindInvalid, `org id "Blue"`)
	_, err = e.c.Reputation(ctx, inproc.Blue, 101)
	wantErr(t, err, gongxu.KindInvalid, "facts must be 0 to 100")
	_, err = e.c.Reputation(ctx, "nobody-here", 5)
	wantErr(t, err, gongxu.KindNotFound, "nobody-here")
	_, err = e.c.ReputationFacts(ctx, inproc.Blue, "stars", 0, 5)
	wantErr(t, err, gongxu.KindInvalid, "stars")
	_, err = e.broken(t, func(c *httpapi.Config) { c.Reputation = nil }).Reputation(ctx, inproc.Blue, 5)
	wantErr(t, err, gongxu.KindUnavailable, "does not serve reputations")
}
