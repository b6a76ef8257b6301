#!/usr/bin/python3
"""dpnoded's device plugin against a fake kubelet (python3-grpcio) on the
Mellanox and Corigine umockdev testbeds. Prints TAP lines."""
import json
import shutil
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grpc  # noqa: E402

from dpkubelet import Bed, Kubelet, Node, Tap, stubs  # noqa: E402

t = Tap()
tmp = tempfile.mkdtemp(prefix="dpnit.")
pb, pbg = stubs(tmp)

MLX = [
    {"resourcePrefix": "mellanox.com", "resourceName": "cx5_vfio",
     "selectors": {"drivers": ["vfio-pci"]}},
    {"resourcePrefix": "mellanox.com", "resourceName": "cx5_rdma",
     "selectors": {"drivers": ["mlx5_core"], "isRdma": True, "needVhostNet": True}},
    {"resourceName": "empty", "selectors": {"vendors": ["8086"]}},
]
RES = ["mellanox.com/cx5_vfio", "mellanox.com/cx5_rdma", "intel.com/empty"]


def devices(plugin):
    _, devs = plugin.next_update()
    return devs


def allocate(plugin, *ids):
    return plugin.stub.Allocate(pb.AllocateRequest(
        container_requests=[pb.ContainerAllocateRequest(devices_ids=list(ids))]))


def specs(resp):
    return sorted((d.container_path, d.host_path, d.permissions)
                  for d in resp.container_responses[0].devices)


bed = Bed("mellanox")
node = Node(bed, MLX)
kubelet = Kubelet(pb, pbg, node.plugin_dir)
try:
    kubelet.start()
    t.check("dpnoded starts on the mellanox testbed (ovs.mode none)", node.start())

    # --- registration
    regs = kubelet.registrations(3)
    t.eq("one Register per resource, empty pools included", sorted(regs), sorted(RES))
    r = regs.get("mellanox.com/cx5_vfio", (0, None))[1]
    if t.check("Register received", r is not None):
        t.eq("Register: version, endpoint, preferred allocation available",
             (r.version, r.endpoint, r.options.get_preferred_allocation_available,
              r.options.pre_start_required),
             ("v1beta1", "mellanox.com_cx5_vfio.sock", True, False))

    rc, out = node.ctl("status")
    lines = [x.split() for x in out.splitlines()]
    t.check("dpnodectl status: ovs none, every resource registered with its device count",
            rc == 0 and "none" in out and
            ["mellanox.com/cx5_vfio", "registered", "devices", "3,"] in [x[:4] for x in lines]
            and ["intel.com/empty", "registered", "devices", "0,"] in [x[:4] for x in lines])
    vfio = node.endpoint(pb, pbg, "mellanox.com/cx5_vfio")
    rdma = node.endpoint(pb, pbg, "mellanox.com/cx5_rdma")
    empty = node.endpoint(pb, pbg, "intel.com/empty")
    o = vfio.stub.GetDevicePluginOptions(pb.Empty())
    t.eq("GetDevicePluginOptions", (o.get_preferred_allocation_available,
                                     o.pre_start_required), (True, False))

    # --- ListAndWatch
    vfio.watch()
    rdma.watch()
    empty.watch()
    t.eq("ListAndWatch: vfio-pci VFs, IDs = PCI addresses, Healthy, NUMA from sysfs",
         devices(vfio), {"0000:3b:02.1": ("Healthy", [0]), "0000:3b:0a.0": ("Healthy", [1]),
                         "0000:3b:0a.2": ("Healthy", [1])})
    t.eq("ListAndWatch: RDMA VFs", devices(rdma),
         {"0000:3b:02.0": ("Healthy", [0]), "0000:3b:0a.1": ("Healthy", [1])})
    t.eq("ListAndWatch: a pool with no device is served, with 0 devices", devices(empty), {})

    # --- Allocate: vfio-pci VF
    a = allocate(vfio, "0000:3b:0a.0")
    c = a.container_responses[0]
    t.eq("Allocate vfio: PCIDEVICE env", c.envs.get("PCIDEVICE_MELLANOX_COM_CX5_VFIO"),
         "0000:3b:0a.0")
    info = json.loads(c.envs.get("PCIDEVICE_MELLANOX_COM_CX5_VFIO_INFO", "{}"))
    t.eq("Allocate vfio: _INFO as sriovdp writes it", info,
         {"0000:3b:0a.0": {"generic": {"deviceID": "0000:3b:0a.0"},
                           "vfio": {"mount": "/dev/vfio/vfio", "dev-mount": "/dev/vfio/24"}}})
    t.eq("Allocate vfio: DeviceSpecs /dev/vfio/vfio and the IOMMU group, rw", specs(a),
         [("/dev/vfio/24", "/dev/vfio/24", "rw"), ("/dev/vfio/vfio", "/dev/vfio/vfio", "rw")])
    f = os.path.join(node.devinfo, "mellanox.com-cx5_vfio-0000:3b:0a.0-device.json")
    di = json.load(open(f)) if os.path.exists(f) else None
    t.eq("Allocate vfio: device-info file (type pci, 1.1.0, pci-address, pf-pci-address)",
         di and (di["type"], di["version"], di["pci"]["pci-address"],
                 di["pci"].get("pf-pci-address")),
         ("pci", "1.1.0", "0000:3b:0a.0", "0000:3b:00.1"))

    # --- Allocate: RDMA VF (+ needVhostNet)
    a = allocate(rdma, "0000:3b:02.0")
    c = a.container_responses[0]
    t.eq("Allocate RDMA: uverbs/umad/issm, rdma_cm, vhost-net and tun", specs(a),
         sorted([(p, p, "rw") for p in [
             "/dev/infiniband/uverbs2", "/dev/infiniband/umad2", "/dev/infiniband/issm2",
             "/dev/infiniband/rdma_cm", "/dev/vhost-net", "/dev/net/tun"]]))
    info = json.loads(c.envs.get("PCIDEVICE_MELLANOX_COM_CX5_RDMA_INFO", "{}"))
    t.eq("Allocate RDMA: _INFO rdma entry",
         info.get("0000:3b:02.0", {}).get("rdma", {}).get("uverbs"), "/dev/infiniband/uverbs2")
    f = os.path.join(node.devinfo, "mellanox.com-cx5_rdma-0000:3b:02.0-device.json")
    di = json.load(open(f)) if os.path.exists(f) else {}
    t.eq("Allocate RDMA: device-info rdma-device and representor",
         (di.get("pci", {}).get("rdma-device"), di.get("pci", {}).get("representor-device")),
         ("mlx5_2", "ens3f0r0"))

    # --- Allocate errors
    try:
        allocate(vfio, "0000:3b:02.1", "0000:99:00.0")
        t.notok("Allocate of an unknown ID fails")
    except grpc.RpcError as e:
        t.eq("Allocate of an unknown ID: INVALID_ARGUMENT naming it",
             (e.code(), "0000:99:00.0" in e.details()), (grpc.StatusCode.INVALID_ARGUMENT, True))
    t.check("a failed Allocate writes no device-info file",
            not os.path.exists(os.path.join(
                node.devinfo, "mellanox.com-cx5_vfio-0000:3b:02.1-device.json")))

    # --- GetPreferredAllocation
    def pref(avail, must, size):
        r = vfio.stub.GetPreferredAllocation(pb.PreferredAllocationRequest(container_requests=[
            pb.ContainerPreferredAllocationRequest(available_deviceIDs=avail,
                                                   must_include_deviceIDs=must,
                                                   allocation_size=size)]))
        return sorted(r.container_responses[0].deviceIDs)

    allv = ["0000:3b:02.1", "0000:3b:0a.0", "0000:3b:0a.2"]
    t.eq("preferred: two from one NUMA node", pref(allv, [], 2), ["0000:3b:0a.0", "0000:3b:0a.2"])
    got = pref(allv, ["0000:3b:02.1"], 2)
    t.check(f"preferred: must-include honoured ({got})", "0000:3b:02.1" in got and len(got) == 2)

    # --- kubelet restart: sockets deleted, kubelet.sock recreated
    for p in (vfio, rdma, empty):
        p.close()
    while not kubelet.regs.empty():
        kubelet.regs.get()
    t0 = kubelet.restart()
    regs = kubelet.registrations(3, timeout=3)
    late = max((tr - t0 for tr, _ in regs.values()), default=99)
    t.eq("kubelet restart: every resource registers again", sorted(regs), sorted(RES))
    t.note(f"kubelet restart -> registered again in {late * 1000:.0f} ms")
    t.check("kubelet restart: our sockets are back",
            all(os.path.exists(os.path.join(node.plugin_dir, x.replace("/", "_") + ".sock"))
                for x in RES))
    vfio = node.endpoint(pb, pbg, "mellanox.com/cx5_vfio").watch()
    rdma = node.endpoint(pb, pbg, "mellanox.com/cx5_rdma").watch()
    vfio_ids = sorted(devices(vfio) or {})
    t.eq("kubelet restart: the new endpoint streams the devices", len(vfio_ids), 3)
    devices(rdma)

    # --- kubelet restart while Allocate calls are in flight
    calls = {"ok": 0, "failed": 0}
    granted = set()
    lock = threading.Lock()
    stop = threading.Event()

    def allocator(k):
        while not stop.is_set():
            dev = vfio_ids[k % len(vfio_ids)]
            k += 1
            ch = grpc.insecure_channel("unix:" + os.path.join(node.plugin_dir, "mellanox.com_cx5_vfio.sock"))
            try:
                pbg.DevicePluginStub(ch).Allocate(pb.AllocateRequest(container_requests=[
                    pb.ContainerAllocateRequest(devices_ids=[dev])]), timeout=2)
                with lock:
                    calls["ok"] += 1
                    granted.add(dev)
            except grpc.RpcError:
                with lock:
                    calls["failed"] += 1
            finally:
                ch.close()
    workers = [threading.Thread(target=allocator, args=(k,)) for k in range(4)]
    for w in workers:
        w.start()
    time.sleep(0.5)
    while not kubelet.regs.empty():
        kubelet.regs.get()
    kubelet.restart()
    regs = kubelet.registrations(3, timeout=5)
    time.sleep(0.5)
    stop.set()
    for w in workers:
        w.join()
    t.note(f"kubelet restart during Allocate: {calls['ok']} calls answered, "
           f"{calls['failed']} refused while the socket was gone")
    t.eq("kubelet restart during Allocate: every resource registers again", sorted(regs), sorted(RES))
    t.check("kubelet restart during Allocate: calls answered before and after", calls["ok"] > 0)
    lost = [d for d in granted if not os.path.exists(os.path.join(
        node.devinfo, f"mellanox.com-cx5_vfio-{d}-device.json"))]
    t.eq("kubelet restart during Allocate: every granted device has its device-info (lost)", lost, [])
    st = node.call("deviceplugin.status") or {"resources": []}
    vfio_allocated = len(granted | {"0000:3b:0a.0"})  # with the first Allocate's
    t.eq("kubelet restart during Allocate: each granted device recorded once",
         {r["resource"]: r["allocated"] for r in st["resources"]}.get("mellanox.com/cx5_vfio"),
         vfio_allocated)
    after = node.endpoint(pb, pbg, "mellanox.com/cx5_vfio")
    t.check("kubelet restart during Allocate: the endpoint serves Allocate after it",
            allocate(after, vfio_ids[0]).container_responses[0].envs.get(
                "PCIDEVICE_MELLANOX_COM_CX5_VFIO") == vfio_ids[0])
    after.close()
    for p in (vfio, rdma):  # their streams ended with the old endpoints
        p.close()
    vfio = node.endpoint(pb, pbg, "mellanox.com/cx5_vfio").watch()
    rdma = node.endpoint(pb, pbg, "mellanox.com/cx5_rdma").watch()
    devices(vfio)
    devices(rdma)

    # --- inventory changes on the stream
    t0 = time.monotonic()
    bed.remove("0000:3b:0a.2")
    t1, devs = vfio.wait_for(lambda d: d.get("0000:3b:0a.2", ("",))[0] != "Healthy")
    t.check("VF removed from the testbed: Unhealthy on the stream",
            devs is not None and devs.get("0000:3b:0a.2", ("Unhealthy",))[0] == "Unhealthy")
    if t1:  # measured by bench/deviceplugin.sh; only noted here
        t.note(f"remove -> stream {(t1 - t0) * 1000:.0f} ms")
    st = node.call("deviceplugin.status")
    why = [d["why"] for r in st["resources"] for d in r["devices"] if d["id"] == "0000:3b:0a.2"]
    t.eq("status says why", why, ["gone"])
    try:
        allocate(vfio, "0000:3b:0a.2")
        t.notok("Allocate of an Unhealthy device fails")
    except grpc.RpcError as e:
        t.check(f"Allocate of an Unhealthy device fails naming it ({e.details()})",
                e.code() == grpc.StatusCode.INVALID_ARGUMENT and "0000:3b:0a.2" in e.details())
    bed.add("0000:3b:0a.2")
    _, devs = vfio.wait_for(lambda d: d.get("0000:3b:0a.2", ("",))[0] == "Healthy")
    t.check("VF back: Healthy again", devs is not None)
    bed.set_attr("ens4f0np1", "operstate", "down")
    _, devs = rdma.wait_for(lambda d: d.get("0000:3b:0a.1", ("",))[0] == "Unhealthy")
    t.check("PF link down: its VFs Unhealthy, the other PF's not",
            devs is not None and devs["0000:3b:02.0"][0] == "Healthy")
    bed.set_attr("ens4f0np1", "operstate", "up")
    _, devs = rdma.wait_for(lambda d: d.get("0000:3b:0a.1", ("",))[0] == "Healthy")
    t.check("PF link up: Healthy again", devs is not None)

    # --- dpnoded restart: allocations kept, not double-counted
    def allocated():
        st = node.call("deviceplugin.status") or {"resources": []}
        return {r["resource"]: r["allocated"] for r in st["resources"]}
    before = allocated()
    t.eq("allocations recorded", before,
         {"mellanox.com/cx5_vfio": vfio_allocated, "mellanox.com/cx5_rdma": 1, "intel.com/empty": 0})
    vfio.close()
    rdma.close()
    while not kubelet.regs.empty():
        kubelet.regs.get()
    node.stop()
    t.check("dpnoded stopped: its sockets removed",
            not any(n != "kubelet.sock" for n in os.listdir(node.plugin_dir)))
    t.check("dpnoded restarts", node.start())
    t.eq("after restart: registered again", sorted(kubelet.registrations(3)), sorted(RES))
    t.eq("after restart: allocations from the state file", allocated(), before)
    vfio = node.endpoint(pb, pbg, "mellanox.com/cx5_vfio")
    allocate(vfio, "0000:3b:0a.0")
    t.eq("the same device allocated again is not counted twice", allocated(), before)
    vfio.close()
finally:
    kubelet.stop()
    node.cleanup(t.failed)

# --- a second vendor, NIC-table default resource (no resources configured)
bed = Bed("corigine")
node = Node(bed, None)
kubelet = Kubelet(pb, pbg, node.plugin_dir)
try:
    t.check("dpnoded starts on the corigine testbed", node.start())
    # kubelet comes after the plugin: registration on kubelet.sock's creation
    kubelet.start()
    regs = kubelet.registrations(1)
    t.eq("corigine: the NIC table's default resource registers when kubelet.sock appears",
         sorted(regs), ["corigine.com/agilio_sriov"])
    p = node.endpoint(pb, pbg, "corigine.com/agilio_sriov").watch()
    devs = devices(p) or {}
    t.eq("corigine: every VF of both PFs", sorted(devs),
         ["0000:3b:02.0", "0000:3b:02.1", "0000:3b:0a.0", "0000:3b:0a.1", "0000:3b:0a.2"])
    a = allocate(p, "0000:3b:02.0")
    c = a.container_responses[0]
    t.eq("netdevice VF (nfp_netvf): env, no device nodes",
         (c.envs.get("PCIDEVICE_CORIGINE_COM_AGILIO_SRIOV"), specs(a)), ("0000:3b:02.0", []))
    f = os.path.join(node.devinfo, "corigine.com-agilio_sriov-0000:3b:02.0-device.json")
    di = json.load(open(f)) if os.path.exists(f) else {}
    t.eq("netdevice VF: device-info with its representor",
         (di.get("pci", {}).get("pci-address"), di.get("pci", {}).get("representor-device")),
         ("0000:3b:02.0", "nfp0rep0"))
    p.close()
finally:
    kubelet.stop()
    node.cleanup(t.failed)

shutil.rmtree(tmp, ignore_errors=True)
