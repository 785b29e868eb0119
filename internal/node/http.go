package node

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"

	"github.com/gongxu-network/gongxu"
)

// listenAPI binds the API's address, serving at most maxConns connections
// at once: more wait in the listen queue until one closes.
func listenAPI(addr string, maxConns int) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindUnavailable, "cannot listen on %s for the API: %v (use --api to pick another address)", addr, err)
	}
	return netutil.LimitListener(ln, maxConns), nil
}

// newHTTPServer is the API and pages' server with the timeouts and limits
// of c: a connection that sends its request too slowly is closed after
// ReadTimeout, a response is cut after WriteTimeout, an idle connection
// closes after IdleTimeout, and no request body is read past MaxBodyBytes.
func newHTTPServer(c HTTPConfig, h http.Handler, log *slog.Logger) *http.Server {
	limit := c.MaxBodyBytes
	body := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			fmt.Fprintf(w, `{"code":"too_large","message":"the request body is larger than %d bytes"}`+"\n", limit)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
	return &http.Server{
		Handler:           body,
		ReadHeaderTimeout: min(10*time.Second, c.ReadTimeout.D()),
		ReadTimeout:       c.ReadTimeout.D(),
		WriteTimeout:      c.WriteTimeout.D(),
		IdleTimeout:       c.IdleTimeout.D(),
		MaxHeaderBytes:    c.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
}

// apiHosts are the names the pages' forms accept in Host and Origin: the
// configured API address and the bound one (its real port), the loopback
// names with that port, and the configured extra names. A node listening
// on every address ("0.0.0.0:8080") accepts any IP address with its port.
func apiHosts(cfg Config, bound net.Addr) []string {
	hosts := []string{cfg.API}
	port := ""
	if _, p, err := net.SplitHostPort(bound.String()); err == nil {
		port = p
		hosts = append(hosts, bound.String())
	}
	if host, _, err := net.SplitHostPort(cfg.API); err == nil && port != "" {
		hosts = append(hosts, net.JoinHostPort(host, port))
	}
	if port != "" {
		hosts = append(hosts, "127.0.0.1:"+port, "localhost:"+port, "[::1]:"+port)
	}
	return append(hosts, cfg.HTTP.Hosts...)
}
