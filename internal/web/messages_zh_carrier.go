package web

// The Chinese of the carrier's page (/carrier) and of the carriers shown
// on the other pages.
func init() {
	addZH(map[string]string{
		"Carrier":                          "承运",
		"The carrier form":                 "承运表单",
		"to record pickups and deliveries": "以记录提货和送达",
		"Open the carrier page again to record a pickup or a delivery.":                                                                                                                                                                                            "请重新打开承运页面以记录提货或送达。",
		"This node has no operator key to sign with, so it records no pickups or deliveries. A carrier records them on its own node.":                                                                                                                              "本节点没有可签名的运营密钥，因此不记录提货或送达。承运方在自己的节点上记录。",
		"This node's operator key belongs to no member organization yet. Once the network admits the organization with the logistics role, it records its pickups and deliveries here.":                                                                            "本节点的运营密钥尚不属于任何成员组织。网络以物流角色接纳该组织后，即可在此记录提货和送达。",
		"%s is not a carrier. Shipments are carried by logistics members; a member vote can add the logistics role.":                                                                                                                                               "%s不是承运方。货物由物流成员承运；成员投票可以添加物流角色。",
		": the shipments shippers assigned to you. Record when you take the goods and when you hand them over; each step is an EPCIS event on the ledger, at the place it happened. Your proof of delivery is evidence: the receiver still confirms what arrived.": "：发货方指派给您的货运。记录您提货和交货的时间；每一步都是账本上的 EPCIS 事件，带有发生地点。您的送达证明是凭据：收货方仍需确认实际到货。",
		"Your legs":                      "您的运段",
		"Leg":                            "运段",
		"Shipment":                       "货运",
		"Lots":                           "批次",
		"Shipper":                        "发货方",
		"Receiver":                       "收货方",
		"Signed for by":                  "签收人",
		"Record the pickup":              "记录提货",
		"Record the delivery":            "记录送达",
		"No shipment waits for %s.":      "没有等待%s承运的货物。",
		"Delivered":                      "已送达",
		"to pick up":                     "待提货",
		"in transit":                     "运输中",
		"delivered":                      "已送达",
		"Pickup recorded":                "已记录提货",
		"Delivery recorded":              "已记录送达",
		"purchase order %d, shipment %d": "采购单 %d，第 %d 批货",
		"pool %d → %s":                   "拼单 %d → %s",
		"%s picked up leg %d at %s.":     "%[1]s已在%[3]s提取运段 %[2]d 的货物。",
		"%s delivered leg %d to %s. The proof of delivery is on the ledger; %s still confirms what arrived.": "%[1]s已将运段 %[2]d 送达%[3]s。送达证明已记入账本；%[4]s仍需确认实际到货。",
		"It was recorded in transaction %s.":                                       "已记录在交易 %s 中。",
		"The form gives %s more than once. Record one step of one leg at a time.":  "表单中 %s 出现多次。请一次记录一个运段的一步。",
		"%q is not a leg number.":                                                  "%q 不是运段编号。",
		"%q is not a step of a leg: a carrier records its pickup or its delivery.": "%q 不是运段的步骤：承运方记录提货或送达。",
		"Who received the goods is %d bytes; at most %d are recorded.":             "签收人为 %d 字节；最多记录 %d 字节。",
		"The note is %d bytes; at most %d are recorded.":                           "备注为 %d 字节；最多记录 %d 字节。",
		"There is no leg %d.":                                                      "没有运段 %d。",
		"Leg %d is carried by %s, not %s.":                                         "运段 %d 由%s承运，而非%s。",
		"Leg %d is delivered already.":                                             "运段 %d 已送达。",
		"Leg %d was picked up already.":                                            "运段 %d 已提货。",
		"Leg %d is not picked up yet: record its pickup first.":                    "运段 %d 尚未提货：请先记录提货。",
		"The network refused the step of leg %d: %s.":                              "网络拒绝了运段 %d 的这一步：%s。",

		// A carrier's to-dos on the home page.
		"Pick up leg #%d at %s, for %s.":                    "在%[2]s提取运段 #%[1]d 的货物，送往%[3]s。",
		"Leg #%d is in transit to %s: record its delivery.": "运段 #%d 正运往%s：请记录送达。",

		// Carriers on the recall page.
		"Carriers": "承运方",
		"These carriers moved lots this recall reaches: ask them where the goods went.": "这些承运方运送过此次召回涉及的批次：可向他们询问货物去向。",
		"Carried by": "承运方",

		// A leg per shipment of a share shipped in parts.
		"pool %d → %s, shipment %d": "拼单 %d → %s，第 %d 批发货",
	})
}
