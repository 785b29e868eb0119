package scenario

import (
	"crypto/ed25519"
	"fmt"
	"strconv"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// The documents of bench trace.

// traceMaxEPCs bounds the EPCs of one event (the serials leave room for it).
const traceMaxEPCs = 64

// traceEpoch is a fixed epoch for sizing documents (their size does not
// depend on it).
var traceEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// traceZone is the capturers' time zone: event times are written in it,
// with their offset, as a factory's reader would.
var traceZone = time.FixedZone("CST", 8*3600)

// traceSteps are the business steps the events go through in turn, each
// with its CBV disposition and action.
var traceSteps = []struct{ bizStep, disposition, action string }{
	{"commissioning", "active", "ADD"},
	{"packing", "in_progress", "OBSERVE"},
	{"shipping", "in_transit", "OBSERVE"},
	{"receiving", "in_progress", "OBSERVE"},
}

// traceSerial is the serial of EPC j of event i of signer's document
// number seq: distinct for every (seq, i, j) of a signer (i < trace.MaxEvents,
// j < traceMaxEPCs); signers differ by their item reference.
func traceSerial(seq uint64, i, j int) uint64 {
	return (seq*trace.MaxEvents+uint64(i))*traceMaxEPCs + uint64(j)
}

// traceEventTime is the time of event i of a signer's document number seq:
// a second per document (modulo an hour) and a millisecond per event after
// epoch, so events of one document never share a time.
func traceEventTime(epoch time.Time, seq uint64, i int) time.Time {
	return epoch.Add(time.Duration(seq%3600)*time.Second + time.Duration(i)*time.Millisecond)
}

// appendTraceEvent appends event i of signer's document number seq: an
// ObjectEvent of epcs SGTINs (company prefix 0614141, item reference 1 and
// the signer's number, new serials) at a station of the signer's plant.
func appendTraceEvent(b []byte, signer int, seq uint64, i, epcs int, epoch time.Time) []byte {
	st := traceSteps[i%len(traceSteps)]
	b = append(b, `{"type":"ObjectEvent","eventTime":"`...)
	b = traceEventTime(epoch, seq, i).In(traceZone).AppendFormat(b, "2006-01-02T15:04:05.000-07:00")
	b = append(b, `","eventTimeZoneOffset":"+08:00","epcList":[`...)
	for j := range epcs {
		if j > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `"urn:epc:id:sgtin:0614141.1%05d.`, signer)
		b = strconv.AppendUint(b, traceSerial(seq, i, j), 10)
		b = append(b, '"')
	}
	b = append(b, `],"action":"`...)
	b = append(b, st.action...)
	b = append(b, `","bizStep":"`...)
	b = append(b, st.bizStep...)
	b = append(b, `","disposition":"`...)
	b = append(b, st.disposition...)
	b = fmt.Appendf(b, `","readPoint":{"id":"urn:epc:id:sgln:0614141.%05d.%d"},"bizLocation":{"id":"urn:epc:id:sgln:0614141.%05d.0"}}`,
		signer, 1+i%len(traceSteps), signer)
	return b
}

// traceDocument is signer's EPCIS 2.0 document number seq, of n events.
func traceDocument(signer int, seq uint64, n, epcs int, epoch time.Time) []byte {
	b := make([]byte, 0, 256+n*(330+40*epcs))
	b = append(b, `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"`...)
	b = traceEventTime(epoch, seq, n).UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","epcisBody":{"eventList":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTraceEvent(b, signer, seq, i, epcs, epoch)
	}
	return append(b, "]}}"...)
}

// traceTx returns the builder of trace/capture txs of n events: signer i is
// org bench-i (keys[i]); the sequence numbers the document, so its events
// are new.
func traceTx(keys []ed25519.PrivateKey, n, epcs int, epoch time.Time) func(int, uint64) []byte {
	return func(i int, seq uint64) []byte {
		doc := traceDocument(i, seq, n, epcs, epoch)
		body := make([]byte, 0, len(doc)+16)
		body = append(append(append(body, `{"document":`...), doc...), '}')
		return gongxu.SignTx(chainID, keys[i], trace.TypeCapture, body, seq).Encode()
	}
}
