package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// seriesForm is a good new pool form that reopens every 7 days, 4 times.
func seriesForm(kv ...string) url.Values {
	v := url.Values{"product": {inproc.Acme + "/linen-shirt"}, "tiers": {"1:159.00,40:139.00"}, "min_batch": {"40"}, "cap": {"120"},
		"case_pack": {"1"}, "deadline": {"2026-02-05T18:00"}, "repeat_days": {"7"}, "repeat_times": {"4"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestPoolSeries: the factory's new pool form opens a pool that reopens on
// a schedule; its page shows the series and offers the factory, and only
// it, a form that stops the series; once stopped the page says why and
// offers nothing.
func TestPoolSeries(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	_, body := formGet(t, s, "/pools/new?repeat_days=7&repeat_times=4", localAddr, signIn(t, s, localAddr))
	contains(t, "form", body, `id="pool-repeat-days" name="repeat_days" value="7"`, `id="pool-repeat-times" name="repeat_times" value="4"`,
		"Reopen on a schedule (optional)")
	res, body := actOn(t, s, "/pools/new", "/pools/new", seriesForm())
	if res.StatusCode != http.StatusOK {
		t.Fatalf("open: status %d\n%s", res.StatusCode, body)
	}
	contains(t, "opened", body, "it reopens every 7 days, 4 times.")
	deadline := f.sent()[0].Body
	committed(t, f, body, "pool/open", "")
	if !strings.Contains(string(deadline), `"repeat":{"every_ms":604800000,"times":4}`) {
		t.Errorf("body %s", deadline)
	}
	ps, err := f.pools.Pools(context.Background(), gongxu.PoolFilter{Factory: inproc.Acme, Limit: 1})
	if err != nil || len(ps) != 1 || ps[0].Series == nil {
		t.Fatalf("the new pool: %+v, %v", ps, err)
	}
	p := ps[0]
	page := poolPath(p.ID)

	// The factory's page: the series, its next opening, the stop form.
	sess := signIn(t, s, localAddr)
	_, body = formGet(t, s, page, localAddr, sess)
	contains(t, "series", body, `id="series"`, "Every 7 days, 4 times after the first pool.", `id="series-next"`,
		fmt.Sprintf(`href="%s">#%d</a>`, page, p.ID), `action="`+page+`/stop-repeat" id="series-stop"`, "Stop the series",
		"opened by Acme Textiles, reopening every 7 days, 4 times")
	// In Chinese.
	res, body = serve(t, s, request("GET", page, nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("zh: status %d", res.StatusCode)
	}
	contains(t, "zh series", body, "定期重开", "每 7 天一期，首期之后重开 4 次。", "停止系列")

	// Acting as another org (a hub), the page shows the series, not the form,
	// and a stop is refused.
	f.op.SetOrg(inproc.Hilltown)
	_, other := formGet(t, s, page, localAddr, sess)
	contains(t, "hub's view", other, `id="series"`, "Hilltown Community Hub is not a factory.")
	lacks(t, "hub's view", other, `id="series-stop"`)
	res, other = factoryPost(t, s, page+"/stop-repeat", localAddr, sess, url.Values{"csrf": {strings.Repeat("0", 64)}})
	if res.StatusCode < 400 || len(f.sent()) != 1 {
		t.Errorf("the hub stopped the series: %d, %+v\n%s", res.StatusCode, f.sent(), other)
	}
	f.op.SetOrg(inproc.Acme)

	// A reason too long: nothing is sent.
	res, body = actOn(t, s, page, page+"/stop-repeat", url.Values{"reason": {strings.Repeat("x", 201)}})
	if res.StatusCode != http.StatusBadRequest || len(f.sent()) != 1 {
		t.Fatalf("long reason: status %d, sends %d", res.StatusCode, len(f.sent()))
	}
	contains(t, "long reason", body, "The reason is 201 bytes long", "Nothing was sent.")

	// The factory stops it.
	res, body = actOn(t, s, page, page+"/stop-repeat", url.Values{"reason": {"season over"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stop: status %d\n%s", res.StatusCode, body)
	}
	sends := f.sent()
	if len(sends) != 2 || sends[1].Type != "pool/stop_repeat" || string(sends[1].Body) != fmt.Sprintf(`{"pool":%d,"reason":"season over"}`, p.ID) || sends[1].Result.Code != 0 {
		t.Fatalf("sends %+v", sends)
	}
	contains(t, "stopped", body, fmt.Sprintf("You stopped the series of pool %d: no further pool opens after pool %d.", p.ID, p.ID))
	_, body = formGet(t, s, page, localAddr, sess)
	contains(t, "after the stop", body, `id="series-stopped"`, "stopped by the factory: season over", "its series stops: stopped by the factory: season over")
	lacks(t, "after the stop", body, `id="series-stop"`, `id="series-next"`)
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}
}

// TestPoolSeriesBadInput: a schedule out of the ledger's bounds, or half of
// one, is refused before anything is sent; a pool opened once has no series
// to stop.
func TestPoolSeriesBadInput(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	for _, c := range []struct {
		name string
		form url.Values
	}{
		{"days only", seriesForm("repeat_times", "")},
		{"times only", seriesForm("repeat_days", "")},
		{"zero days", seriesForm("repeat_days", "0")},
		{"too many days", seriesForm("repeat_days", "367")},
		{"fractional days", seriesForm("repeat_days", "1.5")},
		{"too many times", seriesForm("repeat_times", "53")},
		{"zero times", seriesForm("repeat_times", "0")},
		{"text", seriesForm("repeat_times", "weekly")},
	} {
		res, body := actOn(t, s, "/pools/new", "/pools/new", c.form)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", c.name, res.StatusCode)
		}
		contains(t, c.name, body, "To reopen the pool, give the days between pools (1 to 366) and how many times it reopens (1 to 52), or leave both empty.", "Nothing was sent.")
	}
	if n := len(f.sent()); n != 0 {
		t.Fatalf("%d sends", n)
	}
	// A pool of the World opened once: no series, no stop.
	ps, err := f.pools.Pools(context.Background(), gongxu.PoolFilter{Factory: inproc.Acme, Limit: 1})
	if err != nil || len(ps) == 0 || ps[0].Series != nil {
		t.Fatalf("pools %+v, %v", ps, err)
	}
	page := poolPath(ps[0].ID)
	_, body := formGet(t, s, page, localAddr, signIn(t, s, localAddr))
	lacks(t, "no series", body, `id="series"`)
	_, body = formGet(t, s, "/pools/new", localAddr, signIn(t, s, localAddr)) // a token of another form is refused below
	res, _ := factoryPost(t, s, page+"/stop-repeat", localAddr, signIn(t, s, localAddr), url.Values{"csrf": {csrfOf(t, body)}})
	if res.StatusCode < 400 || len(f.sent()) != 0 {
		t.Errorf("stop of a pool opened once: %d, %d sends", res.StatusCode, len(f.sent()))
	}
}

// TestSeriesReasons: the ledger's reasons of a series in both languages.
func TestSeriesReasons(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	en, zh := newLocale(langEN, time.UTC, nil), newLocale(langZH, time.FixedZone("Asia/Shanghai", 8*3600), nil)
	for _, c := range []struct{ reason, en, zh string }{
		{"opened by acme-textiles on stock, reopening every 7 days, 4 times", "opened by Acme Textiles on stock, reopening every 7 days, 4 times",
			"由 Acme Textiles 以库存发起，每隔 7 天重开，共 4 次"},
		{"opened by acme-textiles, reopening every 36 hours, 2 times", "opened by Acme Textiles, reopening every 36 hours, 2 times",
			"由 Acme Textiles 发起，每隔 36 小时重开，共 2 次"},
		{"reopened after pool 3: series 1, reopening 2 of 4", "reopened after pool 3: series 1, reopening 2 of 4", "接续拼单 3 重开：系列 1，第 2 / 4 次重开"},
		{"its series stops: at its reopening, org acme-textiles is not a factory; only factories open pools",
			"its series stops: at its reopening, org acme-textiles is not a factory; only factories open pools",
			"其系列停止：重开时：org acme-textiles is not a factory; only factories open pools"},
		{"its series stops: no block from its deadline until 1768910400000: the schedule's remaining 1 reopenings were missed",
			"its series stops: no block from its deadline until 20 Jan 2026 12:00 UTC: the schedule's remaining 1 reopenings were missed",
			"其系列停止：截止后直到 2026年1月20日 20:00 UTC+8 都没有出块：计划中剩余的 1 次重开已错过"},
		{"cancelled by the factory: wrong ladder; its series stops", "cancelled by the factory: wrong ladder; its series stops", "工厂取消：wrong ladder；其系列停止"},
		{"pool 6 was cancelled", "pool 6 was cancelled", "拼单 6 已取消"},
		{"stopped by the factory", "stopped by the factory", "工厂停止"},
	} {
		if got := s.reasonText(en, c.reason, ""); got != c.en {
			t.Errorf("en %q:\n got %q\nwant %q", c.reason, got, c.en)
		}
		if got := s.reasonText(zh, c.reason, ""); got != c.zh {
			t.Errorf("zh %q:\n got %q\nwant %q", c.reason, got, c.zh)
		}
	}
}
