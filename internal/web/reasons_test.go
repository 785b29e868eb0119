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
		{"opened by acme-textiles on stock", "", "opened by Acme Textiles on stock", "由 Acme Textiles 以库存发起"},
		{"stock holds 5500 free of 12000: to be made", "", "stock holds 5.5 free of 12: to be made", "库存可用 5.5 / 需 12：需生产"},
		{"deadline reached with 88 units: minimum batch of 50 met, unit price 9900 (tier 2)", "CNY",
			"deadline reached with 88 units: minimum batch of 50 met, unit price ¥99.00 (tier 2)",
			"截止时间已到，共 88 件：达到最低起订量 50 件，单价 ¥99.00（第 2 档）"},
		{"capacity cap of 300 units reached with 300 units: minimum batch of 50 met, unit price 7900 (tier 4)", "CNY",
			"capacity cap of 300 units reached with 300 units: minimum batch of 50 met, unit price ¥79.00 (tier 4)",
			"达到产能上限 300 件，共 300 件：达到最低起订量 50 件，单价 ¥79.00（第 4 档）"},
		{"8896 CNY released to acme-textiles", "", "¥88.96 released to Acme Textiles", "¥88.96 已付给 Acme Textiles"},
		{"planned completion 1768910400000: the due date", "", "planned completion 20 Jan 2026 12:00 UTC: the due date", "计划完成 2026年1月20日 20:00 UTC+8：交付日期"},
		{"8896 CNY released to acme-textiles, 1112 to the shares of the terms", "", "¥88.96 released to Acme Textiles, ¥11.12 to the shares of the terms",
			"¥88.96 已付给 Acme Textiles，¥11.12 按条款分成"},
		{"production did not start by 1768910400000 (promised start 1768651200000 plus the grace): 3330 CNY refunded to its 2 payers; its production order, if any, is void", "",
			"production did not start by 20 Jan 2026 12:00 UTC (promised start 17 Jan 2026 12:00 UTC plus the grace): ¥33.30 refunded to its 2 payers; its production order, if any, is void",
			"未在 2026年1月20日 20:00 UTC+8 前开始生产（承诺开工 2026年1月17日 20:00 UTC+8 加宽限期）：已向 2 位付款方退还 ¥33.30；其生产订单（如有）作废"},
		{"share of hub acme-textiles settled: 0 CNY refunded to the hub, 40 to the shares, 360 paid out (confirmed automatically: shipped at 1768651200000, not confirmed nor disputed by 1768910400000)", "",
			"share of hub Acme Textiles settled: ¥0.00 refunded to the hub, ¥0.40 to the shares, ¥3.60 paid out (confirmed automatically: shipped 17 Jan 2026 12:00 UTC, not confirmed nor disputed by 20 Jan 2026 12:00 UTC)",
			"服务站 Acme Textiles 的份额已结算：退还服务站 ¥0.00，分成 ¥0.40，付款 ¥3.60（自动确认：2026年1月17日 20:00 UTC+8 发货，至 2026年1月20日 20:00 UTC+8 未确认也未提出争议）"},
		{"share of hub acme-textiles in dispute: 600 CNY frozen", "", "share of hub Acme Textiles in dispute: ¥6.00 frozen", "服务站 Acme Textiles 的份额有争议：冻结 ¥6.00"},
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
