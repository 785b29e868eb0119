package web

// A pool that reopens on a schedule: the new pool form's schedule, the pool
// page's series and its stop form, the ledger's reasons of a series
// (pools_new.go, pools_series.go, pool_partials.html).
func init() {
	addZH(map[string]string{
		"Reopen on a schedule (optional)": "定期重开（可选）",
		"Reopen every (days, 1 to 366)":   "每隔几天重开（1 至 366 天）",
		"Times (1 to 52)":                 "重开次数（1 至 52 次）",
		"When the deadline passes, whether the pool succeeded or failed, the next pool opens with the same terms, its deadline that many days later. Stop the series on the pool's page.": "截止时间一到，无论本期拼单成团与否，下一期拼单都会以相同条款开启，截止时间顺延相应天数。可在拼单页面停止这一系列。",
		"To reopen the pool, give the days between pools (1 to %d) and how many times it reopens (1 to %d), or leave both empty.":                                                         "如需定期重开，请填写间隔天数（1 至 %d 天）和重开次数（1 至 %d 次），或两项都留空。",
		"You opened a pool of %s: %d to %d units, pledges until %s; it reopens every %d days, %d times.":                                                                                  "你发起了 %s 的拼单：%d 至 %d 件，认购截止 %s；每隔 %d 天重开，共 %d 次。",
		"The series form":                                                         "拼单系列表单",
		"Open the pool again to stop its series.":                                 "请重新打开拼单页面以停止其系列。",
		"stop this pool's series":                                                 "停止此拼单的系列",
		"to stop the series":                                                      "以停止该系列",
		"Pool %d does not reopen: it is not part of a series.":                    "拼单 %d 不会重开：它不属于任何系列。",
		"The series of pool %d already ended: no further pool opens.":             "拼单 %d 的系列已经结束：不会再开启新的拼单。",
		"Stop the series":                                                         "停止系列",
		"You stopped the series of pool %d: no further pool opens after pool %d.": "你停止了拼单系列 %d：拼单 %d 之后不再开启新的拼单。",
		"Reopens on a schedule":                                                   "定期重开",
		"Every %d days, %d times after the first pool.":                           "每 %d 天一期，首期之后重开 %d 次。",
		"Every %d hours, %d times after the first pool.":                          "每 %d 小时一期，首期之后重开 %d 次。",
		"The next pool opens at":                                                  "下一期拼单开启于",
		"The series stopped:":                                                     "系列已停止：",
		"The series ended with its last pool.":                                    "系列已随最后一期拼单结束。",
		"Reason (optional)":                                                       "原因（可选）",
		"No further pool opens; the open pool runs to its deadline.":              "之后不再开启新的拼单；当前进行中的拼单照常到截止时间。",
		"%s, reopening every %s days, %s times":                                   "%s，每隔 %s 天重开，共 %s 次",
		"%s, reopening every %s hours, %s times":                                  "%s，每隔 %s 小时重开，共 %s 次",
		"reopened after pool %s: series %s, reopening %s of %s":                   "接续拼单 %s 重开：系列 %s，第 %s / %s 次重开",
		"its series stops: %s":                                                    "其系列停止：%s",
		"cancelled by the factory: %s; its series stops":                          "工厂取消：%s；其系列停止",
		"cancelled by the factory; its series stops":                              "工厂取消；其系列停止",
		"pool %s was cancelled":                                                   "拼单 %s 已取消",
		"at its reopening, %s":                                                    "重开时：%s",
		"no block from its deadline until %s: the schedule's remaining %s reopenings were missed": "截止后直到 %s 都没有出块：计划中剩余的 %s 次重开已错过",
		"stopped by the factory: %s": "工厂停止：%s",
		"stopped by the factory":     "工厂停止",
	})
}
