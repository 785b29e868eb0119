package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// A pool that reopens on a schedule (gongxu.PoolSeries) on the pages: the
// pool page lists its series' pools, says what comes next or why the series
// stopped, and offers its factory a form that stops it:
//
//	POST /pools/{id}/stop-repeat   the factory stops the series of pool {id}
//	                               (gongxu.PoolStopRepeatBody; reason optional)
//
// The form is guarded as the factory's (factory_actions.go). The new pool
// form (pools_new.go) asks for the schedule: every so many days, so many
// times.

// poolSeriesGuard guards the stop form; Path is the pool's page.
var poolSeriesGuard = formGuard{Name: "The series form", Form: "pool-series",
	Again: "Open the pool again to stop its series."}

// maxSeriesPools bounds the pools of a series a page reads: a series has
// at most MaxPoolRepeats + 1.
const maxSeriesPools = gongxu.MaxPoolRepeats + 1

// seriesCard is a pool's series on its page.
type seriesCard struct {
	gongxu.PoolSeries               // this pool's place in it
	Days              int64         // the period in whole days (0: not whole days)
	Hours             int64         // the period in hours (rounded down)
	Pools             []gongxu.Pool // the series' pools, newest first
	Last              gongxu.Pool   // its latest pool
	Goes              bool          // the series goes on after Last
	Stop              actOffer      // the stop form (offered to the factory while it goes on)
}

// seriesOf reads p's series, nil when p reopens on no schedule.
func (s *server) seriesOf(ctx context.Context, p gongxu.Pool) (*seriesCard, error) {
	if p.Series == nil {
		return nil, nil
	}
	ps, err := s.pools.Pools(ctx, gongxu.PoolFilter{Series: p.Series.Series, Limit: maxSeriesPools})
	if err != nil {
		return nil, err
	}
	c := &seriesCard{PoolSeries: *p.Series, Pools: ps, Last: p}
	c.Hours = c.EveryMs / (3600 * 1000)
	if c.EveryMs%dayMillis == 0 {
		c.Days = c.EveryMs / dayMillis
	}
	if len(ps) > 0 && ps[0].ID > p.ID {
		c.Last = ps[0]
	}
	c.Goes = c.Last.Series.Pending()
	return c, nil
}

// poolSeriesStop is the stop form's submission.
func (s *server) poolSeriesStop(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := s.poolByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	g := pageGuard(poolSeriesGuard, poolPath(p.ID))
	sess, tok, err := s.admitAction(w, r, factoryGate, g, p.Factory, "stop this pool's series")
	if sess == nil || err != nil {
		return err
	}
	l := s.langs.pick(r)
	c, err := s.seriesOf(ctx, p)
	if err != nil {
		return err
	}
	if c == nil {
		s.badInput(w, r, g, "Pool %d does not reopen: it is not part of a series.", p.ID)
		return nil
	}
	if !c.Goes {
		s.problemLink(w, r, http.StatusConflict, "Not now", l.T("The series of pool %d already ended: no further pool opens.", p.ID)+" "+l.T("Nothing was sent."), g.Path, "Back")
		return nil
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > maxReason {
		s.badInput(w, r, g, "The reason is %d bytes long; the ledger takes at most %d.", len(reason), maxReason)
		return nil
	}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypePoolStopRepeat, gongxu.PoolStopRepeatBody{Pool: p.ID, Reason: reason},
		"Stop the series", "You stopped the series of pool %d: no further pool opens after pool %d.", c.Series, c.Last.ID)
}

// The ledger's reasons of a series (internal/module/pool/series.go), written
// for people as reasons.go writes the others.
func init() {
	reasonRules = append(reasonRules,
		reasonRule{regexp.MustCompile(`^opened by ([a-z0-9-]+)( on stock)?, reopening every (\d+) (days|hours), (\d+) times$`), func(w reasonWriter, m []string) string {
			opened := w.l.T("opened by %s", w.org(m[1]))
			if m[2] != "" {
				opened = w.l.T("opened by %s on stock", w.org(m[1]))
			}
			if m[4] == "hours" {
				return w.l.T("%s, reopening every %s hours, %s times", opened, m[3], m[5])
			}
			return w.l.T("%s, reopening every %s days, %s times", opened, m[3], m[5])
		}},
		reasonRule{regexp.MustCompile(`^reopened after pool (\d+): series (\d+), reopening (\d+) of (\d+)$`), func(w reasonWriter, m []string) string {
			return w.l.T("reopened after pool %s: series %s, reopening %s of %s", m[1], m[2], m[3], m[4])
		}},
		reasonRule{regexp.MustCompile(`^its series stops: (.+)$`), func(w reasonWriter, m []string) string {
			return w.l.T("its series stops: %s", w.seriesStop(m[1]))
		}},
		reasonRule{regexp.MustCompile(`^cancelled by the factory(?:: (.*))?; its series stops$`), func(w reasonWriter, m []string) string {
			if m[1] != "" {
				return w.l.T("cancelled by the factory: %s; its series stops", m[1])
			}
			return w.l.T("cancelled by the factory; its series stops")
		}},
		reasonRule{seriesStopRE, func(w reasonWriter, m []string) string { return w.seriesStop(m[0]) }},
	)
}

var seriesStopRE = regexp.MustCompile(`^(?:stopped by the factory(?:: (.*))?|pool (\d+) was cancelled|at its reopening, (.+)|no block from its deadline until (\d+): the schedule's remaining (\d+) reopenings were missed)$`)

// seriesStop writes why a series stopped (PoolSeries.Stopped).
func (w reasonWriter) seriesStop(s string) string {
	m := seriesStopRE.FindStringSubmatch(s)
	switch {
	case m == nil:
		return w.l.maybe(s)
	case m[2] != "":
		return w.l.T("pool %s was cancelled", m[2])
	case m[3] != "":
		return w.l.T("at its reopening, %s", w.l.maybe(m[3]))
	case m[4] != "":
		return w.l.T("no block from its deadline until %s: the schedule's remaining %s reopenings were missed", w.time(m[4]), m[5])
	case m[1] != "":
		return w.l.T("stopped by the factory: %s", m[1])
	}
	return w.l.T("stopped by the factory")
}
