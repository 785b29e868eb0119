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
// event that is not a JSON object with one meaning within the limits of a
// captured event (no key twice, also after unescaping or case folding) is
// KindInvalid (KindTooLarge beyond the limits); a result that fails the
// schema is KindInternal (a stored event that no longer validates is a
// broken invariant).
func ExportDocument(events [][]byte, creationDate time.Time) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"@context":["` + StandardContext + `"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"`)
	buf.WriteString(creationDate.UTC().Format("2006-01-02T15:04:05.000Z"))
	buf.WriteString(`","epcisBody":{"eventList":[`)
	for i, ev := range events {
		v, err := parseJV(ev, docLimits)
		if err != nil {
			return nil, gongxu.Errorf(gongxu.ErrorKind(err), "epcis: event %d to export: %s", i, gongxu.ErrorMessage(err))
		}
		if v.kind != 'o' {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "epcis: event %d to export is not a JSON object", i)
		}
		ev = ev[v.start:v.end]
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
