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
