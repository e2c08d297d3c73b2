package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

type resourceWant struct {
	name             string
	desired, failing int
}

type report struct {
	o                             options
	fleet                         []simNode
	wants                         []resourceWant
	began, rolloutEnd, steadyEnd  time.Time
	audit                         []auditEvent
	events                        []eventRecord
	gc                            gcFigures
	metricsRollout, metricsSteady operatorMetrics
	cpuRollout, cpuSteady         float64
	podWrites, leaseRenewals      int64
	nodeErrors, podErrors         string
	deliveries                    *deliveries
	terminatedWatchers            map[string]int
}

// perResource: what one ProcModule's rollout cost and how long it took, from the audit log.
type perResource struct {
	name                           string
	created, floor, final          time.Time
	first                          time.Time // the operator's first status write: how soon `kubectl get` shows the rollout
	watched                        time.Time // the last final write delivered to a watching client
	daemonSet                      time.Time // the DaemonSet controller's last status write of its DaemonSet
	undelivered                    int       // final writes the watching client never received
	statusWrites, statusConflicts  int
	statusPeak, events, eventsPeak int
}

func peakPerSecond(times []time.Time) int {
	perSecond := map[int64]int{}
	peak := 0
	for _, t := range times {
		perSecond[t.Unix()]++
		peak = max(peak, perSecond[t.Unix()])
	}
	return peak
}

func (r report) resources() []perResource {
	ns := r.o.namespace
	var out []perResource
	sort.Slice(r.wants, func(i, j int) bool { return r.wants[i].name < r.wants[j].name })
	for _, w := range r.wants {
		p := perResource{name: w.name}
		podPrefix := "procmodule-" + w.name + "-"
		var writes []time.Time
		for _, e := range r.audit {
			t := e.StageTimestamp.Time
			switch {
			case e.Verb == "create" && e.resource() == "procmodules" && e.who(ns) == "bench" && e.name() == w.name:
				p.created = t
			case e.resource() == "pods/status" && e.UserAgent == finalAgent && strings.HasPrefix(e.name(), podPrefix) && !t.After(r.rolloutEnd):
				if t.After(p.floor) {
					p.floor = t
				}
			case e.resource() == "daemonsets/status" && e.who(ns) == "controller-manager" && e.name() == "procmodule-"+w.name && e.write() && !t.After(r.rolloutEnd):
				if t.After(p.daemonSet) {
					p.daemonSet = t
				}
			case e.resource() == "procmodules/status" && e.who(ns) == "operator" && e.write() && e.name() == w.name && !t.After(r.rolloutEnd):
				if e.ResponseStatus != nil && e.ResponseStatus.Code == 409 {
					p.statusConflicts++
					continue
				}
				p.statusWrites++
				writes = append(writes, t)
				if p.first.IsZero() || t.Before(p.first) {
					p.first = t
				}
				if t.After(p.final) {
					p.final = t
				}
			}
		}
		p.statusPeak = peakPerSecond(writes)
		p.watched, p.undelivered = r.deliveries.last(podPrefix)
		var evs []time.Time
		for _, e := range r.events {
			if e.object == w.name && !e.created.After(r.rolloutEnd) {
				p.events += int(max(e.count, 1))
				evs = append(evs, e.created)
			}
		}
		p.eventsPeak = peakPerSecond(evs)
		out = append(out, p)
	}
	return out
}

func countsOrNone(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	return fmt.Sprint(m)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func ms(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	if math.IsInf(v, 1) {
		return ">max"
	}
	if v < 0.01 {
		return fmt.Sprintf("%.2f", v*1000)
	}
	return fmt.Sprintf("%.1f", v*1000)
}

func (r report) print(w io.Writer) {
	res := r.resources()
	fmt.Fprintf(w, "\n== %d nodes x %d ProcModules (failing share %.0f%%, tainted share %.0f%%, lease %s renewed every %s, node status every %s)\n",
		r.o.nodes, r.o.resources, r.o.failShare*100, r.o.taintShare*100, r.o.leaseLength, r.o.leaseLength/4, r.o.statusReport)
	if r.o.conditions != "" {
		fmt.Fprintf(w, "   conditions: %s\n", r.o.conditions)
	}
	fmt.Fprintf(w, "%-10s %7s %8s %9s %9s %9s %9s %7s %7s %8s %8s %7s %6s %6s\n",
		"resource", "desired", "first(s)", "floor(s)", "watched(s)", "ds(s)", "final(s)", "diff(s)", "vs.ds(s)", "st.writes", "st.peak/s", "409s", "events", "ev.pk/s")
	var worstFirst, worstDiff, worstVsDS, worstFinal, worstFloor time.Duration
	undelivered := 0
	var sumWrites, maxPeak, sumEvents, maxEvPeak int
	for i, p := range res {
		floor, final := p.floor.Sub(p.created), p.final.Sub(p.created)
		worstDiff = max(worstDiff, final-floor)
		worstFirst = max(worstFirst, p.first.Sub(p.created))
		watched := p.watched.Sub(p.created)
		worstVsDS = max(worstVsDS, p.final.Sub(p.daemonSet))
		undelivered += p.undelivered
		worstFinal = max(worstFinal, final)
		worstFloor = max(worstFloor, floor)
		sumWrites += p.statusWrites
		sumEvents += p.events
		maxPeak = max(maxPeak, p.statusPeak)
		maxEvPeak = max(maxEvPeak, p.eventsPeak)
		fmt.Fprintf(w, "%-10s %7d %8s %9s %9s %9s %9s %7s %7s %8d %8d %7d %6d %6d\n", p.name, r.wants[i].desired,
			secs(p.first.Sub(p.created)), secs(floor), secs(watched), secs(p.daemonSet.Sub(p.created)), secs(final), secs(final-floor), secs(p.final.Sub(p.daemonSet)), p.statusWrites, p.statusPeak, p.statusConflicts, p.events, p.eventsPeak)
	}
	n := max(len(res), 1)
	lags := r.deliveries.lags()
	rec, comp, compCPU := r.metricsRollout.reconcile, r.metricsRollout.compute, r.metricsRollout.computeCPU
	fmt.Fprintf(w, "SUMMARY nodes=%d resources=%d first_status=%ss floor=%ss final=%ss worst_diff=%ss worst_final_minus_ds=%ss watch_lag_p50_ms=%s watch_lag_p99_ms=%s watch_lag_max_ms=%s status_writes_per_resource=%.1f status_peak_per_s=%d events_per_resource=%.1f events_peak_per_s=%d reconciles=%.0f p50_ms=%s p99_ms=%s mean_ms=%s compute_p50_ms=%s compute_p99_ms=%s compute_cpu_p50_ms=%s compute_cpu_p99_ms=%s cpu_s=%.1f heap_peak_mib=%.0f heap_live_peak_mib=%.0f heap_live_full_gc_mib=%.0f steady_writes=%d steady_reconciles=%.0f\n",
		r.o.nodes, r.o.resources, secs(worstFirst), secs(worstFloor), secs(worstFinal), secs(worstDiff), secs(worstVsDS),
		ms(percentile(lags, 0.5)), ms(percentile(lags, 0.99)), ms(percentile(lags, 1)),
		float64(sumWrites)/float64(n), maxPeak, float64(sumEvents)/float64(n), maxEvPeak,
		rec.count, ms(rec.quantile(0.5)), ms(rec.quantile(0.99)), ms(rec.sum/math.Max(rec.count, 1)),
		ms(comp.quantile(0.5)), ms(comp.quantile(0.99)), ms(compCPU.quantile(0.5)), ms(compCPU.quantile(0.99)),
		r.cpuRollout, r.gc.peakBeforeMiB, r.gc.peakAfterMiB, r.gc.liveAfterFullMiB, r.steadyWrites(), r.metricsSteady.reconcile.count)

	fmt.Fprintf(w, "operator: %.1f CPU s during the rollout (%.0f s wall), %.1f CPU s in %s of steady state; heap peak %.0f MiB in use, at most %.0f MiB after a collection, %.0f MiB live after a full collection at the end of the rollout (%d collections)\n",
		r.cpuRollout, r.rolloutEnd.Sub(r.began).Seconds(), r.cpuSteady, r.o.steady, r.gc.peakBeforeMiB, r.gc.peakAfterMiB, r.gc.liveAfterFullMiB, r.gc.collections)
	fmt.Fprintf(w, "reconciles: rollout %.0f (p50 %s ms, p99 %s ms, mean %s ms, API calls included); their own work (observe, decide, aggregate) p50 %s ms, p99 %s ms, mean %s ms, of it CPU time of the reconciling thread p50 %s ms, p99 %s ms; steady state %.0f\n",
		rec.count, ms(rec.quantile(0.5)), ms(rec.quantile(0.99)), ms(rec.sum/math.Max(rec.count, 1)),
		ms(comp.quantile(0.5)), ms(comp.quantile(0.99)), ms(comp.sum/math.Max(comp.count, 1)),
		ms(compCPU.quantile(0.5)), ms(compCPU.quantile(0.99)), r.metricsSteady.reconcile.count)
	fmt.Fprintf(w, "simulated kubelets: %d pod status writes, %d lease renewals (not in the audit log); failed node writes %s; failed pod writes %s\n",
		r.podWrites, r.leaseRenewals, r.nodeErrors, r.podErrors)

	fmt.Fprintf(w, "watch delivery: floor is when the API server recorded a resource's last final pod write, watched when a client-go informer of pods (the simulated kubelets', itself busy) received it, ds(s) when the DaemonSet controller (Kubernetes' own watcher of the same pods) last wrote its DaemonSet's status, vs.ds(s) = final - ds; final writes delivered after p50 %s ms, p99 %s ms, max %s ms (%d of %d; %d never); watchers the API server closed as too slow, by resource: %v\n",
		ms(percentile(lags, 0.5)), ms(percentile(lags, 0.99)), ms(percentile(lags, 1)), len(lags), len(lags)+undelivered, undelivered, countsOrNone(r.terminatedWatchers))
	fmt.Fprintf(w, "API requests during the rollout, by requester and verb:\n")
	r.printRequests(w, r.began, r.rolloutEnd, false)
	fmt.Fprintf(w, "operator requests during the rollout, by verb and resource:\n")
	r.printRequests(w, r.began, r.rolloutEnd, true)
	fmt.Fprintf(w, "operator requests in steady state (%s), by verb and resource:\n", r.o.steady)
	r.printOperator(w, r.rolloutEnd, r.steadyEnd)
}

func (r report) steadyWrites() int {
	n := 0
	for _, e := range r.audit {
		t := e.StageTimestamp.Time
		if t.After(r.rolloutEnd) && !t.After(r.steadyEnd) && e.who(r.o.namespace) == "operator" && e.write() && e.resource() != "leases" {
			n++
		}
	}
	return n
}

func (r report) printRequests(w io.Writer, from, to time.Time, operatorOnly bool) {
	counts := map[string]int{}
	for _, e := range r.audit {
		t := e.StageTimestamp.Time
		if t.Before(from) || t.After(to) {
			continue
		}
		who := e.who(r.o.namespace)
		if operatorOnly {
			if who != "operator" {
				continue
			}
			counts[e.Verb+" "+e.resource()]++
		} else {
			counts[who+" "+e.Verb]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		fmt.Fprintf(w, "  (none)\n")
	}
	for _, k := range keys {
		fmt.Fprintf(w, "  %-45s %8d\n", k, counts[k])
	}
}

func (r report) printOperator(w io.Writer, from, to time.Time) {
	r.printRequests(w, from, to, true)
}
