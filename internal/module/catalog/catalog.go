package catalog

import (
	"encoding/json"
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "catalog"

// TypePublish creates or updates a product.
const TypePublish = "catalog/publish"

// Limits.
const (
	MaxVariants    = 200
	MaxDescription = 4000
	MaxLeadDays    = 3650
)

// Members is what the catalog needs from the member module.
type Members interface {
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
}

// Module is the catalog module.
type Module struct{ members Members }

// New returns the catalog module. Errors: KindInvalid when a dependency is
// missing.
func New(members Members) (*Module, error) {
	if err := module.Require(Name, "members", members); err != nil {
		return nil, err
	}
	return &Module{members: members}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

// MsgPublish creates the signer's product SKU, or replaces its description.
type MsgPublish struct {
	SKU          string           `json:"sku"`
	Name         string           `json:"name"`
	Description  string           `json:"description,omitempty"`
	Unit         string           `json:"unit"`
	Variants     []gongxu.Variant `json:"variants,omitempty"`
	GTIN         string           `json:"gtin,omitempty"`
	LeadTimeDays int64            `json:"lead_time_days"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPublish) ValidateBasic() error {
	if err := gongxu.ValidateSlug("sku", m.SKU); err != nil {
		return err
	}
	if m.Name == "" || len(m.Name) > 200 {
		return gongxu.Errorf(gongxu.KindInvalid, "product name must be 1 to 200 bytes")
	}
	if len(m.Description) > MaxDescription {
		return gongxu.Errorf(gongxu.KindInvalid, "description is %d bytes, the limit is %d", len(m.Description), MaxDescription)
	}
	if m.Unit == "" || len(m.Unit) > 32 {
		return gongxu.Errorf(gongxu.KindInvalid, "unit must be 1 to 32 bytes (piece, kg, m …)")
	}
	if len(m.Variants) > MaxVariants {
		return gongxu.Errorf(gongxu.KindInvalid, "%d variants, the limit is %d", len(m.Variants), MaxVariants)
	}
	seen := map[string]bool{}
	for _, v := range m.Variants {
		if err := gongxu.ValidateSlug("variant id", v.ID); err != nil {
			return err
		}
		if seen[v.ID] {
			return gongxu.Errorf(gongxu.KindInvalid, "variant %q is listed twice", v.ID)
		}
		seen[v.ID] = true
		if v.Name == "" || len(v.Name) > 100 {
			return gongxu.Errorf(gongxu.KindInvalid, "variant %q needs a name of 1 to 100 bytes", v.ID)
		}
	}
	if m.GTIN != "" {
		if err := ValidateGTIN(m.GTIN); err != nil {
			return err
		}
	}
	if m.LeadTimeDays < 0 || m.LeadTimeDays > MaxLeadDays {
		return gongxu.Errorf(gongxu.KindInvalid, "lead time must be 0 to %d days", MaxLeadDays)
	}
	return nil
}

// ValidateGTIN checks a GTIN-8, -12, -13 or -14 and its check digit.
func ValidateGTIN(g string) error {
	switch len(g) {
	case 8, 12, 13, 14:
	default:
		return gongxu.Errorf(gongxu.KindInvalid, "GTIN %q must have 8, 12, 13 or 14 digits", g)
	}
	sum := 0
	for i := len(g) - 2; i >= 0; i-- {
		c := g[i]
		if c < '0' || c > '9' {
			return gongxu.Errorf(gongxu.KindInvalid, "GTIN %q must be digits only", g)
		}
		d := int(c - '0')
		if (len(g)-2-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	last := g[len(g)-1]
	if last < '0' || last > '9' || int(last-'0') != (10-sum%10)%10 {
		return gongxu.Errorf(gongxu.KindInvalid, "GTIN %q has a wrong check digit", g)
	}
	return nil
}

// Routes implements module.Module.
func (m *Module) Routes() []module.Route {
	return []module.Route{{Type: TypePublish, New: func() module.Msg { return &MsgPublish{} }, Handle: m.handlePublish}}
}

func productKey(id gongxu.ProductID) []byte { return []byte(Name + "/product/" + string(id)) }

// Product returns a product. Errors: KindNotFound.
func (*Module) Product(r store.Reader, id gongxu.ProductID) (gongxu.Product, error) {
	return module.Find[gongxu.Product](r, productKey(id), "no product %s", id)
}

func (m *Module) handlePublish(ctx *module.Context, msg module.Msg) error {
	pm := msg.(*MsgPublish)
	ok, err := m.members.HasRole(ctx.KV, ctx.Org, gongxu.RoleFactory)
	if err != nil {
		return err
	}
	if !ok {
		return gongxu.Errorf(gongxu.KindUnauthorized, "org %s is not a factory; only factories publish products", ctx.Org)
	}
	id := gongxu.NewProductID(ctx.Org, pm.SKU)
	p, err := m.Product(ctx.KV, id)
	if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
		return err
	}
	if p.Factory != "" && p.Factory != ctx.Org {
		return gongxu.Errorf(gongxu.KindUnauthorized, "product %s belongs to %s", id, p.Factory)
	}
	variants := pm.Variants
	if variants == nil {
		variants = []gongxu.Variant{}
	}
	p = gongxu.Product{ID: id, Factory: ctx.Org, Name: pm.Name, Description: pm.Description, Unit: pm.Unit, Variants: variants,
		GTIN: pm.GTIN, LeadTimeDays: pm.LeadTimeDays, Version: p.Version + 1, Updated: ctx.Time}
	b, err := module.Save(ctx.KV, productKey(id), p)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventProduct, "product", string(id), "factory", string(ctx.Org), "version", fmt.Sprint(p.Version), "json", string(b)))
	return nil
}

// InitGenesis implements module.Module: the catalog starts empty.
func (*Module) InitGenesis(_ *module.Context, raw json.RawMessage) error {
	if len(raw) > 0 && string(raw) != "null" && string(raw) != "{}" {
		return gongxu.Errorf(gongxu.KindInvalid, "catalog genesis must be empty")
	}
	return nil
}

// BeginBlock implements module.Module.
func (*Module) BeginBlock(*module.Context) error { return nil }

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }
