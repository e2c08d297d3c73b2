// Command procmodule-scale simulates thousands of nodes on a real control plane and measures the
// ProcModule operator against them (hack/bench-scale runs it; see the README's scale section).
//
//	procmodule-scale bench [flags] -- OPERATOR-COMMAND...   one measured rollout plus steady state
//	procmodule-scale nodes [flags]                           only the simulated nodes, until interrupted
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

type options struct {
	kubeconfig   string
	nodes        int
	resources    int
	failShare    float64
	taintShare   float64
	leaseLength  time.Duration
	statusReport time.Duration
	timing       timings
	steady       time.Duration
	timeout      time.Duration
	auditLog     string
	gcLog        string
	metricsPort  int
	namespace    string
	conditions   string
}

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "bench" && os.Args[1] != "nodes") {
		fmt.Fprintln(os.Stderr, "usage: procmodule-scale bench|nodes [flags] [-- OPERATOR-COMMAND...]")
		os.Exit(2)
	}
	var o options
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	fs.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "the cluster admin's kubeconfig")
	fs.IntVar(&o.nodes, "nodes", 1000, "simulated nodes")
	fs.IntVar(&o.resources, "resources", 1, "ProcModules")
	fs.Float64Var(&o.failShare, "fail-share", 0.02, "share of nodes whose kernel has no headers (the agent fails with HeadersMissing)")
	fs.Float64Var(&o.taintShare, "taint-share", 0.05, "share of nodes tainted dedicated=gpu:NoSchedule (no ProcModule tolerates it)")
	fs.DurationVar(&o.leaseLength, "lease-duration", 40*time.Second, "node lease duration, renewed every quarter of it (kubelet default 40 s)")
	fs.DurationVar(&o.statusReport, "status-report", 5*time.Minute, "node status report period (kubelet nodeStatusReportFrequency, default 5 min)")
	fs.DurationVar(&o.timing.sandbox, "t-sandbox", 1*time.Second, "pod bound -> containers start (mean)")
	fs.DurationVar(&o.timing.build, "t-build", 4*time.Second, "build init container (mean)")
	fs.DurationVar(&o.timing.load, "t-load", 1*time.Second, "load init container (mean)")
	fs.DurationVar(&o.timing.probe, "t-probe", 5*time.Second, "monitor start -> ready (mean; probe period 10 s)")
	fs.DurationVar(&o.steady, "steady", 10*time.Minute, "steady state observed after the rollout")
	fs.DurationVar(&o.timeout, "timeout", 40*time.Minute, "give up on a rollout after this long")
	fs.StringVar(&o.auditLog, "audit-log", "", "the API server's audit log (Metadata level)")
	fs.StringVar(&o.gcLog, "gc-log", "", "the operator JVM's -Xlog:gc file")
	fs.IntVar(&o.metricsPort, "metrics-port", 18080, "the operator's HTTP_PORT")
	fs.StringVar(&o.namespace, "namespace", "procmodule-system", "the operator's namespace")
	fs.StringVar(&o.conditions, "conditions", "", "what else ran on the machine, printed with the figures")
	_ = fs.Parse(os.Args[2:])

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if os.Args[1] == "nodes" {
		err = runNodes(ctx, o)
	} else {
		err = runBench(ctx, o, fs.Args())
	}
	if err != nil {
		logf("%v", err)
		os.Exit(1)
	}
}

func clients(o options) (kubernetes.Interface, kubernetes.Interface, *rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return nil, nil, nil, err
	}
	// Thousands of kubelets do not share one client-side rate limit.
	cfg.QPS = 5000
	cfg.Burst = 10000
	cfg.UserAgent = "procmodule-scale-kubelet"
	main, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	finalCfg := rest.CopyConfig(cfg)
	finalCfg.UserAgent = finalAgent
	final, err := kubernetes.NewForConfig(finalCfg)
	if err != nil {
		return nil, nil, nil, err
	}
	benchCfg := rest.CopyConfig(cfg)
	benchCfg.UserAgent = "procmodule-scale-bench"
	return main, final, benchCfg, nil
}

// startNodes registers the fleet and starts its kubelets.
func startNodes(ctx context.Context, o options) (*nodeAgents, *kubelets, []simNode, error) {
	client, final, _, err := clients(o)
	if err != nil {
		return nil, nil, nil, err
	}
	fleet := fleet(o.nodes, o.failShare, o.taintShare)
	agents := &nodeAgents{client: client, nodes: fleet, leaseLength: o.leaseLength, statusReport: o.statusReport}
	began := time.Now()
	if err := agents.register(ctx, 32); err != nil {
		return nil, nil, nil, err
	}
	logf("registered %d nodes in %.1fs", len(fleet), time.Since(began).Seconds())
	agents.run(ctx)
	byName := make(map[string]simNode, len(fleet))
	for _, s := range fleet {
		byName[s.name] = s
	}
	k := &kubelets{client: client, final: final, nodes: byName, timing: o.timing, deliveries: newDeliveries()}
	k.run(ctx)
	return agents, k, fleet, nil
}

func runNodes(ctx context.Context, o options) error {
	agents, k, _, err := startNodes(ctx, o)
	if err != nil {
		return err
	}
	<-ctx.Done()
	logf("stopped: %d pod status writes; node errors %s; pod errors %s", k.writes.Load(), agents.errors.String(), k.errors.String())
	return nil
}
