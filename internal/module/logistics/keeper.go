package logistics

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Name is the module's name and key prefix.
const Name = "logistics"

const prefix = Name + "/"

// Module is the logistics module. All of its state is in the KV.
type Module struct {
	members Members
	pools   Pools
	orders  Orders
	tracer  Tracer
}

// New returns the logistics module. Errors: KindInvalid when a dependency
// is missing.
func New(members Members, pools Pools, orders Orders, tracer Tracer) (*Module, error) {
	if err := module.Require(Name, "members", members, "pools", pools, "orders", orders, "a tracer", tracer); err != nil {
		return nil, err
	}
	return &Module{members: members, pools: pools, orders: orders, tracer: tracer}, nil
}

// Name implements module.Module.
func (*Module) Name() string { return Name }

// InitGenesis implements module.Module: a network starts with no legs.
func (*Module) InitGenesis(*module.Context, json.RawMessage) error { return nil }

// BeginBlock implements module.Module: nothing is due.
func (*Module) BeginBlock(*module.Context) error { return nil }

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }

func pad(n uint64) string { return fmt.Sprintf("%020d", n) }

var seqKey = []byte(prefix + "seq")

func legKey(id uint64) []byte { return []byte(prefix + "leg/" + pad(id)) }

// shipmentKey holds the leg of a shipment: a pool share's as a whole
// (pool/<pool>/<hub>) or its n-th shipment (pool/<pool>/<hub>/<n>), a
// purchase order's (po/<po>/<n>). An org id holds no '/', so the keys of a
// share and of its shipments never meet.
func shipmentKey(a *MsgAssign) []byte {
	if a.Pool != 0 {
		k := prefix + "pool/" + pad(a.Pool) + "/" + string(a.Hub)
		if a.Shipment > 0 {
			k += "/" + pad(uint64(a.Shipment))
		}
		return []byte(k)
	}
	return []byte(prefix + "po/" + pad(a.PO) + "/" + pad(uint64(a.Shipment)))
}

// Leg returns a leg. Errors: KindNotFound.
func (*Module) Leg(r store.Reader, id uint64) (gongxu.Leg, error) {
	var l gongxu.Leg
	ok, err := module.Load(r, legKey(id), &l)
	if err != nil {
		return l, err
	}
	if !ok {
		return l, gongxu.Errorf(gongxu.KindNotFound, "no leg %d", id)
	}
	return l, nil
}

// ShipmentLeg returns the leg of a pool share (pool, hub: as a whole with
// shipment 0, else its shipment-th shipment) or of a purchase order's
// shipment (po, shipment); 0 when none was assigned.
func (*Module) ShipmentLeg(r store.Reader, pool uint64, hub gongxu.OrgID, po uint64, shipment int) (uint64, error) {
	var id uint64
	_, err := module.Load(r, shipmentKey(&MsgAssign{Pool: pool, Hub: hub, PO: po, Shipment: shipment}), &id)
	return id, err
}

func nextID(ctx *module.Context) (uint64, error) {
	b, err := ctx.KV.Get(seqKey)
	if err != nil {
		return 0, err
	}
	var n uint64
	if b != nil {
		if n, err = strconv.ParseUint(string(b), 10, 64); err != nil {
			return 0, fmt.Errorf("corrupt leg sequence %q", b)
		}
	}
	n++
	return n, ctx.KV.Set(seqKey, []byte(strconv.FormatUint(n, 10)))
}

// save writes a leg and emits the event of the step that changed it.
func save(ctx *module.Context, l *gongxu.Leg, event string) error {
	b, err := module.Save(ctx.KV, legKey(l.ID), l)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(event,
		"id", strconv.FormatUint(l.ID, 10),
		"carrier", string(l.Carrier),
		"shipper", string(l.Shipper),
		"consignee", string(l.Consignee),
		"pool", strconv.FormatUint(l.Pool, 10),
		"hub", string(l.Hub),
		"po", strconv.FormatUint(l.PO, 10),
		"shipment", strconv.Itoa(l.Shipment),
		"status", string(l.Status),
		"json", string(b)))
	return nil
}
