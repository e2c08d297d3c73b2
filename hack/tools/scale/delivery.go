package main

import (
	"bufio"
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
)

// deliveries measures how late the API server's watch delivers the kubelets' final writes: when the
// write returned, and when the kubelets' own pod informer (a Go client-go informer, as every
// controller's) first held that write or a later one. The last delivery per resource is the floor any
// watching controller can see; the operator's final status minus it is the operator's own share of
// the lag, the rest is the API server's (on 2 cores it stops keeping up with its watchers).
//
// Resource versions are compared as numbers: opaque by contract, etcd revisions in fact, and this is
// a benchmark of that very API server.
type deliveries struct {
	mu      sync.Mutex
	written map[string]stamp   // pod name -> the final write
	seen    map[string][]stamp // pod name -> every newer version the informer received, in order
}

type stamp struct {
	rv int64
	at time.Time
}

func newDeliveries() *deliveries {
	return &deliveries{written: map[string]stamp{}, seen: map[string][]stamp{}}
}

// wrote records a final write's response; saw, a version the informer received.
func (d *deliveries) wrote(pod, resourceVersion string, at time.Time) {
	d.note(pod, resourceVersion, at, true)
}
func (d *deliveries) saw(pod, resourceVersion string, at time.Time) {
	d.note(pod, resourceVersion, at, false)
}

func (d *deliveries) note(pod, resourceVersion string, at time.Time, written bool) {
	rv, err := strconv.ParseInt(resourceVersion, 10, 64)
	if err != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if written {
		if _, first := d.written[pod]; !first {
			d.written[pod] = stamp{rv, at}
		}
		return
	}
	// An event can arrive before the write's own response: the history is kept, not just the newest.
	if seen := d.seen[pod]; len(seen) == 0 || seen[len(seen)-1].rv < rv {
		d.seen[pod] = append(seen, stamp{rv, at})
	}
}

// delivered: when the informer first held the pod's final write or a later version (a watch
// re-established after a gap can skip versions). The caller holds mu.
func (d *deliveries) delivered(pod string) (written, seen time.Time, ok bool) {
	w := d.written[pod]
	for _, s := range d.seen[pod] {
		if s.rv >= w.rv {
			return w.at, s.at, true
		}
	}
	return w.at, time.Time{}, false
}

// last: the latest delivery among the final writes of the pods named with prefix, and how many of
// them were never delivered.
func (d *deliveries) last(prefix string) (last time.Time, undelivered int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for pod := range d.written {
		if !strings.HasPrefix(pod, prefix) {
			continue
		}
		if _, seen, ok := d.delivered(pod); !ok {
			undelivered++
		} else if seen.After(last) {
			last = seen
		}
	}
	return last, undelivered
}

// lags: seconds from each final write's response to its delivery.
func (d *deliveries) lags() []float64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	var lags []float64
	for pod := range d.written {
		if written, seen, ok := d.delivered(pod); ok {
			lags = append(lags, max(seen.Sub(written), 0).Seconds())
		}
	}
	return lags
}

// terminatedWatchers: the API server's count of watchers it closed because they fell behind
// (apiserver_terminated_watchers_total), by resource.
func terminatedWatchers(ctx context.Context, client kubernetes.Interface) map[string]int {
	out := map[string]int{}
	raw, err := client.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		logf("reading the API server's metrics: %v", err)
		return out
	}
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_terminated_watchers_total{") {
			continue
		}
		resource := ""
		if i := strings.Index(line, `resource="`); i >= 0 {
			rest := line[i+len(`resource="`):]
			resource = rest[:strings.IndexByte(rest, '"')]
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err == nil {
			out[resource] += int(v)
		}
	}
	return out
}
