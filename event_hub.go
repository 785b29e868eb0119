package gongxu

// EventTraceRecallAck is a hub acknowledging a recall that reaches the goods
// of a pool shipped to it (trace/recall_ack): recall, hub, pool, json
// (RecallAck). One per hub and recall.
const EventTraceRecallAck = "trace.recall_ack"

// RecallAck is a hub's acknowledgement of a recall: it saw that the recall
// reaches the goods of a pool the factory shipped to it, and acts on it
// (holds the goods, contacts the consumers who picked some up).
type RecallAck struct {
	Recall uint64 `json:"recall"`
	Hub    OrgID  `json:"hub"`
	Pool   uint64 `json:"pool"`
	Height int64  `json:"height"`
	Time   int64  `json:"time"` // block time, unix ms
	Tx     string `json:"tx"`
}
