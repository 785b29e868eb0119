package gongxu

import "context"

// Forecasts of demand: each weekly demand series a reader may see
// (DemandService, under the privacy thresholds), forecast by the read side
// (automatic exponential smoothing, an intermittent-demand method or naive
// as the floor), with 80 % and 95 % prediction intervals, and the hubs'
// forecasts reconciled to the product's total when every hub series is
// visible (with reconciled intervals); also the sums over a factory's
// products and the network's (network → factory → hub), in units or money.
// Forecasts are knowledge derived from the ledger, computed in
// floating point; nothing of them is written back.

// Horizons of a demand forecast, in weeks.
const (
	DefaultForecastHorizon = 8
	MaxForecastHorizon     = 52
)

// ForecastRequest asks for the forecasts of a product's weekly demand.
type ForecastRequest struct {
	Product ProductID     // required
	Hub     OrgID         // "" for the total over hubs and every hub
	Variant string        // "" for every variant
	Measure DemandMeasure // units of this measure; "" means MeasurePledged
	Horizon int           // weeks ahead; 0 means DefaultForecastHorizon

	// Reader is the org whose own hub cells are used in full, as in
	// DemandFilter.Reader: set by the API for the node's operator org only.
	Reader OrgID

	// Factory, with Product "", asks for the hierarchy of a factory's
	// demand summed over its products (a product belongs to the factory of
	// its id): the factory's total and its demand at each hub, reconciled
	// (factory → hub). Series of this kind have Product "" and Level set.
	Factory OrgID
	// Network, with Product and Factory "", asks for the whole network's
	// hierarchy: the network's total, each factory's total and each
	// factory's demand at each hub, reconciled (network → factory → hub).
	Network bool
	// Money forecasts the measure's money (minor units of each series'
	// currency) instead of its units.
	Money bool
}

// The levels of the series of a factory's or the network's hierarchy
// (ForecastSeries.Level; "" for a product's series).
const (
	ForecastLevelNetwork = "network" // the network's total over factories and hubs
	ForecastLevelFactory = "factory" // a factory's total over its products and hubs
	ForecastLevelHub     = "hub"     // a factory's demand at one hub, over its products
)

// ForecastStep is the forecast of one week ahead.
type ForecastStep struct {
	Period string  `json:"period"` // the ISO week, "2026-W52"
	Mean   float64 `json:"mean"`
	Lo80   float64 `json:"lo80"`
	Hi80   float64 `json:"hi80"`
	Lo95   float64 `json:"lo95"`
	Hi95   float64 `json:"hi95"`
}

// ForecastSeries is the forecast of one series: a product variant at one
// hub (Hub "": the total over hubs) in one currency. A series the reader
// may not see (no shown week after its last suppressed one) has no
// Method and no Steps, and its Note says why: suppressed cells are never
// read as zero.
type ForecastSeries struct {
	Product    ProductID      `json:"product"`
	Variant    string         `json:"variant"`
	Hub        OrgID          `json:"hub"` // "": the total over hubs
	Currency   string         `json:"currency"`
	From       string         `json:"from,omitempty"` // the first week of history used
	To         string         `json:"to,omitempty"`   // the last week of history
	Weeks      int            `json:"weeks"`          // weeks of history used
	Suppressed int            `json:"suppressed"`     // weeks of the series withheld from the reader
	Method     string         `json:"method,omitempty"`
	Reconciled bool           `json:"reconciled,omitempty"` // adjusted to add up with the hierarchy
	Note       string         `json:"note,omitempty"`
	Steps      []ForecastStep `json:"steps"`

	// Level and Factory place a series of a factory's or the network's
	// hierarchy (Product ""): ForecastLevelNetwork (Factory ""),
	// ForecastLevelFactory or ForecastLevelHub. Both "" for a product's
	// series.
	Level   string `json:"level,omitempty"`
	Factory OrgID  `json:"factory,omitempty"`
}

// ForecastReport is the answer to a forecast request: the series in
// (variant, currency, hub) order, each total over hubs before its hubs; for
// a factory or the network, in (currency, factory, hub) order, the
// network's total first, each factory's total before its hubs.
type ForecastReport struct {
	Product        ProductID        `json:"product"`
	Measure        DemandMeasure    `json:"measure"`
	Period         DemandPeriod     `json:"period"` // always week
	Horizon        int              `json:"horizon"`
	Reconciliation string           `json:"reconciliation"` // the method of reconciled series
	Thresholds     DemandThresholds `json:"thresholds"`
	Reader         OrgID            `json:"reader,omitempty"`
	Series         []ForecastSeries `json:"series"`

	Factory OrgID `json:"factory,omitempty"` // the request's Factory
	Network bool  `json:"network,omitempty"` // the request's Network
	// Money: the forecasts are of money, in minor units of each series'
	// currency, not of units.
	Money bool `json:"money,omitempty"`
	// Intervals says how reconciled series' intervals were found.
	Intervals string `json:"intervals,omitempty"`
}

// ForecastService forecasts the demand a reader may see.
type ForecastService interface {
	// Forecast returns the forecasts of r's product, or of r's factory's
	// or the network's hierarchy. Errors: KindInvalid for a bad request
	// (none or more than one of product, factory and network, a bad
	// measure or horizon, bad ids); the DemandService's errors.
	Forecast(ctx context.Context, r ForecastRequest) (ForecastReport, error)
}

// Derived demand: the weekly demand for a supplier's input items implied by
// the forecasts of the products that use them, exploded through the
// factories' bills of materials (issue 13). It is computed only from what an
// anonymous reader is shown: each product's total over hubs, never a hub's
// cell, so a supplier learns nothing a suppressed cell holds.

// DerivedDemandRequest asks for the derived demand of one supplier's items.
type DerivedDemandRequest struct {
	Supplier OrgID         // required
	Measure  DemandMeasure // of the products' demand; "" means MeasurePledged
	Horizon  int           // weeks ahead; 0 means DefaultForecastHorizon
}

// DerivedDemandStep is the derived demand of one week, in units of the
// item (its unit, e.g. metres), with Gaussian 80 % and 95 % intervals that
// treat the products' forecasts as independent (bounds never below 0).
type DerivedDemandStep struct {
	Period   string  `json:"period"`    // the products' demand week, "2026-W52"
	NeededBy string  `json:"needed_by"` // Period moved back by the item's LeadWeeks
	Mean     float64 `json:"mean"`
	Lo80     float64 `json:"lo80"`
	Hi80     float64 `json:"hi80"`
	Lo95     float64 `json:"lo95"`
	Hi95     float64 `json:"hi95"`
}

// DerivedDemandProduct is one product an item's derived demand comes from.
type DerivedDemandProduct struct {
	Product ProductID `json:"product"`
	QtyPer  float64   `json:"qty_per"` // units of the item per unit of the product, scrap included, over every BOM path
	// Forecast: the product's total was forecast; false when the reader
	// may not see it (its demand is then not in the item's steps).
	Forecast bool `json:"forecast"`
}

// DerivedDemandItem is the derived demand of one input item of one factory.
type DerivedDemandItem struct {
	Factory OrgID  `json:"factory"`
	Item    ItemID `json:"item"`
	Unit    string `json:"unit,omitempty"`
	// Sources say why the supplier counts as its supplier: "purchase_order"
	// (the factory ordered it from them), "offer" (they offer the item),
	// "preferred" (the factory's item names them).
	Sources []string `json:"sources"`
	// LeadWeeks is the longest making lead time between the products and
	// the item, in weeks (rounded up): how much earlier it is needed.
	LeadWeeks int                    `json:"lead_weeks"`
	Products  []DerivedDemandProduct `json:"products"`
	Note      string                 `json:"note,omitempty"`
	Steps     []DerivedDemandStep    `json:"steps"` // empty when no product of it is forecast
}

// DerivedDemandReport is the answer to a derived-demand request: the items
// in (factory, item) order.
type DerivedDemandReport struct {
	Supplier   OrgID               `json:"supplier"`
	Measure    DemandMeasure       `json:"measure"`
	Horizon    int                 `json:"horizon"`
	Thresholds DemandThresholds    `json:"thresholds"`
	Items      []DerivedDemandItem `json:"items"`
}

// DerivedDemandService serves suppliers' derived demand.
type DerivedDemandService interface {
	// DerivedDemand returns the derived demand of r.Supplier's items.
	// Errors: KindInvalid for a bad request (no or a malformed supplier,
	// a bad measure or horizon); the demand and production services'.
	DerivedDemand(ctx context.Context, r DerivedDemandRequest) (DerivedDemandReport, error)
}

// A master production schedule on forecast: a factory may accept its
// products' weekly demand forecasts as planned demand, so that its planner
// buys long-lead inputs before any pool closes. The planner takes each
// week's forecast less the production orders already due that week (the
// forecast they consume) as demand with the reference MPSRefPrefix +
// "<product>@<week>", which marks it in the plan's pegging: demand planned
// on forecast, not ordered.

// MPSRefPrefix begins the reference of forecast demand in a plan.
const MPSRefPrefix = "forecast:"

// MPSLine is one week of a factory's master production schedule.
type MPSLine struct {
	Product ProductID `json:"product"`
	Week    string    `json:"week"` // ISO week, "2026-W12"
	Due     int64     `json:"due"`  // the week's Monday 00:00 UTC, unix ms
	Qty     Qty       `json:"qty"`  // milli-units
}

// MPSPolicy is what a factory accepts as its master production schedule.
type MPSPolicy struct {
	Products []ProductID   `json:"products,omitempty"` // none: every product of the factory with demand
	Weeks    int           `json:"weeks,omitempty"`    // weeks ahead; 0 means DefaultForecastHorizon
	Measure  DemandMeasure `json:"measure,omitempty"`  // "" means MeasurePledged
	// Level is the forecast quantity planned: "mean" (the default), "hi80"
	// or "hi95" (the upper bound of the interval: planning for more than
	// the expected demand).
	Level string `json:"level,omitempty"`
}

// MPSSource gives the master production schedule a factory accepted.
type MPSSource interface {
	// MPS returns the factory's schedule, by product then week. Errors:
	// KindInvalid for a malformed factory or policy; the forecasts'.
	MPS(ctx context.Context, factory OrgID) ([]MPSLine, error)
}
