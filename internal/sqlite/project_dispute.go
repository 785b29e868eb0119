package sqlite

import (
	gongxu "github.com/gongxu-network/gongxu"
)

// isDisputeEvent reports whether typ is one of a dispute's steps.
func isDisputeEvent(typ string) bool {
	switch typ {
	case gongxu.EventDisputeOpened, gongxu.EventDisputeProposed, gongxu.EventDisputeSettled,
		gongxu.EventDisputeEscalated, gongxu.EventDisputeVoted, gongxu.EventDisputeResolved:
		return true
	}
	return false
}

// dispute projects any step of a dispute: the Dispute after the step
// replaces the row (its attributes must match its json).
func (p *projector) dispute(ev *gongxu.Event) error {
	id, err := idAttr(ev, "id")
	if err != nil {
		return err
	}
	var d gongxu.Dispute
	js, err := decodeKeep(ev, &d)
	if err != nil {
		return err
	}
	if d.ID != id || id > 1<<63-1 || d.Pool > 1<<63-1 {
		return invalidf("dispute attr %d does not match json id %d", id, d.ID)
	}
	if err := d.Claimant.Validate(); err != nil {
		return prefix(err, "dispute claimant")
	}
	if err := d.Respondent.Validate(); err != nil {
		return prefix(err, "dispute respondent")
	}
	for _, kv := range [][2]string{{"claimant", string(d.Claimant)}, {"respondent", string(d.Respondent)}, {"kind", string(d.Kind)}} {
		if err := match(ev, kv[0], kv[1]); err != nil {
			return err
		}
	}
	switch d.Status {
	case gongxu.DisputeOpen, gongxu.DisputePanel, gongxu.DisputeResolved:
	default:
		return invalidf("dispute %d has unknown status %q", id, d.Status)
	}
	_, err = p.tx.ExecContext(p.ctx, `INSERT INTO disputes (id, status, pool, claimant, respondent, json, height)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, json = excluded.json, height = excluded.height`,
		int64(id), string(d.Status), int64(d.Pool), string(d.Claimant), string(d.Respondent), js, p.height)
	return gongxu.Wrap(err, "upsert dispute %d", id)
}
