package web

// The Chinese of stock as a source (issue 15): pools on stock, partial
// shipments, chosen lots, by-products and scrap.
func init() {
	addZH(map[string]string{
		"From stock":   "来自库存",
		"By-products:": "副产品：",
		"%s scrapped":  "报废 %s",
		"Why scrapped, with more scrap (optional)":     "报废原因（有新增报废时填写，可选）",
		"By-product lot, on completion (optional)":     "副产品批次（完工时，可选）",
		"Item (a by-product in the bill of materials)": "物料（物料清单中的副产品）",
		"Lot code":         "批次代码",
		"Quantity (units)": "数量（件）",
		"%s of %s shipped": "已发 %s / %s",
		"%d shipments":     "%d 次发货",
		"Quantity to ship (units; empty: the rest)": "发货数量（件；留空：剩余全部）",
		"rest":           "剩余",
		"Lot (optional)": "批次（可选）",
		"any lot":        "任意批次",
		"A hub's share ships whole or in parts. Without a lot the ledger takes the lots allotted to this pool first, then free stock of the product, the first to expire first, then the oldest; held, expired and reserved lots never ship.": "服务站的份额可一次或分批发货。未指定批次时，账本先取分配给本拼单的批次，再取该产品的可用库存：先到期的先出，再按最早入库；被扣留、已过期和已预留的批次永不发货。",
		"Sell from stock: at the close the pool is filled from this factory's free stock of the product (ready at once) if it covers the total; else it is made as any other.":                                                                "从库存销售：截止时若本工厂该产品的可用库存足够，拼单即由库存满足（立即就绪）；否则照常生产。",
		"The scrap reason is %d bytes long; the ledger takes at most %d.":                                    "报废原因长 %d 字节；账本最多接受 %d 字节。",
		"A scrap reason goes with more scrap: work order %d has %s scrapped already.":                        "报废原因须伴随新增报废：工单 %d 已报废 %s。",
		"The by-product %q is not an item id.":                                                               "副产品 %q 不是物料编号。",
		"The by-product lot code %q is not one: 1 to 129 characters of a-z, 0-9, '-', '.', '_' and '/'.":     "副产品批次代码 %q 无效：须为 1 到 129 个 a-z、0-9、'-'、'.'、'_' 和 '/' 字符。",
		"The by-product quantity must be a positive number of units (up to 3 decimals, at most %d), not %q.": "副产品数量须为正的件数（最多 3 位小数，至多 %d），而不是 %q。",
		"The quantity to ship must be a positive number of units up to the %s left of the share, not %q.":    "发货数量须为正的件数，且不超过份额剩余的 %s，而不是 %q。",
		"%q is not a lot of this factory's %s.":                                                              "%q 不是本工厂 %s 的批次。",
		"Lot %s has %s free for this pool; %s asked.":                                                        "批次 %s 对本拼单可用 %s；请求 %s。",
		"The pool's lots":      "拼单的批次",
		"Left":                 "剩余",
		"Allotted to the pool": "分配给拼单",
		"Expires":              "到期",
		"Made for the pool or filled from stock: what each lot holds and how much of it is still allotted to the pool (it ships to the pool's hubs only).": "为拼单生产或由库存满足：每个批次的存量以及仍分配给拼单的数量（只发往该拼单的服务站）。",
		"%s allotted to pool #%d": "%s 已分配给拼单 #%d",
		"expires":                 "到期",
		"%s of your %s units of pool %d are shipped so far: confirm once the share is shipped in full, or open a dispute.": "目前已发 %s（您的份额 %s 件，拼单 %d）：请在份额全部发货后确认，或提起争议。",
		"opened by %s on stock":                                     "由 %s 以库存发起",
		"filled from stock: %s lots":                                "由库存满足：%s 个批次",
		"stock holds %s free of %s: to be made":                     "库存可用 %s / 需 %s：需生产",
		"production order %s filled from stock: its lots are ready": "生产订单 %s 由库存满足：批次已就绪",
	})
}
