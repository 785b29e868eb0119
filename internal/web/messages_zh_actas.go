package web

func init() {
	addZH(map[string]string{
		"Acting as": "当前身份",
		"Switch":    "切换",
		"This form is not this session's. Choose from a page of this node.": "此表单不属于本次登录。请在本节点的页面上选择。",
		"This node acts for one organization only.":                         "本节点只代表一个组织。",
		"This node holds no key of that organization.":                      "本节点没有该组织的密钥。",
	})
}
