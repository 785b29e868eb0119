package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// listRFQs is how many requests the requests page lists.
const listRFQs = 100

type rfqsData struct {
	Open   []gongxu.RFQ
	Closed []gongxu.RFQ
	Now    int64
}

func (s *server) rfqList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now, err := s.latestBlock(ctx)
	if err != nil {
		return err
	}
	all, err := s.rfqs.RFQs(ctx, "", listRFQs)
	if err != nil {
		return err
	}
	d := rfqsData{Now: now}
	for _, q := range all {
		if q.Status == gongxu.RFQOpen {
			d.Open = append(d.Open, q)
		} else {
			d.Closed = append(d.Closed, q)
		}
	}
	slices.SortStableFunc(d.Open, func(a, b gongxu.RFQ) int {
		return cmp.Or(cmp.Compare(a.BidDeadline, b.BidDeadline), cmp.Compare(a.ID, b.ID))
	})
	return s.render(w, r, "rfqs", view{Title: "Requests for quote", Section: "rfqs", Content: d})
}

type rfqData struct {
	Q     gongxu.RFQ
	Bids  []gongxu.Bid
	Now   int64
	Phase string // what is happening now: bidding, revealing, awaiting the award
	Award *awardForm
}

func (s *server) rfq(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := r.PathValue("id")
	missing := notFound("No request for quote has the number %q.", raw)
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return missing
	}
	q, err := s.rfqs.RFQ(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return missing
	} else if err != nil {
		return err
	}
	bids, err := s.rfqs.Bids(ctx, id)
	if err != nil {
		return err
	}
	now, err := s.latestBlock(ctx)
	if err != nil {
		return err
	}
	d := rfqData{Q: q, Bids: bids, Now: now}
	if q.Status == gongxu.RFQOpen && now > 0 {
		l := s.langs.pick(r)
		switch {
		case now < q.BidDeadline:
			d.Phase = l.T("Bidding: factories send sealed bids until %s (%s).", l.msHuman(q.BidDeadline), l.timeLeft(q.BidDeadline, now))
		case now < q.RevealDeadline:
			d.Phase = l.T("Revealing: bidders open their sealed bids until %s (%s).", l.msHuman(q.RevealDeadline), l.timeLeft(q.RevealDeadline, now))
		default:
			d.Phase = l.T("Awaiting the requester's award.")
		}
	}
	if d.Award, err = s.awardOffer(r, q, bids, now); err != nil {
		return err
	}
	return s.render(w, r, "rfq", view{Title: q.Title, Section: "rfqs", Content: d})
}
