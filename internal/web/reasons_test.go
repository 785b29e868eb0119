package web

import (
	"testing"
	"time"
)

// The ledger's reasons, written for people in both languages: names for
// ids, money for prices, dates for block times; an unknown reason as it is.
func TestReasonText(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	en, zh := newLocale(langEN, time.UTC, nil), newLocale(langZH, time.FixedZone("Asia/Shanghai", 8*3600), nil)
	for _, c := range []struct{ reason, cur, en, zh string }{
		{"opened by acme-textiles", "", "opened by Acme Textiles", "由 Acme Textiles 发起"},
		{"deadline reached with 88 units: minimum batch of 50 met, unit price 9900 (tier 2)", "CNY",
			"deadline reached with 88 units: minimum batch of 50 met, unit price ¥99.00 (tier 2)",
			"截止时间已到，共 88 件：达到最低起订量 50 件，单价 ¥99.00（第 2 档）"},
		{"capacity cap of 300 units reached with 300 units: minimum batch of 50 met, unit price 7900 (tier 4)", "CNY",
			"capacity cap of 300 units reached with 300 units: minimum batch of 50 met, unit price ¥79.00 (tier 4)",
			"达到产能上限 300 件，共 300 件：达到最低起订量 50 件，单价 ¥79.00（第 4 档）"},
		{"8896 CNY released to acme-textiles", "", "¥88.96 released to Acme Textiles", "¥88.96 已付给 Acme Textiles"},
		{"planned completion 1768910400000: the due date", "", "planned completion 20 Jan 2026 12:00 UTC: the due date", "计划完成 2026年1月20日 20:00 UTC+8：交付日期"},
		{"something the pages do not know <b>", "", "something the pages do not know <b>", "something the pages do not know <b>"},
	} {
		if got := s.reasonText(en, c.reason, c.cur); got != c.en {
			t.Errorf("en %q:\n got %q\nwant %q", c.reason, got, c.en)
		}
		if got := s.reasonText(zh, c.reason, c.cur); got != c.zh {
			t.Errorf("zh %q:\n got %q\nwant %q", c.reason, got, c.zh)
		}
	}
}
