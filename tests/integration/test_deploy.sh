#!/bin/bash
# deploy/: every manifest lints (yamllint) and parses; the DaemonSet mounts
# every host path the ConfigMap's config makes dpnoded use (from `dpnodectl
# config paths`), the socket root and kubelet's pod dirs with Bidirectional
# propagation, the CNI and device-info dirs; probes, metrics port and the
# NADs agree with the config; the systemd unit is complete.
. "$(dirname "$0")/lib.sh"

D=$ROOT/deploy
T=$(mktemp -d /tmp/dpnit.XXXXXX)
trap 'rm -rf "$T"' EXIT

if yamllint -c "$D/.yamllint" "$D" >"$T/lint.txt" 2>&1; then
	ok "yamllint: every manifest in deploy/"
else
	notok "yamllint"
	sed 's/^/# /' "$T/lint.txt"
fi
/usr/bin/python3 -c "import yaml,sys; print(yaml.safe_load(open(sys.argv[1]))['data']['dpnode.json'])" \
	"$D/dpnode-configmap.yaml" >"$T/dpnode.json"
check "the ConfigMap's dpnode.json is a valid config" bash -c "$CTL config paths $T/dpnode.json >/dev/null"
"$CTL" config paths "$T/dpnode.json" >"$T/paths.json"

/usr/bin/python3 - "$D" "$T/paths.json" "$T/dpnode.json" "$ROOT/$BUILD/cni/dpnode-cni" <<'EOF'
import glob, json, os, subprocess, sys
import yaml

d, paths, conf, cni = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4]
fails = 0


def check(desc, cond, detail=""):
    global fails
    print(("ok - " if cond else "not ok - ") + desc + ("" if cond or not detail else f" ({detail})"))
    fails += not cond


docs = {}
for f in sorted(glob.glob(os.path.join(d, "*.yaml")) + glob.glob(os.path.join(d, "nad", "*.yaml"))):
    for doc in yaml.safe_load_all(open(f)):
        ok = isinstance(doc, dict) and all(k in doc for k in ("apiVersion", "kind", "metadata"))
        check(f"{os.path.relpath(f, d)}: a Kubernetes object", ok)
        if ok:
            docs.setdefault(doc["kind"], []).append(doc)
check("manifests: DaemonSet, ConfigMap, PodMonitor, five NADs",
      [len(docs.get(k, [])) for k in ("DaemonSet", "ConfigMap", "PodMonitor", "NetworkAttachmentDefinition")] == [1, 1, 1, 5])

ds = docs["DaemonSet"][0]["spec"]["template"]
spec = ds["spec"]
c = spec["containers"][0]
check("DaemonSet: on userspace-datapath nodes",
      spec.get("nodeSelector") == {"ovn.kubernetes.io/ovs_dp_type": "userspace"})
check("DaemonSet: privileged, hostNetwork",
      c.get("securityContext", {}).get("privileged") is True and spec.get("hostNetwork") is True)
vols = {v["name"]: v for v in spec["volumes"]}
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}


def host_mount(path):
    """The container mount holding path whose host path is the same path."""
    best = None
    for mp, m in mounts.items():
        hp = vols.get(m["name"], {}).get("hostPath", {}).get("path")
        if hp == mp and (path == mp or path.startswith(mp.rstrip("/") + "/")):
            if best is None or len(mp) > len(best["mountPath"]):
                best = m
    return best


for key in ("api_socket", "ovs_run_dir", "ovs_db_socket", "ovs_db_file", "ovs_log_dir",
            "vhost_socket_root", "vhost_state_file", "device_plugin_dir", "devinfo_dir",
            "device_plugin_state_file", "ovn_run_dir", "hugepages_mount"):
    m = host_mount(paths[key])
    check(f"DaemonSet: {key} {paths[key]} is a host path mount", m is not None)
m = host_mount(paths["vhost_socket_root"])
check("DaemonSet: the vhost socket root under a Bidirectional mount (its bind mounts reach the host)",
      m is not None and m.get("mountPropagation") == "Bidirectional")
m = host_mount(os.path.join(paths["kubelet_dir"], "pods"))
check("DaemonSet: kubelet's pod dirs Bidirectional (sockets bind-mounted into emptyDirs)",
      m is not None and m.get("mountPropagation") == "Bidirectional")
check("DaemonSet: the CNI's device-info dir (Multus') mounted",
      host_mount("/var/run/k8s.cni.cncf.io/devinfo/cni") is not None)
init = {i["name"]: i for i in spec.get("initContainers", [])}
inst = init.get("install-cni", {})
cni_vol = [m["name"] for m in inst.get("volumeMounts", [])]
check("DaemonSet: an initContainer installs dpnode-cni into the host's /opt/cni/bin",
      "dpnode-cni" in " ".join(inst.get("command", [])) and cni_vol
      and vols[cni_vol[0]]["hostPath"]["path"] == "/opt/cni/bin")
check("DaemonSet: liveness dpnodectl ping, readiness dpnodectl ready",
      c["livenessProbe"]["exec"]["command"] == ["dpnodectl", "ping"]
      and c["readinessProbe"]["exec"]["command"] == ["dpnodectl", "ready"])
port = int(conf["metrics"]["listen"].rsplit(":", 1)[1])
check("DaemonSet: the metrics port is the config's metrics.listen port",
      any(p.get("name") == "metrics" and p["containerPort"] == port for p in c.get("ports", [])))
check("DaemonSet: hugepages requested as socket_mem needs",
      c["resources"]["requests"].get("hugepages-2Mi") == f"{sum(conf['ovs']['dpdk']['socket_mem']) // 1024}Gi")
check("DaemonSet: the config from the ConfigMap",
      vols["config"]["configMap"]["name"] == docs["ConfigMap"][0]["metadata"]["name"])
pm = docs["PodMonitor"][0]["spec"]
check("PodMonitor: selects the DaemonSet's pods, port metrics",
      pm["selector"]["matchLabels"] == ds["metadata"]["labels"] and pm["podMetricsEndpoints"][0]["port"] == "metrics")

for nad in docs["NetworkAttachmentDefinition"]:
    name = nad["metadata"]["name"]
    cfg = json.loads(nad["spec"]["config"])
    if cfg["type"] != "dpnode-cni":
        check(f"NAD {name}: a resourceName for its VF pool",
              "k8s.v1.cni.cncf.io/resourceName" in nad["metadata"].get("annotations", {}))
        continue
    check(f"NAD {name}: server_socket is dpnoded's API socket", cfg["server_socket"] == paths["api_socket"])
    if "resourceName" in cfg:  # a VF network: the annotation device plugin and dpnoded agree on
        check(f"NAD {name}: resourceName is the annotation's",
              cfg["resourceName"] == nad["metadata"].get("annotations", {}).get("k8s.v1.cni.cncf.io/resourceName"))
    # dpnode-cni itself parses it (STATUS: config first, then dpnoded)
    r = subprocess.run([cni], input=nad["spec"]["config"], capture_output=True, text=True,
                       env={"CNI_COMMAND": "STATUS", "PATH": "/usr/bin:/bin"})
    out = json.loads(r.stdout or "{}")
    check(f"NAD {name}: dpnode-cni accepts the config", out.get("code") not in (2, 7), out.get("details", ""))
sys.exit(1 if fails else 0)
EOF
[ $? -eq 0 ] || N_FAIL=$((N_FAIL + 1))

unit=$D/dpnoded.service
check "systemd unit: Type=notify, restarts, KillMode=process (OVS outlives a restart)" \
	bash -c "grep -qx 'Type=notify' $unit && grep -qx 'Restart=always' $unit && grep -qx 'KillMode=process' $unit"
check "systemd unit: LimitNOFILE set (every CNI call and OVSDB session is a descriptor)" grep -q '^LimitNOFILE=' "$unit"
check "systemd unit: the config checked before start" grep -q '^ExecStartPre=/usr/bin/dpnodectl config check' "$unit"
[ "$N_FAIL" -eq 0 ]
