package web

// The Chinese of change orders on purchase orders (factory_actions_change.go)
// and of the plan's late supply on the factory console.
func init() {
	addZH(map[string]string{
		"answer this change order":                            "答复此变更单",
		"to answer the change order":                          "以答复变更单",
		"The change order form":                               "变更单表单",
		"Open the purchase order again to answer the change.": "请重新打开采购订单再答复变更。",
		"Nothing to answer":                                   "没有需要答复的内容",
		"Purchase order %d has no such change pending: it was answered or lapsed. Nothing was sent.":                           "采购订单 %d 没有这一待定变更：它已被答复或已失效。未发送任何内容。",
		"You rejected the change to purchase order %d: the order stands as it was.":                                            "您拒绝了采购订单 %d 的变更：订单保持原样。",
		"You accepted the change to purchase order %d: its lines and promised dates are now the changed ones.":                 "您接受了采购订单 %d 的变更：其订单行和承诺日期现已按变更执行。",
		"Choose to accept or reject the change.":                                                                               "请选择接受或拒绝该变更。",
		"Answer the change order":                                                                                              "答复变更单",
		"Change order %d":                                                                                                      "变更单 %d",
		"%s proposed this change to the order (changes in bold); the other party accepts or rejects it by %s, else it lapses.": "%s 提出了对订单的此项变更（变化处加粗）；另一方须在 %s 前接受或拒绝，否则变更失效。",
		"Reason (optional, the other party reads it)":                                                                          "理由（可选，对方可见）",
		"Accept the change": "接受变更",
		"Reject the change": "拒绝变更",
		"change proposed":   "提出变更",
		"change accepted":   "接受变更",
		"change rejected":   "拒绝变更",
		"change lapsed":     "变更失效",
		"Late supply":       "延迟的供货",
		"Purchase order lines past their promised date and not shipped in full: the plan does not expect them now, but at the date below, and the orders that wait for them move.": "已过承诺日期且未全部发货的采购订单行：计划不假定它们现在到货，而是按下列日期，等待它们的订单随之推迟。",
		"Purchase order":     "采购订单",
		"Expected":           "预计",
		"Why then":           "依据",
		"#%d line %d":        "#%d 第 %d 行",
		"late on the ledger": "账本已记延迟",
		"released %s":        "已于 %s 下达",
		"released on %s":     "将于 %s 下达",
	})
}
