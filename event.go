package gongxu

// Event is something that happened on the ledger, emitted by a module while a
// block executes. It has the shape of an ABCI event, so CometBFT's indexer and
// clients read it unchanged; the read model projects it.
type Event struct {
	Type  string `json:"type"` // "<module>.<what>", e.g. "member.org_admitted"
	Attrs []Attr `json:"attrs"`
}

// Attr is one key/value pair of an Event. Modules emit attributes in a fixed order.
type Attr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Get returns the value of the first attribute named key, or "".
func (e Event) Get(key string) string {
	for _, a := range e.Attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// NewEvent builds an event from alternating key, value strings.
func NewEvent(typ string, kv ...string) Event {
	ev := Event{Type: typ, Attrs: make([]Attr, 0, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Attrs = append(ev.Attrs, Attr{Key: kv[i], Value: kv[i+1]})
	}
	return ev
}
