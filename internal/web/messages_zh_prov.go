package web

// The provenance page's maker, holder and check badge (trace_provenance.go,
// provenance.html).
func init() {
	addZH(map[string]string{
		"Received by": "收货方",
		"✓ every step matches this node's ledger": "✓ 每一步都与本节点的账本一致",
		"%d of %d match this node's ledger":       "%[2]d 步中有 %[1]d 步与本节点的账本一致",
	})
}

// The trace graph's and the identifiers' words (trace.go).
func init() {
	addZH(map[string]string{
		" It reaches %s and %s.": "它涉及 %s 和 %s。",
		"%d hub":                 "%d 个服务站",
		"%d hubs":                "%d 个服务站",
		"%d pool":                "%d 个拼单",
		"%d pools":               "%d 个拼单",
		"%s · recalled":          "%s · 已召回",
		"%s, from %s":            "%s，来自 %s",
		"Lot %s":                 "批次 %s",
		"Party GLN %s":           "参与方 GLN %s",
		"Serial %s":              "序列号 %s",
		"Shipment of pool #%d":   "拼单 #%d 的货件",
		"extension %s":           "扩展 %s",
		"logistic unit":          "物流单元",
		"made for":               "生产给",
		"member organization":    "成员组织",
		"to %s":                  "发往 %s",
		"Trace back from %s: %d lots and items, %s.":    "从 %s 向前追溯：%d 个批次和物品，%s。",
		"Trace forward from %s: %d lots and items, %s.": "从 %s 向后追踪：%d 个批次和物品，%s。",
	})
}
