package web

// The pool page's stage, steps and money card (poolstage.go, pool.html).
func init() {
	addZH(map[string]string{
		"= captured at the final price": "= 按最终价格收取",
		"Completed":                     "已完成",
		"Delivered to every hub: %s of %s units picked up.":               "已送达所有服务站：%[2]s 件中已取货 %[1]s 件。",
		"Final price: %s per unit.":                                       "最终价格：每件 %s。",
		"Gathering pledges: %s more units reach the minimum batch of %s.": "正在征集认购：再有 %s 件即达到最低起订量 %s 件。",
		"In production: %s of %s units made.":                             "生产中：%[2]s 件中已生产 %[1]s 件。",
		"Made: the goods wait to be shipped to the hubs.":                 "已生产完成：货物等待发往服务站。",
		"In production.":                   "生产中。",
		"No final price: the pool failed.": "没有最终价格：拼单未成团。",
		"deadline %s →":                    "截止 %s →",
		"d":                                "天",
		"closing…":                         "即将截止…",
		"No sale":                          "未成交",
		"Pledging":                         "征集认购",
		"Pool closed":                      "拼单截止",
		"Paid to the factory":              "已付给工厂",
		"Pledged into escrow":              "认购存入托管",
		"Settled: %s paid to the factory; %s of %s units picked up.": "已结算：已付给工厂 %s；%[3]s 件中已取货 %[2]s 件。",
		"Shipped to %d of %d hubs; %d confirmed delivery.":           "已发往 %[2]d 个服务站中的 %[1]d 个；%[3]d 个已确认收货。",
		"Shipped to hubs": "已发往服务站",
		"The factory cancelled this pool before anyone pledged.": "工厂在有人认购之前取消了此拼单。",
		"The final price is set when the pool closes.":           "最终价格在拼单截止时确定。",
		"The minimum batch is reached: the pool goes ahead at its deadline, and every further pledge can lower the price for everyone.": "已达到最低起订量：拼单将在截止时成团，之后的每一笔认购都可能让所有人的价格更低。",
		"The pool closed short of its minimum batch (%s of %s units): every pledge was refunded in full, %s.":                           "拼单截止时未达到最低起订量（%[2]s 件中只有 %[1]s 件）：每笔认购均已全额退款，共 %[3]s。",
		"The pool closed short of its minimum batch (%s of %s units): every pledge was refunded in full.":                               "拼单截止时未达到最低起订量（%[2]s 件中只有 %[1]s 件）：每笔认购均已全额退款。",
		"The pool succeeded at %s per unit; the factory has not started production yet.":                                                "拼单成团，每件 %s；工厂尚未开始生产。",
		"of which held until the other hubs confirm delivery":                                                                           "其中等待其余服务站确认收货后支付",
		"of which paid to the factory (hubs confirmed delivery)":                                                                        "其中已付给工厂（服务站已确认收货）",
		"− held in escrow until the deadline":                                                                                           "− 托管至截止时间",
		"− refunded to consumers in full":                                                                                               "− 全额退还消费者",
		"− returned: paid above the final price":                                                                                        "− 退还：高于最终价格的部分",
	})
}
