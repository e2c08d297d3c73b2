package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// auditEvent: the fields of an audit.k8s.io/v1 Event the benchmark reads.
type auditEvent struct {
	Stage     string `json:"stage"`
	Verb      string `json:"verb"`
	UserAgent string `json:"userAgent"`
	User      struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef *struct {
		Resource    string `json:"resource"`
		Subresource string `json:"subresource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code int `json:"code"`
	} `json:"responseStatus"`
	StageTimestamp metav1.MicroTime `json:"stageTimestamp"`
}

func (e auditEvent) resource() string {
	if e.ObjectRef == nil {
		return ""
	}
	if e.ObjectRef.Subresource != "" {
		return e.ObjectRef.Resource + "/" + e.ObjectRef.Subresource
	}
	return e.ObjectRef.Resource
}

func (e auditEvent) name() string {
	if e.ObjectRef == nil {
		return ""
	}
	return e.ObjectRef.Name
}

func (e auditEvent) write() bool {
	switch e.Verb {
	case "create", "update", "patch", "delete", "deletecollection":
		return true
	}
	return false
}

// who groups requesters: the operator (its ServiceAccount), the simulated kubelets, the control
// plane's own components, and the benchmark.
func (e auditEvent) who(namespace string) string {
	u := e.User.Username
	switch {
	case u == "system:serviceaccount:"+namespace+":procmodule-operator":
		return "operator"
	case strings.HasPrefix(e.UserAgent, "procmodule-scale-kubelet"):
		return "sim-kubelets"
	case strings.HasPrefix(e.UserAgent, "procmodule-scale-bench"):
		return "bench"
	case strings.HasPrefix(u, "system:serviceaccount:kube-system:"), u == "system:kube-controller-manager":
		return "controller-manager"
	case u == "system:kube-scheduler":
		return "scheduler"
	case strings.HasPrefix(u, "system:apiserver"):
		return "apiserver"
	}
	return "other"
}

// readAudit reads the audit log with the backups kube-apiserver rotated out of it (at 100 MB by
// default: a 1,000 x 20 rollout writes more), oldest first.
func readAudit(path, namespace string) ([]auditEvent, error) {
	ext := filepath.Ext(path)
	rotated, err := filepath.Glob(strings.TrimSuffix(path, ext) + "-*" + ext)
	if err != nil {
		return nil, err
	}
	sort.Strings(rotated) // the backups' names carry their rotation time
	var out []auditEvent
	for _, file := range append(rotated, path) {
		events, err := readAuditFile(file)
		if err != nil {
			return nil, err
		}
		out = append(out, events...)
	}
	return out, nil
}

func readAuditFile(path string) ([]auditEvent, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []auditEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e auditEvent
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Stage != "ResponseComplete" {
			continue
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

// eventRecord: an Event about a ProcModule as the API server keeps it.
type eventRecord struct {
	object, reason string
	count          int32
	created        time.Time
}

func eventsByResource(ctx context.Context, cfg *rest.Config) ([]eventRecord, error) {
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	list, err := client.CoreV1().Events("default").List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.kind=ProcModule"})
	if err != nil {
		return nil, err
	}
	var out []eventRecord
	for _, e := range list.Items {
		out = append(out, eventRecord{e.InvolvedObject.Name, e.Reason, e.Count, e.CreationTimestamp.Time})
	}
	return out, nil
}
