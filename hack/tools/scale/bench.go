package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

var procModules = schema.GroupVersionResource{Group: "procmodule.io", Version: "v1alpha1", Resource: "procmodules"}

// resourceSpec is ProcModule i of the benchmark: half select every node, the others one of the
// four pools, so desired sets differ between resources as on a real cluster.
func resourceSpec(i, total int) (name string, selector map[string]string) {
	name = fmt.Sprintf("scale-%02d", i)
	if total == 1 || i%2 == 0 {
		return name, map[string]string{}
	}
	return name, map[string]string{"simulated.procmodule.io/pool": fmt.Sprintf("pool-%d", i%4)}
}

func expectedNodes(fleet []simNode, selector map[string]string) (desired, failing int) {
	for _, s := range fleet {
		labels := s.object().Labels
		ok := !s.tainted
		for k, v := range selector {
			ok = ok && labels[k] == v
		}
		if ok {
			desired++
			if !s.kernel.headers {
				failing++
			}
		}
	}
	return desired, failing
}

func runBench(ctx context.Context, o options, operatorCmd []string) error {
	if len(operatorCmd) == 0 {
		return fmt.Errorf("bench needs the operator command after --")
	}
	agents, kubelets, fleet, err := startNodes(ctx, o)
	if err != nil {
		return err
	}
	_, _, benchCfg, err := clients(o)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(benchCfg)
	if err != nil {
		return err
	}

	op, err := startOperator(ctx, o, operatorCmd)
	if err != nil {
		return err
	}
	defer op.stop()
	// As long as the operator itself waits for its first lists (CACHE_SYNC_TIMEOUT, 10 min), and a minute.
	started := time.Now()
	if err := op.waitReady(ctx, 11*time.Minute); err != nil {
		return err
	}
	logf("operator ready (pid %d) after %.1fs", op.cmd.Process.Pid, time.Since(started).Seconds())

	type want struct{ desired, failing int }
	wants := map[string]want{}
	cpuBefore := op.cpuSeconds()
	metricsBefore := op.scrape()
	began := time.Now()
	for i := 0; i < o.resources; i++ {
		name, selector := resourceSpec(i, o.resources)
		d, f := expectedNodes(fleet, selector)
		wants[name] = want{d, f}
		pm := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "procmodule.io/v1alpha1",
			"kind":       "ProcModule",
			"metadata":   map[string]any{"name": name},
			"spec": map[string]any{
				"entryName":    strings.ReplaceAll(name, "-", "_"),
				"message":      "Hello from " + name,
				"nodeSelector": toAny(selector),
				"tolerations":  []any{},
				"rollout":      map[string]any{"maxUnavailable": 1},
			},
		}}
		if _, err := dyn.Resource(procModules).Create(ctx, pm, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating %s: %w", name, err)
		}
	}
	logf("created %d ProcModules; waiting for their final status", o.resources)

	// Final: every selected node verified or failed, as the fleet says it must end.
	deadline := time.Now().Add(o.timeout)
	for {
		list, err := dyn.Resource(procModules).List(ctx, metav1.ListOptions{})
		if err != nil {
			// A saturated API server times requests out (seen at 1,000 nodes x 20 resources on 2 cores);
			// the rollout goes on, so the poll does too until the deadline.
			if time.Now().After(deadline) || ctx.Err() != nil {
				return err
			}
			logf("listing ProcModules: %v (retrying)", err)
			time.Sleep(2 * time.Second)
			continue
		}
		done := 0
		for _, item := range list.Items {
			w := wants[item.GetName()]
			desired, _, _ := unstructured.NestedInt64(item.Object, "status", "desiredNodes")
			verified, _, _ := unstructured.NestedInt64(item.Object, "status", "verifiedNodes")
			failed, _, _ := unstructured.NestedInt64(item.Object, "status", "failedNodes")
			if int(desired) == w.desired && int(failed) == w.failing && int(verified) == w.desired-w.failing {
				done++
			}
		}
		if done == o.resources {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("only %d of %d ProcModules reached their final status after %s", done, o.resources, time.Since(began).Round(time.Second))
		}
		time.Sleep(500 * time.Millisecond)
	}
	settled := time.Now()
	logf("all final after %.1fs; settling 10 s", settled.Sub(began).Seconds())
	time.Sleep(10 * time.Second)
	rolloutEnd := time.Now()
	cpuRollout := op.cpuSeconds() - cpuBefore
	// A full collection now: its result in the GC log is the heap the operator really holds at the end
	// of the rollout (young collections leave garbage in the old generation).
	if out, err := exec.Command("jcmd", fmt.Sprint(op.cmd.Process.Pid), "GC.run").CombinedOutput(); err != nil {
		logf("jcmd GC.run: %v: %s", err, out)
	}
	metricsRollout := op.scrape()
	terminated := terminatedWatchers(ctx, kubelets.client)
	podWrites := kubelets.writes.Load()

	logf("steady state for %s", o.steady)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(o.steady):
	}
	steadyEnd := time.Now()
	cpuSteady := op.cpuSeconds() - cpuBefore - cpuRollout
	metricsSteady := op.scrape()

	events, err := eventsByResource(ctx, benchCfg)
	if err != nil {
		return err
	}
	audit, err := readAudit(o.auditLog, o.namespace)
	if err != nil {
		return err
	}
	gc, _ := readGCLog(o.gcLog)

	r := report{
		o: o, fleet: fleet, began: began, rolloutEnd: rolloutEnd, steadyEnd: steadyEnd,
		audit: audit, events: events, gc: gc,
		metricsRollout: metricsRollout.minus(metricsBefore), metricsSteady: metricsSteady.minus(metricsRollout),
		cpuRollout: cpuRollout, cpuSteady: cpuSteady,
		deliveries: kubelets.deliveries, terminatedWatchers: terminated,
		podWrites: podWrites, leaseRenewals: agents.renewals.Load(), nodeErrors: agents.errors.String(), podErrors: kubelets.errors.String(),
	}
	for name, w := range wants {
		r.wants = append(r.wants, resourceWant{name, w.desired, w.failing})
	}
	r.print(os.Stdout)
	return nil
}

func toAny(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// operatorProcess is the operator JVM the benchmark starts and measures.
type operatorProcess struct {
	cmd  *exec.Cmd
	port int
}

func startOperator(ctx context.Context, o options, command []string) (*operatorProcess, error) {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the operator: %w", err)
	}
	return &operatorProcess{cmd: cmd, port: o.metricsPort}, nil
}

func (p *operatorProcess) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

func (p *operatorProcess) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", p.port))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if p.cmd.ProcessState != nil {
			return fmt.Errorf("the operator exited")
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the operator was not ready within %s", limit)
}

// cpuSeconds: user + system time of the operator JVM so far, from /proc.
func (p *operatorProcess) cpuSeconds() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	var utime, stime float64
	fmt.Sscan(fields[11], &utime)
	fmt.Sscan(fields[12], &stime)
	return (utime + stime) / 100 // USER_HZ
}
