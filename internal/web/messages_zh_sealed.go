package web

// The Chinese of sealed purchase order terms (po.html, supplier.html,
// production_partials.html).
func init() {
	addZH(map[string]string{
		"Sealed terms": "密封条款",
		"Commitment":   "承诺值",
		"Terms sealed to %s did not open as agreed: %s":                                                         "密封给 %s 的条款未能按约定打开：%s",
		"%s disclosed these prices to %s; they match the commitment on the ledger.":                             "%s 向 %s 披露了这些价格；它们与账本上的承诺值一致。",
		"The prices are sealed to %s and %s; this node opened them as %s. Every other member sees them sealed.": "价格密封给 %s 和 %s；本节点以 %s 的身份打开了它们。其他成员看到的都是密封状态。",
		"The prices are sealed: only %s and %s read them, on their own nodes.":                                  "价格已密封：只有 %s 和 %s 能在各自的节点上读取。",
		"Disclosed by %s to %s": "由 %s 披露给 %s",
	})
}
