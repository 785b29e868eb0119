package bench

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HTTPLoad is an open-loop load of GET requests: Rate requests a second,
// each sent at its own intended time whatever happened to the ones before
// (no request waits for another to answer), for Duration. Each request's
// latency runs from its intended send time, not from when it was actually
// sent, so that a generator or a server that falls behind shows as queueing
// instead of hiding it (coordinated omission).
type HTTPLoad struct {
	Base     string        // the server, "http://127.0.0.1:8080"
	Paths    []string      // requested in turn, round robin
	Rate     int           // requests a second
	Duration time.Duration // how long the schedule runs
	// MaxInFlight bounds the requests waiting for an answer at once; a
	// request that falls due beyond it is not sent and counts as Dropped
	// (the generator's limit, reported, never silently skipped). Zero means
	// DefaultMaxInFlight.
	MaxInFlight int
	Client      *http.Client // nil: NewHTTPClient(MaxInFlight)
}

// DefaultMaxInFlight is HTTPLoad's MaxInFlight when it is zero.
const DefaultMaxInFlight = 4096

// HTTPResult is what an HTTPLoad measured.
type HTTPResult struct {
	Rate    int           `json:"rate"`             // offered requests a second
	Sent    int           `json:"sent"`             // requests sent
	OK      int           `json:"ok"`               // answered 2xx
	Busy    int           `json:"busy"`             // answered 503 or 429 (the server shed the request)
	Failed  int           `json:"failed"`           // any other status, or no answer (a transport error, a timeout)
	Dropped int           `json:"dropped"`          // fell due with MaxInFlight requests waiting: never sent
	Elapsed time.Duration `json:"elapsed"`          // from the schedule's start to the last answer
	Latency Latency       `json:"latency"`          // of every answered request (any status), from its intended send time
	OKLat   Latency       `json:"ok_lat"`           // of the 2xx answers only
	Status  map[int]int   `json:"statuses"`         // answers by status code (0: no answer)
	Errors  []string      `json:"errors,omitempty"` // the first few distinct transport errors
}

// maxErrorSamples is how many distinct transport errors a result keeps.
const maxErrorSamples = 3

// Answered is the requests answered per second of Elapsed.
func (r HTTPResult) Answered() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK+r.Busy+r.Failed-r.Status[0]) / r.Elapsed.Seconds()
}

// NewHTTPClient is a client of at most conns connections to one host, kept
// open so that a steady load reuses them instead of dialing each request;
// a request that finds them all busy waits for one (its latency, counted
// from its intended time, shows the wait).
func NewHTTPClient(conns int) *http.Client {
	if conns <= 0 {
		conns = DefaultMaxInFlight
	}
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// Run runs the schedule and waits for every answer (or the context's end).
func (l HTTPLoad) Run(ctx context.Context) HTTPResult {
	maxIn := l.MaxInFlight
	if maxIn <= 0 {
		maxIn = DefaultMaxInFlight
	}
	client := l.Client
	if client == nil {
		client = NewHTTPClient(maxIn)
	}
	res := HTTPResult{Rate: l.Rate, Status: map[int]int{}}
	if l.Rate <= 0 || len(l.Paths) == 0 || l.Duration <= 0 {
		return res
	}
	total := int(int64(l.Rate) * l.Duration.Nanoseconds() / int64(time.Second))
	type answer struct {
		status int
		lat    time.Duration
		err    string
	}
	answers := make([]answer, 0, total)
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxIn)
	start := time.Now()
	for i := 0; i < total && ctx.Err() == nil; i++ {
		intended := start.Add(time.Duration(int64(i) * int64(time.Second) / int64(l.Rate)))
		if d := time.Until(intended); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
		select {
		case slots <- struct{}{}:
		default:
			res.Dropped++
			continue
		}
		res.Sent++
		wg.Add(1)
		go func(path string, intended time.Time) {
			defer wg.Done()
			defer func() { <-slots }()
			status, msg := 0, ""
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.Base+path, nil)
			if err == nil {
				var resp *http.Response
				if resp, err = client.Do(req); err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil {
						status = resp.StatusCode
					}
				}
			}
			lat := time.Since(intended)
			if err != nil {
				msg = err.Error()
			}
			mu.Lock()
			answers = append(answers, answer{status, lat, msg})
			mu.Unlock()
		}(l.Paths[i%len(l.Paths)], intended)
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	all := make([]time.Duration, 0, len(answers))
	var ok []time.Duration
	for _, a := range answers {
		res.Status[a.status]++
		switch {
		case a.status >= 200 && a.status < 300:
			res.OK++
			ok = append(ok, a.lat)
		case a.status == http.StatusServiceUnavailable || a.status == http.StatusTooManyRequests:
			res.Busy++
		default:
			res.Failed++
		}
		if a.status != 0 {
			all = append(all, a.lat)
		} else if len(res.Errors) < maxErrorSamples && !slices.Contains(res.Errors, a.err) {
			res.Errors = append(res.Errors, a.err)
		}
	}
	res.Latency = Summarize(all)
	res.OKLat = Summarize(ok)
	return res
}

// Statuses lists the status codes of r in order, for reports.
func (r HTTPResult) Statuses() []int {
	out := make([]int, 0, len(r.Status))
	for s := range r.Status {
		out = append(out, s)
	}
	sort.Ints(out)
	return out
}

// LoadAverage is the machine's 1-minute load average (-1 when unknown).
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}
