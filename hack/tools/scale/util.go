package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/rest"
)

// asNode sends the request as the node's kubelet would: as system:node:NAME in system:nodes
// (impersonated by the admin the harness runs as), so the Node authorizer, NodeRestriction admission
// and API Priority and Fairness (flow schema system-nodes) treat the simulated kubelet as a real one.
func asNode(r *rest.Request, node string) *rest.Request {
	return r.SetHeader("Impersonate-User", "system:node:"+node).
		SetHeader("Impersonate-Group", "system:nodes", "system:authenticated")
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// counter counts failed writes of the simulated nodes and keeps the first few messages: a simulator
// that cannot keep up must show it, not hide it.
type counter struct {
	n     atomic.Int64
	mu    sync.Mutex
	first []string
}

func (c *counter) add(ctx context.Context, err error) {
	if err == nil || ctx.Err() != nil {
		return
	}
	c.n.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.first) < 5 {
		c.first = append(c.first, err.Error())
	}
}

func (c *counter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n.Load() == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (first: %v)", c.n.Load(), c.first)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench-scale: %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// percentile of sorted-in-place values (nearest rank).
func percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return 0
	}
	sort.Float64s(values)
	i := int(p*float64(len(values))+0.999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(values) {
		i = len(values) - 1
	}
	return values[i]
}
