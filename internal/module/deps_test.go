package module_test

import (
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

type dep interface{ Do() }

type impl struct{}

func (*impl) Do() {}

func TestRequire(t *testing.T) {
	var fn func()
	var p *impl
	var d dep
	if err := module.Require("pool", "members", &impl{}, "hook", func() {}, "value", struct{}{}); err != nil {
		t.Fatalf("complete dependencies refused: %v", err)
	}
	err := module.Require("pool", "members", d, "settle", &impl{}, "goods", p, "hook", fn)
	if gongxu.ErrorKind(err) != gongxu.KindInvalid || gongxu.ErrorMessage(err) != "the pool module needs members, goods and hook: wire every module it depends on (internal/modules)" {
		t.Fatalf("missing dependencies: %v", err)
	}
}
