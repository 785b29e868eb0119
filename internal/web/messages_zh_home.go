package web

// The home page's orientation and to-dos (home_todo.go, home.html).
func init() {
	addZH(map[string]string{
		"Other factories:":     "其他工厂：",
		"Demand ahead":         "未来需求",
		"What this network is": "这是一个什么样的网络",
		"gongxu is a network with no platform in the middle and no commission. Every factory, supplier and community hub runs its own node, and together they keep one ledger.":                                      "供需是一个没有中间平台、不抽佣金的网络。每家工厂、供应商和社区服务站都运行自己的节点，共同维护同一本账。",
		"Hubs gather their consumers' pledges into group-buys (pools) that go straight to the factory: the more units, the lower the price for everyone; a pool that misses its minimum batch refunds every pledge.": "服务站把消费者的认购汇集成拼单，直接交给工厂：件数越多，所有人的价格越低；未达到最低起订量的拼单全额退款。",
		"A pool that succeeds becomes a production order: the factory plans it, orders materials from its suppliers and ships the goods to the hubs, where consumers pick them up.":                                  "成团的拼单变成生产订单：工厂安排生产，向供应商采购材料，把货物发往服务站，消费者在那里取货。",
		"Money waits in escrow on the ledger until the goods are delivered; every lot is traced from its materials to the consumer.":                                                                                 "货款在账本上托管，直到货物送达；每个批次都可从原料追溯到消费者。",
		"See the pools":                      "查看拼单",
		"Trace a product":                    "追溯产品",
		"To do for %s":                       "%s 的待办",
		"and %d more.":                       "还有 %d 项。",
		"Nothing waits for you right now.":   "目前没有待办事项。",
		"Pools filling up now":               "正在拼单",
		"%d more open pools":                 "还有 %d 个进行中的拼单",
		"Answer purchase order #%d from %s.": "答复来自 %[2]s 的采购订单 #%[1]d。",
		"%s proposed changes to purchase order #%d: accept or reject them.":         "%s 提议修改采购订单 #%d：请接受或拒绝。",
		"Purchase order #%d from %s was shipped: receive it.":                       "来自 %[2]s 的采购订单 #%[1]d 已发货：请收货。",
		"Pool #%d (%s) succeeded with %s units: start its production.":              "拼单 #%d（%s）以 %s 件成团：请开始生产。",
		"Pool #%d (%s) is made: ship the goods to its hubs.":                        "拼单 #%d（%s）已生产完成：请把货物发往服务站。",
		"The goods of pool #%d (%s) were shipped to you: confirm their delivery.":   "拼单 #%d（%s）的货物已发给你：请确认收货。",
		"%s of %s units of pool #%d (%s) wait for their consumers to pick them up.": "拼单 #%[3]d（%[4]s）的 %[2]s 件中有 %[1]s 件等待消费者取货。",
		"%d pools are gathering pledges: record your walk-in consumers' pledges.":   "%d 个拼单正在征集认购：请登记到店消费者的认购。",
	})
}
