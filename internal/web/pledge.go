package web

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/gongxu-network/gongxu"
)

// The consumer's pledge page (GET and POST /pledge): public, no sign-in. A
// consumer opens their receipt (the code, the receipt file, or the QR code
// of the receipt page, which leads here with the code after "#": the page's
// script reads it and posts it, so the secret is in no address a server
// sees) and sees their pledge as the ledger holds it: the pool's status, the
// price earned at the tier reached, the refund, the pickup and the hub, and
// the proof that the leaf is in the batch whose root the ledger holds.
//
// What it costs the node, and what it shows: the input is bounded
// (maxPledgeBody, one code or one file, never both), read before any lookup;
// each client address has a few lookups a second (pledge_limit.go);
// a lookup reads one transaction from the block store and hashes its batch's
// leaves (5,000 at most), and at most maxPledgeLookups run at once (others
// get a 503 page at once, nothing queued); the secret must open the leaf's
// commitment before anything about the pledge is shown, so a guessed
// transaction and index show nothing; and the page names only this pledge:
// never another leaf, never a person.
const (
	maxPledgeBody    = 16 << 10
	maxPledgeLookups = 4
	maxPledgeParts   = 3
)

// pledgeData is the pledge page.
type pledgeData struct {
	Error string // why the receipt could not be opened
	Found bool

	Code     string // the receipt code, for the QR code and to keep
	Pledge   string // gongxu.PledgeURN
	Pool     gongxu.Pool
	Hub      gongxu.Org
	Leaf     gongxu.PoolLeaf
	Variant  string
	Batch    string // the batch transaction
	Index    int
	Leaves   int
	Root     string
	Escrowed gongxu.Amount // qty × the first tier's price
	// The price: final (Price > 0 once the pool succeeded), or the tier
	// reached so far while it is open.
	Final     bool
	UnitPrice gongxu.Amount
	Tier      int // 1-based
	Cost      gongxu.Amount
	Refund    gongxu.Amount
	Failed    bool // the pool failed or was cancelled: everything is refunded
	Share     *gongxu.HubShare
	Pickup    *gongxu.Pickup
	NoPickups bool // this node does not say whether it was picked up
	// The proof: the leaf under the root (RootOK: the root is the
	// ledger's batch's; ProofOK: the proof leads from the leaf to it).
	RootOK, ProofOK, ProofUnchecked bool
	Proof                           []string
	QR                              template.HTML
	URL                             string // the pledge page's address with the code, the QR code's content
}

func (s *server) pledgePage(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.RawQuery) > 0 && r.URL.Query().Has("code") {
		// A receipt code in an address would sit in logs and histories:
		// the page takes it after "#" or in a form, never in the query.
		return s.pledgeProblem(w, r, http.StatusBadRequest, "Open your receipt with the form below; its code does not go in the address.")
	}
	return s.render(w, r, "pledge", view{Title: "My pledge", Section: "pools", Content: pledgeData{}})
}

func (s *server) pledgeProblem(w http.ResponseWriter, r *http.Request, status int, format string, args ...any) error {
	d := pledgeData{Error: s.langs.pick(r).T(format, args...)}
	return s.renderStatus(w, r, status, "pledge", view{Title: "My pledge", Section: "pools", Content: d})
}

// errPledgeForm is a form that cannot be read as one receipt.
var errPledgeForm = errors.New("web: the pledge form holds no single receipt")

// pledgeInput reads the one receipt a pledge form holds: the field "code"
// (urlencoded or multipart) or the file "file" (multipart), within
// maxPledgeBody, each once.
func pledgeInput(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPledgeBody)
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		code, one := oneField(r, "code")
		if !one || len(r.PostForm) > 1 {
			return nil, errPledgeForm
		}
		return []byte(code), nil
	}
	if params["boundary"] == "" {
		return nil, errPledgeForm
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var got []byte
	seen := map[string]bool{}
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil || n >= maxPledgeParts {
			return nil, errPledgeForm
		}
		name := p.FormName()
		if name != "code" && name != "file" || seen[name] {
			return nil, errPledgeForm
		}
		seen[name] = true
		b, err := io.ReadAll(io.LimitReader(p, maxReceiptInput+1))
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue // the empty half of the form
		}
		if got != nil {
			return nil, errPledgeForm // a code and a file: which one?
		}
		got = b
	}
	return got, nil
}

func (s *server) pledgeSubmit(w http.ResponseWriter, r *http.Request) error {
	if s.receipts == nil {
		return s.pledgeProblem(w, r, http.StatusServiceUnavailable, "This node reads no receipts, so it cannot show pledges.")
	}
	raw, err := pledgeInput(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return s.pledgeProblem(w, r, http.StatusRequestEntityTooLarge, errReceiptLarge.Error())
		}
		return s.pledgeProblem(w, r, http.StatusBadRequest, "Give one receipt: its code, or its file.")
	}
	k, err := readReceipt(raw)
	if err != nil {
		return s.pledgeProblem(w, r, http.StatusBadRequest, err.Error())
	}
	if !s.pledgeRL.allow(r) {
		w.Header().Set("Retry-After", "1")
		return s.pledgeProblem(w, r, http.StatusTooManyRequests, "Too many receipts from your address. Try again in a moment.")
	}
	select {
	case s.lookups <- struct{}{}:
		defer func() { <-s.lookups }()
	default:
		w.Header().Set("Retry-After", "2")
		return s.pledgeProblem(w, r, http.StatusServiceUnavailable, "The node is busy. Try again in a moment.")
	}
	d, status, err := s.pledge(r, k)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return s.pledgeProblem(w, r, status, d.Error)
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, "pledge", view{Title: "My pledge", Section: "pools", Content: d})
}

// pledge looks the receipt's pledge up. A status other than 200 comes with
// d.Error, a message key.
func (s *server) pledge(r *http.Request, k receiptKey) (pledgeData, int, error) {
	ctx := r.Context()
	var d pledgeData
	rc, err := s.receipts.Receipt(ctx, k.Tx, k.Index)
	switch gongxu.ErrorKind(err) {
	case gongxu.KindOK:
	case gongxu.KindNotFound, gongxu.KindInvalid:
		d.Error = "No pledge on the ledger has this receipt. Check the code, or ask your hub."
		return d, http.StatusNotFound, nil
	default:
		return d, 0, err
	}
	if c, err := gongxu.PickupCommit(k.Secret); err != nil || c != rc.Leaf.Commit {
		d.Error = "This receipt's secret does not open its pledge: it is not the consumer's copy, or it was copied wrong."
		return d, http.StatusBadRequest, nil
	}
	p, err := s.pools.Pool(ctx, rc.Pool)
	if err != nil {
		return d, 0, err
	}
	d.Found, d.Pool, d.Leaf, d.Batch, d.Index, d.Leaves, d.Root, d.Proof = true, p, rc.Leaf, rc.Tx, rc.Index, rc.Leaves, rc.Root, rc.Proof
	d.Code = receiptCode(k)
	d.Pledge = gongxu.PledgeURN(rc.Tx, rc.Index)
	d.Hub = gongxu.Org{ID: rc.Hub, Name: s.orgName(rc.Hub)}
	if names, _, err := s.variantNames(ctx, p); err == nil {
		d.Variant = variantLabel(names, rc.Leaf.Variant)
	}
	// The proof: the root must be the one the ledger's batch record holds.
	batches, err := s.pools.Batches(ctx, p.ID)
	if err != nil {
		return d, 0, err
	}
	for _, b := range batches {
		if b.Tx == rc.Tx {
			d.RootOK = b.Root == rc.Root && b.Leaves == int64(rc.Leaves) && b.Hub == rc.Hub
		}
	}
	if s.checkRc != nil {
		d.ProofOK = d.RootOK && s.checkRc(rc) == nil
	} else {
		d.ProofUnchecked = true
	}
	// Money: escrowed at the first tier; captured at the final price, the
	// rest refunded; all of it refunded when the pool failed.
	d.Escrowed, _ = gongxu.Cost(rc.Leaf.Qty, p.Tiers[0].UnitPrice)
	switch {
	case p.Status == gongxu.PoolFailed || p.Status == gongxu.PoolCancelled:
		d.Failed, d.Refund = true, d.Escrowed
	case p.Price > 0:
		d.Final, d.UnitPrice = true, p.Price
		for i, t := range p.Tiers {
			if t.UnitPrice == p.Price {
				d.Tier = i + 1
			}
		}
	default:
		i, t := gongxu.TierFor(p.Tiers, p.Total)
		d.Tier, d.UnitPrice = i+1, t.UnitPrice
	}
	if !d.Failed {
		d.Cost, _ = gongxu.Cost(rc.Leaf.Qty, d.UnitPrice)
		d.Refund = d.Escrowed - d.Cost
	}
	shares, err := s.pools.HubShares(ctx, p.ID)
	if err != nil {
		return d, 0, err
	}
	for i := range shares {
		if shares[i].Hub == rc.Hub {
			d.Share = &shares[i]
		}
	}
	if s.pickupOf == nil {
		d.NoPickups = true
	} else {
		pk, err := s.pickupOf(ctx, p.ID, d.Pledge)
		switch gongxu.ErrorKind(err) {
		case gongxu.KindOK:
			d.Pickup = &pk
		case gongxu.KindNotFound:
		default:
			return d, 0, err
		}
	}
	d.URL = s.pledgeURL(r, d.Code)
	if q, err := EncodeQR([]byte(d.URL)); err == nil {
		d.QR = QRSVG(q, s.langs.pick(r).T("QR code of your receipt"))
	}
	return d, http.StatusOK, nil
}

// pledgeURL is the address of the pledge page that opens the receipt with
// code: the code after "#", which the browser keeps to itself.
func (s *server) pledgeURL(r *http.Request, code string) string {
	return s.publicURL(r, "/pledge") + "#" + url.PathEscape(code)
}

// receiptQR is the QR code of a consumer's receipt: the address of their
// pledge page with the receipt code.
func (s *server) receiptQR(r *http.Request, k receiptKey) (template.HTML, string, string) {
	code := receiptCode(k)
	if code == "" {
		return "", "", ""
	}
	u := s.pledgeURL(r, code)
	q, err := EncodeQR([]byte(u))
	if err != nil {
		return "", code, u
	}
	return QRSVG(q, s.langs.pick(r).T("QR code of your receipt")), code, u
}
