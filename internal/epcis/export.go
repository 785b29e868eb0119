package epcis

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/gongxu-network/gongxu"
)

// ExportDocument writes events (each a JSON object, as Event.Raw keeps it)
// as one EPCIS 2.0 EPCISDocument created at creationDate, and checks the
// result against GS1's schema: a document it returns always validates. An
// event that is not a JSON object is KindInvalid; a result that fails the
// schema is KindInternal (a stored event that no longer validates is a
// broken invariant).
func ExportDocument(events [][]byte, creationDate time.Time) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"@context":["` + StandardContext + `"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"`)
	buf.WriteString(creationDate.UTC().Format("2006-01-02T15:04:05.000Z"))
	buf.WriteString(`","epcisBody":{"eventList":[`)
	for i, ev := range events {
		ev = bytes.TrimSpace(ev)
		if len(ev) == 0 || ev[0] != '{' || !json.Valid(ev) {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: event %d to export is not a JSON object", i)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := json.Compact(&buf, ev); err != nil {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: event %d to export: %v", i, err)
		}
	}
	buf.WriteString(`]}}`)
	out := buf.Bytes()
	if err := ValidateJSON(out); err != nil {
		return nil, gongxu.Errorf(gongxu.KindInternal, "epcis: the exported document does not validate: %s", gongxu.ErrorMessage(err))
	}
	return out, nil
}
