package catalog_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
)

// TestScenarios runs testdata/scenarios/*.txtar; besides chaintest's
// commands: "product ID VERSION NAME…" checks a product, "product ID absent".
func TestScenarios(t *testing.T) {
	chaintest.RunScenarios(t, "testdata/scenarios/*.txtar", map[string]chaintest.Check{
		"product": func(h *chaintest.Harness, args []string) error {
			p, err := h.Mods.Catalog.Product(h.State, gongxu.ProductID(args[0]))
			if args[1] == "absent" {
				if gongxu.ErrorKind(err) != gongxu.KindNotFound {
					return fmt.Errorf("product %s exists (%v)", args[0], err)
				}
				return nil
			}
			if err != nil {
				return err
			}
			if strconv.FormatInt(p.Version, 10) != args[1] {
				return fmt.Errorf("version %d", p.Version)
			}
			if len(args) > 2 && p.Name != strings.Join(args[2:], " ") {
				return fmt.Errorf("name %q", p.Name)
			}
			return nil
		},
	})
}

func TestGTIN(t *testing.T) {
	for _, g := range []string{"4006381333931", "96385074", "036000291452", "10614141000415"} {
		if err := catalog.ValidateGTIN(g); err != nil {
			t.Errorf("%s: %v", g, err)
		}
	}
	for _, g := range []string{"4006381333932", "1234567", "40063813339a1", ""} {
		if err := catalog.ValidateGTIN(g); err == nil {
			t.Errorf("%s accepted", g)
		}
	}
}
