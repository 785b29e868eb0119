package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// sealedPOs shows one purchase order as a node would: its prices sealed
// (0 on the ledger, terms and a commitment), opened or not.
type sealedPOs struct {
	gongxu.ProductionService
	id     uint64
	opened *gongxu.OpenedTerms
}

func (s sealedPOs) seal(po gongxu.PurchaseOrder) gongxu.PurchaseOrder {
	if po.ID != s.id {
		return po
	}
	po.Terms = &gongxu.SealedTerms{Commitment: strings.Repeat("c0", 32)}
	po.Disclosures = []gongxu.PODisclosure{{By: po.Supplier, To: "panel-p", Time: po.Created}}
	po.Lines = append([]gongxu.POLine{}, po.Lines...)
	for i := range po.Lines {
		po.Lines[i].UnitPrice = 0
		if s.opened != nil && s.opened.Refused == "" {
			po.Lines[i].UnitPrice = 4371987
		}
	}
	po.Opened = s.opened
	return po
}

func (s sealedPOs) PO(ctx context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	po, err := s.ProductionService.PO(ctx, id)
	return s.seal(po), err
}

func (s sealedPOs) POs(ctx context.Context, org gongxu.OrgID, limit int) ([]gongxu.PurchaseOrder, error) {
	pos, err := s.ProductionService.POs(ctx, org, limit)
	for i := range pos {
		pos[i] = s.seal(pos[i])
	}
	return pos, err
}

// A purchase order whose prices this node cannot open shows them sealed,
// with no price and no total; one it opened shows them, and says as whom.
func TestSealedPurchaseOrderPage(t *testing.T) {
	f := newSite(t)
	pos, err := f.prod.POs(context.Background(), "", 1)
	if err != nil || len(pos) == 0 {
		t.Fatalf("the world has no purchase order: %v", err)
	}
	id := pos[0].ID
	target := "/purchase-orders/" + strconv.FormatUint(id, 10)
	base := f.prod

	f.prod = sealedPOs{ProductionService: base, id: id}
	s, _ := newTestServer(t, f)
	body := page(t, s, target, 200)
	contains(t, "a sealed order", body, `id="sealed-terms"`, `id="terms-closed"`, `class="sealed"`, strings.Repeat("c0", 32), "panel-p")
	lacks(t, "a sealed order", body, "43,719.87", `id="terms-opened"`)
	_, zh := do(t, s, "GET", target, "Accept-Language", "zh-CN")
	contains(t, "a sealed order in Chinese", zh, "密封条款", "价格已密封")
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese:\n%s", strings.Join(missing, "\n"))
	}

	f.prod = sealedPOs{ProductionService: base, id: id, opened: &gongxu.OpenedTerms{As: pos[0].Factory, Note: "net 30 days"}}
	s, _ = newTestServer(t, f)
	body = page(t, s, target, 200)
	contains(t, "an opened order", body, `id="terms-opened"`, "43,719.87", "net 30 days")
	lacks(t, "an opened order", body, `id="terms-closed"`)

	f.prod = sealedPOs{ProductionService: base, id: id, opened: &gongxu.OpenedTerms{As: "panel-p", Disclose: pos[0].Supplier, Refused: "the disclosed terms do not match the commitment"}}
	s, _ = newTestServer(t, f)
	body = page(t, s, target, 200)
	contains(t, "a forged disclosure", body, `id="terms-refused"`, "do not match the commitment")
	lacks(t, "a forged disclosure", body, "43,719.87")
}
