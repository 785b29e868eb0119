package web

import "net/http"

var recallAckGuard = formGuard{Name: "The recall acknowledgement", Form: "recall-ack", Path: "/recalls",
	Again: "Open the recall's page again to acknowledge it."}

func (s *server) recallAckSubmit(w http.ResponseWriter, r *http.Request) error {
	return notFound("There is no page at %s.", r.URL.Path)
}
