package web

// The ledger's reasons for a change, as reasons.go writes them.
func init() {
	addZH(map[string]string{
		"capacity cap of %s units reached":        "达到产能上限 %s 件",
		"awarded from request for quote %s":       "由询价单 %s 授标",
		"deadline reached":                        "截止时间已到",
		"opened by %s":                            "由 %s 发起",
		"production started by %s":                "%s 已开始生产",
		"minimum batch reached: %s units pledged": "已达到最低起订量：已认购 %s 件",
		"%s with %s units: minimum batch of %s met, unit price %s (tier %s)":        "%s，共 %s 件：达到最低起订量 %s 件，单价 %s（第 %s 档）",
		"%s with %s units, short of the minimum batch of %s: every pledge refunded": "%s，共 %s 件，未达到最低起订量 %s 件：每笔认购均已退款",
		"%s released to %s":                                "%s 已付给 %s",
		"planned completion %s: %s":                        "计划完成 %s：%s",
		"work order %s started":                            "工单 %s 已开始",
		"work order %s completed the quantity":             "工单 %s 已完成数量",
		"every hub confirmed its delivery":                 "所有服务站均已确认收货",
		"the due date":                                     "交付日期",
		"%s released to %s, %s to the shares of the terms": "%[1]s 已付给 %[2]s，%[3]s 按条款分成",
		"production did not start by %s (promised start %s plus the grace): %s refunded to its %s payers; its production order, if any, is void": "未在 %[1]s 前开始生产（承诺开工 %[2]s 加宽限期）：已向 %[4]s 位付款方退还 %[3]s；其生产订单（如有）作废",
		"share of hub %s in dispute: %s frozen":                                               "服务站 %[1]s 的份额有争议：冻结 %[2]s",
		"share of hub %s settled: %s refunded to the hub, %s to the shares, %s paid out (%s)": "服务站 %[1]s 的份额已结算：退还服务站 %[2]s，分成 %[3]s，付款 %[4]s（%[5]s）",
		"confirmed automatically: shipped %s, not confirmed nor disputed by %s":               "自动确认：%[1]s 发货，至 %[2]s 未确认也未提出争议",
		"delivery confirmed": "已确认收货",
	})
}
