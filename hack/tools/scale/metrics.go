package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The operator's timers as its Prometheus endpoint shows them (percentile histograms on, see
// ProcModuleOperator): JOSDK's reconcile timer, which includes the reconcile's API calls, and the
// reconciler's own compute timers (observe, decide, aggregate; ProcModuleReconciler.COMPUTE_TIMER), in
// wall time and in the reconciling thread's CPU time.
const (
	reconcileTimer  = "operator_sdk_controllers_execution_reconcile_seconds"
	computeTimer    = "procmodule_reconcile_compute_seconds"
	computeCPUTimer = "procmodule_reconcile_compute_cpu_seconds"
)

// reconcileMetrics: one timer's count, sum and cumulative buckets (le -> count).
type reconcileMetrics struct {
	count, sum float64
	buckets    map[float64]float64
}

// operatorMetrics: the timers from one scrape.
type operatorMetrics struct {
	reconcile, compute, computeCPU reconcileMetrics
}

var leLabel = regexp.MustCompile(`le="([^"]+)"`)

func (p *operatorProcess) scrape() operatorMetrics {
	m := operatorMetrics{
		reconcile:  reconcileMetrics{buckets: map[float64]float64{}},
		compute:    reconcileMetrics{buckets: map[float64]float64{}},
		computeCPU: reconcileMetrics{buckets: map[float64]float64{}},
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", p.port))
	if err != nil {
		logf("scraping the operator: %v", err)
		return m
	}
	defer resp.Body.Close()
	parseMetrics(resp.Body, map[string]*reconcileMetrics{
		reconcileTimer: &m.reconcile, computeTimer: &m.compute, computeCPUTimer: &m.computeCPU,
	})
	return m
}

func (m operatorMetrics) minus(before operatorMetrics) operatorMetrics {
	return operatorMetrics{
		reconcile:  m.reconcile.minus(before.reconcile),
		compute:    m.compute.minus(before.compute),
		computeCPU: m.computeCPU.minus(before.computeCPU),
	}
}

// parseMetrics adds each named timer's samples (summed over label sets) to its metrics.
func parseMetrics(r io.Reader, timers map[string]*reconcileMetrics) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		name := line[:i]
		if j := strings.IndexByte(name, '{'); j >= 0 {
			name = name[:j]
		}
		for timer, m := range timers {
			if !strings.HasPrefix(name, timer) {
				continue
			}
			v, err := strconv.ParseFloat(line[i+1:], 64)
			if err != nil {
				continue
			}
			switch name {
			case timer + "_count":
				m.count += v
			case timer + "_sum":
				m.sum += v
			case timer + "_bucket":
				if le := leLabel.FindStringSubmatch(line); le != nil {
					b, err := strconv.ParseFloat(le[1], 64)
					if le[1] == "+Inf" {
						b, err = math.Inf(1), nil
					}
					if err == nil {
						m.buckets[b] += v
					}
				}
			}
		}
	}
}

func (m reconcileMetrics) minus(before reconcileMetrics) reconcileMetrics {
	d := reconcileMetrics{count: m.count - before.count, sum: m.sum - before.sum, buckets: map[float64]float64{}}
	for le, v := range m.buckets {
		d.buckets[le] = v - before.buckets[le]
	}
	return d
}

// quantile: the upper bound of the bucket holding the q-th reconcile (an upper estimate, as coarse as
// Micrometer's buckets, about 10% apart).
func (m reconcileMetrics) quantile(q float64) float64 {
	if m.count == 0 || len(m.buckets) == 0 {
		return math.NaN()
	}
	les := make([]float64, 0, len(m.buckets))
	for le := range m.buckets {
		les = append(les, le)
	}
	sort.Float64s(les)
	rank := q * m.count
	for _, le := range les {
		if m.buckets[le] >= rank {
			return le
		}
	}
	return math.Inf(1)
}

// gcFigures from the operator JVM's -Xlog:gc: the most heap in use before a collection (what the
// JVM needed to hold) and the most still live after one.
type gcFigures struct {
	peakBeforeMiB, peakAfterMiB float64
	liveAfterFullMiB            float64 // after the last full collection (the benchmark asks for one)
	collections                 int
}

var gcPause = regexp.MustCompile(`(\d+)([KMG])->(\d+)([KMG])\(\d+[KMG]\)`)

func readGCLog(path string) (gcFigures, error) {
	var g gcFigures
	if path == "" {
		return g, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return g, err
	}
	defer f.Close()
	mib := func(n, unit string) float64 {
		v, _ := strconv.ParseFloat(n, 64)
		switch unit {
		case "K":
			return v / 1024
		case "G":
			return v * 1024
		}
		return v
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := gcPause.FindStringSubmatch(sc.Text()); m != nil {
			g.collections++
			g.peakBeforeMiB = math.Max(g.peakBeforeMiB, mib(m[1], m[2]))
			g.peakAfterMiB = math.Max(g.peakAfterMiB, mib(m[3], m[4]))
			if strings.Contains(sc.Text(), "Pause Full") {
				g.liveAfterFullMiB = mib(m[3], m[4])
			}
		}
	}
	return g, sc.Err()
}
