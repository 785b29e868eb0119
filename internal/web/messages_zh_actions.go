package web

// What the forms' handlers answer, and page titles with numbers: written in
// the page's language when the handler builds them.
func init() {
	addZH(map[string]string{
		"It was recorded: the answer to purchase order %d is transaction %s.": "已记录：对采购订单 %d 的答复是交易 %s。",
		"It was recorded: the pledge is in transaction %s.":                   "已记录：认购在交易 %s 中。",
		"Its cash deposit was recorded in transaction %s.":                    "其现金存款已记录在交易 %s 中。",
		"No purchase order has the number %d.":                                "没有编号为 %d 的采购订单。",
		"Nothing on this ledger is known as %q.":                              "此账本上没有名为 %q 的内容。",
		"Production order %d":                                                 "生产订单 %d",
		"Purchase order %d is %s: only a sent order awaits your answer.":      "采购订单 %d 的状态是%s：只有已发出的订单等待你的答复。",
		"Purchase order %d is addressed to %s, not to %s.":                    "采购订单 %d 是发给 %s 的，不是发给 %s 的。",
		"Purchase order %d":                                                   "采购订单 %d",
		"Recall %d":                                                           "召回 %d",
		"The acknowledgement was recorded in transaction %s.":                 "确认已记录在交易 %s 中。",
		"The delivery was confirmed in transaction %s.":                       "已在交易 %s 中确认收货。",
		"The network refused the first submission (transaction %s): %s.":      "网络拒绝了第一次提交（交易 %s）：%s。",
		"The network refused the pledge: %s.":                                 "网络拒绝了这笔认购：%s。",
		"The pickup was recorded in transaction %s.":                          "取货已记录在交易 %s 中。",
		"This node's operator key belongs to %s, which is not a member organization (any more). Choose a factory to view its console.": "本节点的运营密钥属于 %s，它（已）不是成员组织。请选择一家工厂查看其控制台。",
	})
}
