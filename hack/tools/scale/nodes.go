package main

import (
	"context"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
)

// kernel is a kernel release a share of the fleet runs; headers false means the agent's build fails
// there with the agent's own reason (HeadersMissing), as on a node image shipped without headers.
type kernel struct {
	release string
	osImage string
	headers bool
}

// The fleet's kernels: mostly two Debian releases and an Ubuntu cloud kernel, and a small share of an
// image without headers. failShare of the nodes get the last one.
var kernels = []kernel{
	{"6.1.0-28-amd64", "Debian GNU/Linux 12 (bookworm)", true},
	{"6.12.117+deb12-amd64", "Debian GNU/Linux 12 (bookworm)", true},
	{"6.8.0-1015-aws", "Ubuntu 24.04.1 LTS", true},
	{"6.1.0-13-cloud-amd64", "Debian GNU/Linux 12 (bookworm)", false},
}

var zones = []string{"zone-a", "zone-b", "zone-c"}
var instanceTypes = []string{"m5.large", "m5.xlarge", "c5.2xlarge"}

// simNode is one simulated node: its name, kernel and loopback address (never dialled: nothing
// serves there, and the API server is never asked for logs or exec).
type simNode struct {
	name    string
	index   int
	kernel  kernel
	address string
	tainted bool
}

func fleet(n int, failShare, taintShare float64) []simNode {
	nodes := make([]simNode, n)
	failing := int(float64(n)*failShare + 0.5)
	tainted := int(float64(n)*taintShare + 0.5)
	for i := range nodes {
		k := kernels[i%3]
		// Failing and tainted nodes are spread through the fleet, not bunched at its end.
		if failing > 0 && i%(n/failing) == n/failing-1 && i/(n/failing) < failing {
			k = kernels[3]
		}
		taint := tainted > 0 && i%(n/tainted) == n/tainted/2 && i/(n/tainted) < tainted
		nodes[i] = simNode{
			name:    fmt.Sprintf("sim-%05d", i),
			index:   i,
			kernel:  k,
			address: fmt.Sprintf("127.%d.%d.%d", 100+i/65536, (i/256)%256, i%256),
			tainted: taint && k.headers,
		}
	}
	return nodes
}

func (s simNode) object() *corev1.Node {
	labels := map[string]string{
		"kubernetes.io/hostname":           s.name,
		"kubernetes.io/os":                 "linux",
		"kubernetes.io/arch":               "amd64",
		"beta.kubernetes.io/os":            "linux",
		"beta.kubernetes.io/arch":          "amd64",
		"node.kubernetes.io/instance-type": instanceTypes[s.index%len(instanceTypes)],
		"topology.kubernetes.io/region":    "region-1",
		"topology.kubernetes.io/zone":      zones[s.index%len(zones)],
		"simulated.procmodule.io/pool":     fmt.Sprintf("pool-%d", s.index%4),
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        s.name,
			Labels:      labels,
			Annotations: map[string]string{"node.alpha.kubernetes.io/ttl": "0", "simulated.procmodule.io/by": "procmodule-scale"},
		},
	}
	if s.tainted {
		// A dedicated pool the agent does not tolerate: the operator must leave these nodes out.
		node.Spec.Taints = []corev1.Taint{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
	}
	return node
}

func (s simNode) status(now metav1.Time, bootID string) corev1.NodeStatus {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("4"),
		corev1.ResourceMemory:           resource.MustParse("16Gi"),
		corev1.ResourcePods:             resource.MustParse("110"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	condition := func(t corev1.NodeConditionType, st corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: st, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return corev1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity,
		Phase:       corev1.NodeRunning,
		Conditions: []corev1.NodeCondition{
			condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
			condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
			condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
			condition(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
		},
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: s.address},
			{Type: corev1.NodeHostName, Address: s.name},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID:               fmt.Sprintf("%032x", s.index+1),
			SystemUUID:              fmt.Sprintf("%08x-0000-4000-8000-%012x", s.index, s.index),
			BootID:                  bootID,
			KernelVersion:           s.kernel.release,
			OSImage:                 s.kernel.osImage,
			ContainerRuntimeVersion: "containerd://1.6.20",
			KubeletVersion:          "v1.35.4",
			KubeProxyVersion:        "",
			OperatingSystem:         "linux",
			Architecture:            "amd64",
		},
	}
}

// nodeAgents runs what each simulated kubelet does for its Node: register it, renew its Lease every
// quarter of leaseLength (the kubelet: 10 s of a 40 s lease) and post its status every
// statusReport (nodeStatusReportFrequency, 5 min by default) with fresh heartbeat times. Each node's
// phase is spread over the interval, as real kubelets start at different times.
type nodeAgents struct {
	client       kubernetes.Interface
	nodes        []simNode
	leaseLength  time.Duration
	statusReport time.Duration
	mu           sync.Mutex
	bootIDs      map[string]string
	renewals     atomic.Int64
	errors       counter
}

func (a *nodeAgents) register(ctx context.Context, workers int) error {
	a.bootIDs = map[string]string{}
	jobs := make(chan simNode)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				if err := a.registerOne(ctx, s); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
	for _, s := range a.nodes {
		select {
		case jobs <- s:
		case err = <-errs:
		}
		if err != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

func (a *nodeAgents) registerOne(ctx context.Context, s simNode) error {
	bootID := string(uuid.NewUUID())
	a.mu.Lock()
	a.bootIDs[s.name] = bootID
	a.mu.Unlock()
	core := a.client.CoreV1().RESTClient()
	created := &corev1.Node{}
	err := asNode(core.Post().Resource("nodes").Body(s.object()), s.name).Do(ctx).Into(created)
	if apierrors.IsAlreadyExists(err) {
		err = asNode(core.Get().Resource("nodes").Name(s.name), s.name).Do(ctx).Into(created)
	}
	if err != nil {
		return fmt.Errorf("registering node %s: %w", s.name, err)
	}
	// A patch, not an update: the controller-manager already edits the new node (TTL annotation, taints).
	status := map[string]any{"status": s.status(metav1.Now(), bootID)}
	if err := asNode(core.Patch(types.MergePatchType).Resource("nodes").Name(s.name).SubResource("status").Body(mustJSON(status)), s.name).Do(ctx).Error(); err != nil {
		return fmt.Errorf("node %s status: %w", s.name, err)
	}
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{
			Name:      s.name,
			Namespace: corev1.NamespaceNodeLease,
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "v1", Kind: "Node", Name: s.name, UID: created.UID,
			}},
		},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To(s.name),
			LeaseDurationSeconds: ptr.To(int32(a.leaseLength.Seconds())),
			RenewTime:            &metav1.MicroTime{Time: time.Now()},
		},
	}
	create := a.client.CoordinationV1().RESTClient().Post().Namespace(corev1.NamespaceNodeLease).Resource("leases").Body(lease)
	if err := asNode(create, s.name).Do(ctx).Error(); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("lease of %s: %w", s.name, err)
	}
	return nil
}

// run renews leases and reports node status until ctx ends. One ticker per interval walks the fleet in
// slices, so the writes are spread evenly instead of arriving in bursts.
func (a *nodeAgents) run(ctx context.Context) {
	go a.spread(ctx, a.leaseLength/4, a.renewLease)
	go a.spread(ctx, a.statusReport, a.reportStatus)
}

func (a *nodeAgents) spread(ctx context.Context, period time.Duration, do func(context.Context, simNode)) {
	const slices = 100
	tick := time.NewTicker(period / slices)
	defer tick.Stop()
	order := rand.New(rand.NewSource(int64(period))).Perm(len(a.nodes))
	for slice := 0; ; slice = (slice + 1) % slices {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for i := slice; i < len(order); i += slices {
			go do(ctx, a.nodes[order[i]])
		}
	}
}

func (a *nodeAgents) renewLease(ctx context.Context, s simNode) {
	patch := fmt.Sprintf(`{"spec":{"renewTime":%q}}`, metav1.NowMicro().Format(metav1.RFC3339Micro))
	err := asNode(a.client.CoordinationV1().RESTClient().Patch(types.MergePatchType).Namespace(corev1.NamespaceNodeLease).
		Resource("leases").Name(s.name).Body([]byte(patch)), s.name).Do(ctx).Error()
	a.renewals.Add(1)
	a.errors.add(ctx, err)
}

// reportStatus posts the same conditions with new heartbeat times: a change the operator must not
// reconcile for.
func (a *nodeAgents) reportStatus(ctx context.Context, s simNode) {
	a.mu.Lock()
	bootID := a.bootIDs[s.name]
	a.mu.Unlock()
	now := metav1.Now()
	st := s.status(now, bootID)
	conditions := make([]map[string]any, 0, len(st.Conditions))
	for _, c := range st.Conditions {
		conditions = append(conditions, map[string]any{"type": c.Type, "lastHeartbeatTime": now.UTC().Format(time.RFC3339)})
	}
	body := map[string]any{"status": map[string]any{"conditions": conditions}}
	err := asNode(a.client.CoreV1().RESTClient().Patch(types.StrategicMergePatchType).Resource("nodes").Name(s.name).
		SubResource("status").Body(mustJSON(body)), s.name).Do(ctx).Error()
	a.errors.add(ctx, err)
}
