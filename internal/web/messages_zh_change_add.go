package web

// The Chinese of the lines a change order adds on the purchase order page
// (factory_actions_change_propose.go).
func init() {
	addZH(map[string]string{
		"Add lines": "添加订单行",
		"Items the supplier offers this order, at the offer's price for the quantity unless you give one; a row left blank adds nothing.": "供应商为此订单提供的物料，除非您填写单价，否则按报价中该数量的价格计；留空的行不添加任何内容。",
		"Item of added line %d":                            "新增第 %d 行的物料",
		"Quantity of added line %d":                        "新增第 %d 行的数量",
		"Promised date of added line %d":                   "新增第 %d 行的承诺日期",
		"Unit price of added line %d (blank: the offer's)": "新增第 %d 行的单价（留空：按报价）",
		"at least %s":                                      "至少 %s",
		"offer":                                            "报价",
		"The change changes nothing: change a quantity, date or price, or add a line.":               "该变更没有改变任何内容：请修改数量、日期或价格，或添加一行。",
		"Added line %d: choose the item to add.":                                                     "新增第 %d 行：请选择要添加的物料。",
		"Added line %d: %s offers no %s to %s in %s.":                                                "新增第 %d 行：%s 不提供 %s 给 %s（币种 %s）。",
		"Added line %d: the quantity must be a positive number (up to 3 decimals), not %q.":          "新增第 %d 行：数量必须是正数（最多 3 位小数），而不是 %q。",
		"Added line %d: %s of %s is under the supplier's minimum order of %s.":                       "新增第 %d 行：数量 %s（%s）低于供应商的最小订货量 %s。",
		"Added line %d: the date must be a date (YYYY-MM-DD), not %q.":                               "新增第 %d 行：日期必须是日期（YYYY-MM-DD），而不是 %q。",
		"Added line %d: the date %s is not after today (%s).":                                        "新增第 %d 行：日期 %s 不晚于今天（%s）。",
		"Added line %d: the date %s is more than %d years ahead.":                                    "新增第 %d 行：日期 %s 超出 %d 年以后。",
		"Added line %d: the unit price must be a positive amount of %s (up to %d decimals), not %q.": "新增第 %d 行：单价必须是正的 %s 金额（最多 %d 位小数），而不是 %q。",
		"Added line %d: the unit price %s is more than %s per unit: check the amount.":               "新增第 %d 行：单价 %s 超过每单位 %s：请检查金额。",
	})
}
