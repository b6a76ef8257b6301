#!/usr/bin/python3
"""Device plugin latencies through real gRPC (python3-grpcio as kubelet):
Allocate p50/p99 over N calls against GetDevicePluginOptions (an RPC that
does nothing) in the same run, and hotplug-to-stream latency (a VF removed
from / added to the umockdev testbed -> the ListAndWatch update). Prints JSON."""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from dpkubelet import Bed, Kubelet, Node, stubs  # noqa: E402

N = int(os.environ.get("CALLS", "10000"))
HOTPLUG = int(os.environ.get("HOTPLUG", "20"))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * len(xs)))] if xs else 0


def us(xs):
    return {"p50": round(pct(xs, 50) * 1e6, 1), "p99": round(pct(xs, 99) * 1e6, 1),
            "max": round(max(xs) * 1e6, 1) if xs else 0}


def ms(xs):
    return {"p50": round(pct(xs, 50) * 1e3, 1), "p99": round(pct(xs, 99) * 1e3, 1),
            "max": round(max(xs) * 1e3, 1) if xs else 0}


tmp = tempfile.mkdtemp(prefix="dpnbench.")
pb, pbg = stubs(tmp)
bed = Bed("mellanox")
node = Node(bed, [{"resourcePrefix": "mellanox.com", "resourceName": "cx5_vfio",
                   "selectors": {"drivers": ["vfio-pci"]}}], tmp=tmp)
kubelet = Kubelet(pb, pbg, node.plugin_dir)
try:
    kubelet.start()
    if not node.start() or not kubelet.registrations(1):
        sys.exit("deviceplugin bench: dpnoded did not start/register (log: %s)" % node.log)
    p = node.endpoint(pb, pbg, "mellanox.com/cx5_vfio")
    ids = ["0000:3b:02.1", "0000:3b:0a.0", "0000:3b:0a.2"]
    reqs = [pb.AllocateRequest(container_requests=[
        pb.ContainerAllocateRequest(devices_ids=[i])]) for i in ids]
    empty = pb.Empty()
    for i in range(200):  # warm up both paths
        p.stub.GetDevicePluginOptions(empty)
        p.stub.Allocate(reqs[i % 3])
    noop, alloc = [], []
    # interleaved, so both see the same machine noise
    for i in range(N):
        t0 = time.perf_counter()
        p.stub.GetDevicePluginOptions(empty)
        t1 = time.perf_counter()
        p.stub.Allocate(reqs[i % 3])
        t2 = time.perf_counter()
        noop.append(t1 - t0)
        alloc.append(t2 - t1)

    p.watch()
    p.next_update()
    plug = []
    for i in range(HOTPLUG):
        t0 = time.monotonic()
        bed.remove("0000:3b:0a.2")
        t1, _ = p.wait_for(lambda d: d["0000:3b:0a.2"][0] == "Unhealthy")
        t2 = time.monotonic()
        bed.add("0000:3b:0a.2")
        t3, _ = p.wait_for(lambda d: d["0000:3b:0a.2"][0] == "Healthy")
        if t1 is None or t3 is None:
            sys.exit("deviceplugin bench: no stream update after a hotplug")
        plug += [t1 - t0, t3 - t2]
    p.close()
finally:
    kubelet.stop()
    node.cleanup()

a, o = us(alloc), us(noop)
out = {
    "bench": "deviceplugin",
    "calls": N,
    "allocate_us": a,
    "noop_rpc_us": o,
    "allocate_over_noop_p50": round(a["p50"] / o["p50"], 2) if o["p50"] else 0,
    "allocate_over_noop_p99": round(a["p99"] / o["p99"], 2) if o["p99"] else 0,
    "hotplug_events": len(plug),
    "hotplug_to_stream_ms": ms(plug),
}
print(json.dumps(out))
