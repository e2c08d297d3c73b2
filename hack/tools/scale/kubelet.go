package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

// Timings of the simulated agent, compressed from minutes (a real build) to seconds so that a
// rollout's pace is set by the control plane and the operator rather than by waiting.
type timings struct {
	sandbox time.Duration // bound -> containers created (image present)
	build   time.Duration // build init container running
	load    time.Duration // load init container running
	probe   time.Duration // monitor running -> first readiness probe passes (period 10 s, so up to 10 s)
}

// kubelets plays the kubelet of every simulated node for the pods bound to it: agent pods go through
// build (init) -> load (init) -> monitor running -> ready, writing each step as a real kubelet
// would, with the agent's termination messages; on nodes whose kernel has no headers the build fails
// with the agent's HeadersMissing reason and restarts with the kubelet's crash-loop back-off
// (10 s doubling to 5 min). Unload pods run once and succeed. Other pods just run.
//
// The write that puts an agent pod in its final state (ready, or its first failure) is sent with the
// user agent finalAgent, so the benchmark finds in the audit log when the API server recorded the last
// such write: the floor no operator can beat.
type kubelets struct {
	client, final kubernetes.Interface
	nodes         map[string]simNode
	timing        timings
	started       sync.Map // pod UID -> struct{}
	deliveries    *deliveries
	writes        atomic.Int64
	errors        counter
}

const finalAgent = "procmodule-scale-kubelet/final"

func (k *kubelets) run(ctx context.Context) cache.SharedIndexInformer {
	factory := informers.NewSharedInformerFactoryWithOptions(k.client, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.FieldSelector = fields.OneTermNotEqualSelector("spec.nodeName", "").String()
		}))
	inf := factory.Core().V1().Pods().Informer()
	handle := func(obj any) {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			return
		}
		if _, ours := k.nodes[pod.Spec.NodeName]; !ours {
			return
		}
		k.deliveries.saw(pod.Name, pod.ResourceVersion, time.Now())
		if pod.DeletionTimestamp != nil {
			// Containers stopped: the kubelet confirms the deletion.
			go k.confirmDeletion(ctx, pod)
			return
		}
		if _, seen := k.started.LoadOrStore(pod.UID, struct{}{}); !seen {
			go k.live(ctx, pod.DeepCopy())
		}
	}
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    handle,
		UpdateFunc: func(_, obj any) { handle(obj) },
	})
	go inf.Run(ctx.Done())
	return inf
}

func (k *kubelets) confirmDeletion(ctx context.Context, pod *corev1.Pod) {
	opts := &metav1.DeleteOptions{GracePeriodSeconds: ptr.To(int64(0)), Preconditions: &metav1.Preconditions{UID: &pod.UID}}
	err := asNode(k.client.CoreV1().RESTClient().Delete().Namespace(pod.Namespace).Resource("pods").Name(pod.Name).Body(opts),
		pod.Spec.NodeName).Do(ctx).Error()
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		err = nil
	}
	k.errors.add(ctx, err)
}

// jitter spreads d over [d/2, 3d/2) by the pod's name, deterministic per pod.
func jitter(d time.Duration, name string) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(name))
	return d/2 + time.Duration(uint64(h.Sum32())%1000)*d/1000
}

func (k *kubelets) live(ctx context.Context, pod *corev1.Pod) {
	node := k.nodes[pod.Spec.NodeName]
	sim := newPodSim(pod, node)
	step := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(jitter(d, pod.Name)):
			return true
		}
	}
	if !step(k.timing.sandbox) {
		return
	}
	switch {
	case sim.isAgent():
		k.agent(ctx, sim, step)
	case pod.Spec.RestartPolicy == corev1.RestartPolicyNever:
		sim.runOnce()
		k.write(ctx, sim, false)
		if !step(k.timing.load) {
			return
		}
		sim.succeed("Unloaded\nmodule unloaded (simulated node)")
		k.write(ctx, sim, true)
	default:
		sim.runMain(true)
		k.write(ctx, sim, true)
	}
}

func (k *kubelets) agent(ctx context.Context, sim *podSim, step func(time.Duration) bool) {
	sim.initRunning("build")
	k.write(ctx, sim, false)
	if !step(k.timing.build) {
		return
	}
	if !sim.node.kernel.headers {
		backoff := 10 * time.Second
		for restarts := int32(0); ; restarts++ {
			sim.initFailed("build", restarts, "HeadersMissing\nno kernel headers for "+sim.node.kernel.release+
				" under /usr/src or /lib/modules/"+sim.node.kernel.release+"/build; install linux-headers-"+sim.node.kernel.release+" on the node")
			k.write(ctx, sim, restarts == 0)
			if !step(backoff) {
				return
			}
			backoff = min(2*backoff, 5*time.Minute)
			sim.initRestarted("build", restarts+1)
			k.write(ctx, sim, false)
			if !step(k.timing.build) {
				return
			}
		}
	}
	sim.initDone("build", "Built\nhello_proc built for "+sim.node.kernel.release)
	sim.initRunning("load")
	k.write(ctx, sim, false)
	if !step(k.timing.load) {
		return
	}
	sim.initDone("load", "Loaded\nmodule loaded on "+sim.node.kernel.release+"; /proc entry verified")
	sim.runMain(false)
	k.write(ctx, sim, false)
	if !step(k.timing.probe) {
		return
	}
	sim.runMain(true)
	k.write(ctx, sim, true)
}

// write sends the whole status as a merge patch, as the kubelet's status manager sends its patch: the
// kubelet is the only writer of these fields, so no read-modify-write is needed.
func (k *kubelets) write(ctx context.Context, sim *podSim, final bool) {
	client := k.client
	if final {
		client = k.final
	}
	body := map[string]any{"status": sim.status}
	result := asNode(client.CoreV1().RESTClient().Patch(types.MergePatchType).Namespace(sim.namespace).Resource("pods").
		Name(sim.name).SubResource("status").Body(mustJSON(body)), sim.node.name).Do(ctx)
	err := result.Error()
	if err == nil && final {
		var written corev1.Pod
		if err = result.Into(&written); err == nil {
			k.deliveries.wrote(sim.name, written.ResourceVersion, time.Now())
		}
	}
	if apierrors.IsNotFound(err) {
		err = nil
	}
	k.writes.Add(1)
	k.errors.add(ctx, err)
}

// podSim is one pod's status as its kubelet keeps it.
type podSim struct {
	namespace, name string
	node            simNode
	initNames       []string
	mainNames       []string
	images          map[string]string
	started         metav1.Time
	status          corev1.PodStatus
}

func newPodSim(pod *corev1.Pod, node simNode) *podSim {
	s := &podSim{namespace: pod.Namespace, name: pod.Name, node: node, images: map[string]string{}, started: metav1.Now()}
	for _, c := range pod.Spec.InitContainers {
		s.initNames = append(s.initNames, c.Name)
		s.images[c.Name] = c.Image
	}
	for _, c := range pod.Spec.Containers {
		s.mainNames = append(s.mainNames, c.Name)
		s.images[c.Name] = c.Image
	}
	s.status = corev1.PodStatus{
		Phase:     corev1.PodPending,
		HostIP:    node.address,
		HostIPs:   []corev1.HostIP{{IP: node.address}},
		StartTime: &s.started,
		QOSClass:  corev1.PodQOSBurstable,
	}
	for _, n := range s.initNames {
		s.status.InitContainerStatuses = append(s.status.InitContainerStatuses, s.container(n, waiting("PodInitializing")))
	}
	for _, n := range s.mainNames {
		s.status.ContainerStatuses = append(s.status.ContainerStatuses, s.container(n, waiting("PodInitializing")))
	}
	s.conditions(false, false)
	return s
}

func (s *podSim) isAgent() bool {
	return len(s.initNames) == 2 && s.initNames[0] == "build" && s.initNames[1] == "load"
}

func waiting(reason string) corev1.ContainerState {
	return corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}
}

func (s *podSim) container(name string, state corev1.ContainerState) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:    name,
		Image:   s.images[name],
		ImageID: "sha256:" + strings.Repeat("0", 64),
		State:   state,
		Started: ptr.To(false),
	}
}

func (s *podSim) find(name string) *corev1.ContainerStatus {
	for i := range s.status.InitContainerStatuses {
		if s.status.InitContainerStatuses[i].Name == name {
			return &s.status.InitContainerStatuses[i]
		}
	}
	for i := range s.status.ContainerStatuses {
		if s.status.ContainerStatuses[i].Name == name {
			return &s.status.ContainerStatuses[i]
		}
	}
	panic(errors.New("no container " + name))
}

func (s *podSim) containerID(name string, restarts int32) string {
	return fmt.Sprintf("containerd://%s-%s-%d", s.name, name, restarts)
}

func (s *podSim) initRunning(name string) {
	c := s.find(name)
	c.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}}
	c.ContainerID = s.containerID(name, c.RestartCount)
	c.Started = ptr.To(true)
}

func (s *podSim) initDone(name, message string) {
	c := s.find(name)
	started := c.State.Running.StartedAt
	c.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: 0, Reason: "Completed", Message: message, StartedAt: started, FinishedAt: metav1.Now(), ContainerID: c.ContainerID,
	}}
	c.Ready = true
	c.Started = ptr.To(false)
}

// initFailed: the container exited 1 with the agent's message and waits in crash-loop back-off.
func (s *podSim) initFailed(name string, restarts int32, message string) {
	c := s.find(name)
	started := metav1.Now()
	if c.State.Running != nil {
		started = c.State.Running.StartedAt
	}
	c.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: 1, Reason: "Error", Message: message, StartedAt: started, FinishedAt: metav1.Now(), ContainerID: c.ContainerID,
	}}
	c.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
		Reason:  "CrashLoopBackOff",
		Message: fmt.Sprintf("back-off restarting failed container %s in pod %s_%s", name, s.name, s.namespace),
	}}
	c.RestartCount = restarts
	c.Started = ptr.To(false)
}

func (s *podSim) initRestarted(name string, restarts int32) {
	c := s.find(name)
	c.RestartCount = restarts
	c.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}}
	c.ContainerID = s.containerID(name, restarts)
	c.Started = ptr.To(true)
}

func (s *podSim) runMain(ready bool) {
	for i := range s.status.ContainerStatuses {
		c := &s.status.ContainerStatuses[i]
		if c.State.Running == nil {
			c.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}}
			c.ContainerID = s.containerID(c.Name, 0)
		}
		c.Started = ptr.To(true)
		c.Ready = ready
	}
	s.status.Phase = corev1.PodRunning
	s.status.PodIP = s.node.address
	s.status.PodIPs = []corev1.PodIP{{IP: s.node.address}}
	s.conditions(true, ready)
}

func (s *podSim) runOnce() {
	s.runMain(false)
}

func (s *podSim) succeed(message string) {
	for i := range s.status.ContainerStatuses {
		c := &s.status.ContainerStatuses[i]
		started := metav1.Now()
		if c.State.Running != nil {
			started = c.State.Running.StartedAt
		}
		c.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: 0, Reason: "Completed", Message: message, StartedAt: started, FinishedAt: metav1.Now(), ContainerID: c.ContainerID,
		}}
		c.Ready = false
		c.Started = ptr.To(false)
	}
	s.status.Phase = corev1.PodSucceeded
	s.conditions(true, false)
}

func (s *podSim) conditions(initialized, ready bool) {
	now := metav1.Now()
	status := func(b bool) corev1.ConditionStatus {
		if b {
			return corev1.ConditionTrue
		}
		return corev1.ConditionFalse
	}
	keep := func(t corev1.PodConditionType, st corev1.ConditionStatus) corev1.PodCondition {
		for _, c := range s.status.Conditions {
			if c.Type == t && c.Status == st {
				return c
			}
		}
		return corev1.PodCondition{Type: t, Status: st, LastTransitionTime: now}
	}
	s.status.Conditions = []corev1.PodCondition{
		keep(corev1.PodReadyToStartContainers, corev1.ConditionTrue),
		keep(corev1.PodInitialized, status(initialized)),
		keep(corev1.PodReady, status(ready)),
		keep(corev1.ContainersReady, status(ready)),
		keep(corev1.PodScheduled, corev1.ConditionTrue),
	}
}
