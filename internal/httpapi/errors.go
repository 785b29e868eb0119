package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	gongxu "github.com/gongxu-network/gongxu"
)

// kindStatus is the one table that maps a Kind to an HTTP status. A test
// checks that every Kind has an entry; a Kind missing here would answer 500.
var kindStatus = map[gongxu.Kind]int{
	gongxu.KindOK:           http.StatusInternalServerError, // an error of kind ok is a bug
	gongxu.KindInternal:     http.StatusInternalServerError,
	gongxu.KindInvalid:      http.StatusBadRequest,
	gongxu.KindUnauthorized: http.StatusForbidden,
	gongxu.KindNotFound:     http.StatusNotFound,
	gongxu.KindConflict:     http.StatusConflict,
	gongxu.KindSequence:     http.StatusConflict,
	gongxu.KindTooLarge:     http.StatusRequestEntityTooLarge,
	gongxu.KindQuota:        http.StatusTooManyRequests,
	gongxu.KindExpired:      http.StatusConflict,
	gongxu.KindBadSignature: http.StatusBadRequest,
	gongxu.KindUnknownType:  http.StatusBadRequest,
	gongxu.KindWrongChain:   http.StatusBadRequest,
	gongxu.KindUnavailable:  http.StatusServiceUnavailable,
	gongxu.KindTimeout:      http.StatusGatewayTimeout,

	gongxu.KindUnauthenticated: http.StatusUnauthorized,
	gongxu.KindBusy:            http.StatusServiceUnavailable,
}

// busyRetryAfter is the Retry-After, in seconds, of a busy answer: about
// one block interval, after which the node has committed (and admits) more.
const busyRetryAfter = "1"

// httpStatus returns the HTTP status of kind k.
func httpStatus(k gongxu.Kind) int {
	if s, ok := kindStatus[k]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError writes err as the JSON error response. Internal errors are logged
// with their detail and answered with a generic message.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := gongxu.ErrorKind(err)
	msg := ""
	var e *gongxu.Error
	if errors.As(err, &e) {
		msg = e.Msg // the cause (e.Err) may hold internals: logged, not sent
	}
	switch {
	case kind == gongxu.KindInternal && errors.Is(err, context.DeadlineExceeded):
		kind, msg = gongxu.KindTimeout, "timed out waiting for the node"
	case kind == gongxu.KindInternal && errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		kind, msg = gongxu.KindUnavailable, "request canceled"
	}
	status := httpStatus(kind)
	switch {
	case status == http.StatusInternalServerError:
		s.log.LogAttrs(r.Context(), slog.LevelError, "http internal error",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("kind", kind.String()),
			slog.String("error", err.Error()))
		kind, msg = gongxu.KindInternal, "internal error"
	case status >= 500:
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "http request failed",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("kind", kind.String()),
			slog.String("error", err.Error()))
	}
	if msg == "" {
		msg = kind.String()
	}
	if kind == gongxu.KindBusy {
		w.Header().Set("Retry-After", busyRetryAfter)
	}
	writeJSON(w, s.log, status, errorBody{Code: kind.String(), Message: msg})
}

// writeJSON writes v as a JSON response with the given status.
func writeJSON(w http.ResponseWriter, log *slog.Logger, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		log.Error("http: encoding a response", slog.String("error", err.Error()))
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"code":"internal","message":"internal error"}` + "\n")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// clip shortens user input quoted in an error message.
func clip(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
