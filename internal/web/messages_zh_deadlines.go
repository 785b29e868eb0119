package web

// The Chinese of bid bonds on the request for quote page (rfq.html) and of
// purchase order lines recorded late (po.html, supplier.go).
func init() {
	addZH(map[string]string{
		"Bid bond": "投标保证金",
		"per bid: held from the bid, returned on reveal, forfeited to the requester if the bid is not revealed by the reveal deadline": "每份投标：投标时冻结，开标后退还；开标截止前未开标的，保证金归询价方",
		"not revealed: bond forfeited": "未开标：保证金已没收",
		"bond of %s held":              "已冻结保证金 %s",
		"%d of %d lines recorded late on the ledger: not shipped in full by the promised date plus the network's grace.": "%d/%d 行已在账本上记为延迟：未在承诺日期加网络宽限期内全部发货。",
		"recorded %s": "记录于 %s",
		"shipped in full %s after the promised date": "在承诺日期后 %s 全部发货",
	})
}
