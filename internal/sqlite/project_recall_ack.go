package sqlite

import (
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// traceRecallAck projects a hub's acknowledgement of a recall: emitted by
// the tx it names, at this height and block time, of a recall the read
// model holds, once per hub and recall.
func (p *projector) traceRecallAck(ev *gongxu.Event) error {
	id, err := idAttr(ev, "recall")
	if err != nil {
		return err
	}
	var a gongxu.RecallAck
	js, err := decodeKeep(ev, &a)
	if err != nil {
		return err
	}
	if a.Recall != id {
		return invalidf("recall attr %d does not match json recall %d", id, a.Recall)
	}
	if err := a.Hub.Validate(); err != nil {
		return prefix(err, "recall acknowledgement hub")
	}
	if err := match(ev, "hub", string(a.Hub)); err != nil {
		return err
	}
	pool, err := idAttr(ev, "pool")
	if err != nil {
		return err
	}
	if a.Pool != pool || pool > 1<<63-1 || id > 1<<63-1 {
		return invalidf("pool attr %d does not match json pool %d", pool, a.Pool)
	}
	if p.txHash == "" || !strings.EqualFold(a.Tx, p.txHash) || a.Height != p.height || a.Time != p.time {
		return invalidf("acknowledgement of recall %d says tx %q at height %d, emitted by tx %q at height %d", id, a.Tx, a.Height, p.txHash, p.height)
	}
	var n int
	if err := p.tx.QueryRowContext(p.ctx, `SELECT count(*) FROM trace_recalls WHERE id = ?`, int64(id)).Scan(&n); err != nil {
		return gongxu.Wrap(err, "read recall %d", id)
	}
	if n == 0 {
		return invalidf("acknowledgement of recall %d, which the read model does not hold", id)
	}
	res, err := p.tx.ExecContext(p.ctx, `INSERT INTO trace_recall_acks (recall, hub, pool, height, json) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, int64(id), string(a.Hub), int64(pool), p.height, js)
	if err != nil {
		return gongxu.Wrap(err, "insert the acknowledgement of recall %d by %s", id, a.Hub)
	}
	if k, err := res.RowsAffected(); err == nil && k == 0 {
		return invalidf("hub %s acknowledged recall %d twice", a.Hub, id)
	}
	return nil
}
