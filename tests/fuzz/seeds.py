#!/usr/bin/python3
"""Writes the seed corpora (tests/fuzz/corpus/<target>/) from the project's
own examples and fixtures plus the messages each peer really sends. Run from
the repo root after changing an input format; the files are committed."""
import glob
import json
import os
import struct

SEP = b"\n----\n"
ROOT = "tests/fuzz/corpus"


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def parts(*ps):
    return SEP.join(p.encode() if isinstance(p, str) else p for p in ps)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def conf():
    for p in sorted(glob.glob("conf/examples/*.json")) + ["tests/fixtures/dp/config.json"]:
        put("fuzz_conf", os.path.basename(os.path.dirname(p)) + "-" + os.path.basename(p), read(p))
    for d in sorted(glob.glob("tests/fixtures/kubeovn/*/")):
        e = os.path.join(d, "expected.json")
        if os.path.exists(e):
            put("fuzz_conf", "kubeovn-" + os.path.basename(d.rstrip("/")) + ".json", read(e))


def kubeovn():
    for d in sorted(glob.glob("tests/fixtures/kubeovn/*/")):
        dc = os.path.join(d, "ovs-dpdk-config")
        cfg = os.path.join(d, "config.cfg")
        put("fuzz_kubeovn", os.path.basename(d.rstrip("/")),
            parts(read(dc) if os.path.exists(dc) else b"", read(cfg) if os.path.exists(cfg) else b""))


NAD = {"cniVersion": "1.0.0", "name": "ovn-dpdk", "type": "dpnode-cni",
       "server_socket": "/run/dpnode/dpnoded.sock", "provider": "ovn-dpdk.default.ovn",
       "vhost_user_socket_volume_name": "vhostuser-sockets", "vhost_user_socket_name": "sock",
       "mtu": "1500", "queues": 2,
       "runtimeConfig": {"mac": "02:00:00:00:00:01", "ips": ["10.0.0.5/24"],
                         "CNIDeviceInfoFile": "/var/run/k8s.cni.cncf.io/devinfo/cni/x.json"}}
ARGS = "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=vm-1;K8S_POD_UID=0d6b5b0e-1c2a-4b6e-9a53-3f1e2f0c4d11;K8S_POD_INFRA_CONTAINER_ID=abc"


def cni():
    for cmd in ("ADD", "DEL", "CHECK", "STATUS", "VERSION", "GC"):
        env = "\n".join([f"CNI_COMMAND={cmd}", "CNI_CONTAINERID=abc", "CNI_NETNS=/var/run/netns/x",
                         "CNI_IFNAME=net1", f"CNI_ARGS={ARGS}", "CNI_PATH=/opt/cni/bin"])
        put("fuzz_cni", cmd.lower(), parts(env, json.dumps(NAD), '["10.16.0.5", "fd00::5"]'))
    vf = {"cniVersion": "1.0.0", "name": "sriov-ovn", "type": "dpnode-cni", "deviceID": "0000:3b:02.0",
          "vlan": 100, "vlanQoS": 2, "spoofchk": "on", "trust": "off", "min_tx_rate": 0, "max_tx_rate": 100,
          "mtu": 9000, "runtimeConfig": {"deviceID": "0000:3b:02.1", "ips": ["10.16.0.5/16"]}}
    put("fuzz_cni", "vf", parts("CNI_COMMAND=ADD\nCNI_CONTAINERID=abc\nCNI_NETNS=/var/run/netns/x\nCNI_IFNAME=net1\nCNI_ARGS=" + ARGS,
                                json.dumps(vf), '["10.16.0.5"]'))
    kv = dict(NAD, cniVersion="1.1.0", vhost_user_socket_consumption="kubevirt")
    put("fuzz_cni", "kubevirt", parts("CNI_COMMAND=ADD\nCNI_CONTAINERID=abc\nCNI_NETNS=/x\nCNI_IFNAME=net1\nCNI_ARGS=" + ARGS,
                                      json.dumps(kv), '["10.16.0.5"]'))


REQ = {"pod_uid": "0d6b5b0e-1c2a-4b6e-9a53-3f1e2f0c4d11", "namespace": "default", "pod": "vm-1",
       "ifname": "net1", "provider": "ovn-dpdk.default.ovn", "volume": "vhostuser-sockets",
       "socket_name": "sock", "mtu": 1500, "queues": 2, "mac": "02:00:00:00:00:01", "ip": "10.0.0.5"}

VF_REQ = {"pod_uid": REQ["pod_uid"], "namespace": "default", "pod": "cnf-1", "ifname": "net1",
          "device_id": "0000:3b:02.0", "netns": "/var/run/netns/cni-1", "mtu": 9000, "vlan": 100,
          "qos": 3, "trust": "on", "spoofchk": "off", "min_tx_rate": 10, "max_tx_rate": 1000,
          "ip": "10.16.0.5/16,fd00::5/64"}


def api():
    reqs = [{"version": 1, "id": 1, "method": "vhost.add", "params": REQ},
            {"version": 1, "id": 2, "method": "vhost.del", "params": {"pod_uid": REQ["pod_uid"], "ifname": "net1"}},
            {"version": 1, "id": 3, "method": "ping"},
            {"version": 1, "id": 4, "method": "vhost.add", "params": dict(REQ, consumption="kubevirt", socket_name="")},
            {"version": 1, "id": 5, "method": "vf.add", "params": VF_REQ},
            {"version": 1, "id": 6, "method": "vhost.add", "wait_ms": 600000, "params": REQ},
            {"version": 1, "id": 7, "method": "ping", "wait_ms": -1}]
    stream = "".join(json.dumps(r) for r in reqs)
    put("fuzz_api", "stream", b"\x00" + stream.encode())
    put("fuzz_api", "stream-bytewise", b"\x01" + stream.encode())
    put("fuzz_api", "stream-7", b"\x07" + stream.encode())


def uuid(n):
    return "%08x-0000-4000-8000-%012x" % (n, n)


def ovsdb():
    ovs = {"Open_vSwitch": {uuid(1): {"new": {"bridges": ["set", [["uuid", uuid(2)]]],
                                              "other_config": ["map", [["dpdk-init", "true"]]],
                                              "external_ids": ["map", [["system-id", "node1"]]]}}},
           "Bridge": {uuid(2): {"new": {"name": "br-int", "ports": ["uuid", uuid(3)],
                                        "datapath_type": "netdev", "fail_mode": "secure",
                                        "external_ids": ["map", []], "other_config": ["map", []]}}},
           "Port": {uuid(3): {"new": {"name": "br-int", "interfaces": ["uuid", uuid(4)],
                                      "external_ids": ["map", [["dpnode_owner", "vhost"]]]}}},
           "Interface": {uuid(4): {"new": {"name": "br-int", "type": "internal", "ofport": 65534,
                                           "options": ["map", []], "error": ["set", []],
                                           "external_ids": ["map", [["iface-id", "vm-1.default"]]]}}}}
    reply = {"id": 0, "result": ovs, "error": None}
    upd = {"id": None, "method": "update", "params": [None, {"Interface": {uuid(4): {
        "old": {"ofport": 65534}, "new": {"name": "br-int", "type": "internal", "ofport": 1}}}}]}
    dele = {"id": None, "method": "update", "params": [None, {"Port": {uuid(3): {"old": {"name": "br-int"}}}}]}
    txn = {"id": 7, "result": [{"uuid": ["uuid", uuid(9)]}, {"error": "constraint violation",
                                                              "details": "no row"}], "error": None}
    echo = {"id": "echo", "method": "echo", "params": []}
    put("fuzz_ovsdb", "ovs-monitor", b"\x00" + json.dumps(reply).encode())
    put("fuzz_ovsdb", "ovs-updates", b"\x00" + "".join(json.dumps(m) for m in (reply, upd, echo, txn, dele)).encode())
    pb = {"Port_Binding": {uuid(10): {"initial": {"logical_port": "vm-1.default",
                                                  "mac": "0a:00:00:10:00:05 10.16.0.5 fd00:10:16::5",
                                                  "up": False, "chassis": ["set", []]}}},
          "Chassis": {uuid(11): {"initial": {"name": "node1", "hostname": "node1"}}}}
    sb = {"id": 0, "result": pb, "error": None}
    mod = {"id": None, "method": "update2", "params": [None, {"Port_Binding": {uuid(10): {
        "modify": {"up": ["set", [True]], "chassis": ["uuid", uuid(11)]}}}}]}
    gone = {"id": None, "method": "update2", "params": [None, {"Port_Binding": {uuid(10): {"delete": None}}}]}
    put("fuzz_ovsdb", "sb-monitor", b"\x01" + json.dumps(sb).encode())
    put("fuzz_ovsdb", "sb-updates", b"\x01" + "".join(json.dumps(m) for m in (sb, mod, gone)).encode())
    since = {"id": 0, "result": [True, uuid(20), {"Port_Binding": {uuid(10): {"modify": {"up": ["set", [True]]}}}}],
             "error": None}
    up3 = {"id": None, "method": "update3", "params": [None, uuid(21), {"Port_Binding": {uuid(10): {"delete": None}}}]}
    put("fuzz_ovsdb", "sb-resume", b"\x01" + "".join(json.dumps(m) for m in (sb, since, up3)).encode())


def ovn():
    put("fuzz_ovn", "kube-ovn", "0a:00:00:10:00:05 10.16.0.5 fd00:10:16::5\n0A:00:00:10:00:06 10.16.0.6\n00:00:00:aa:bb:cc\ndynamic\nrouter\nunknown\n")


def app():
    ann = read("tests/fixtures/app/annotations")
    di = read("tests/fixtures/app/devinfo/cni/net1.json")
    env = "PCIDEVICE_MELLANOX_COM_CX5=0000:3b:02.0,0000:3b:02.1\nPCIDEVICE_MELLANOX_COM_CX5_INFO={}\nHOME=/"
    put("fuzz_app", "pod", parts(ann, di, env, "/var/run/vhost/sock,server,queues=2,split"))
    vh = {"type": "vhost-user", "version": "1.1.0", "vhost-user": {"mode": "server", "path": "/var/run/vhost/sock"}}
    put("fuzz_app", "vhost", parts(b"", json.dumps(vh), b"", "/tmp/s,client,packed"))


def pb_str(field, s):
    b = s.encode()
    return bytes([(field << 3) | 2]) + varint(len(b)) + b


def varint(n):
    out = b""
    while True:
        byte = n & 0x7f
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def pb_msg(field, body):
    return bytes([(field << 3) | 2]) + varint(len(body)) + body


def devplugin():
    ids = ["0000:3b:02.0", "0000:3b:0a.0", "0000:3b:02.1"]
    # AllocateRequest{container_requests{devices_ids}} on resource 0 (vfio)
    alloc = pb_msg(1, b"".join(pb_str(1, i) for i in ids[:2]))
    put("fuzz_devplugin", "allocate-vfio", b"\x01" + alloc)
    put("fuzz_devplugin", "allocate-net", b"\x11" + pb_msg(1, pb_str(1, ids[2])) + pb_msg(1, pb_str(1, ids[0])))
    # PreferredAllocationRequest{container_requests{available, must_include, allocation_size}}
    pref = pb_msg(1, b"".join(pb_str(1, i) for i in ids) + pb_str(2, ids[0]) + b"\x18\x02")
    put("fuzz_devplugin", "preferred", b"\x00" + pref)
    put("fuzz_devplugin", "options", b"\x02")
    put("fuzz_devplugin", "prestart", b"\x03" + pb_str(1, ids[0]))


def sysfs():
    put("fuzz_sysfs", "two-node", parts("0-7", "0-1", "512", "480",
                                        "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n",
                                        "2-3,6", "max", "pf0vf3\n/var/run/vhost\\040dir\n0x3c"))
    put("fuzz_sysfs", "limits", parts("0-1", "0", "1024", "1024", "none /dev/hugepages hugetlbfs rw 0 0\n",
                                      "1", "134217728", "c1pf1vf10\n/x\\134y\nff"))


def sriovdp():
    cfg = {"resourceList": [
        {"resourceName": "cx5_sriov_switchdev", "resourcePrefix": "mellanox.com",
         "selectors": {"vendors": ["15b3"], "devices": ["1018"], "drivers": ["mlx5_core"],
                       "pfNames": ["ens1f0#0-3,5"], "isRdma": True}},
        {"resourceName": "vfio", "selectors": {"drivers": ["vfio-pci"], "pciAddresses": ["0000:3b:02.0"]},
         "excludeTopology": True}]}
    put("fuzz_sriovdp", "config.json", json.dumps(cfg, indent=1))


for f in (conf, kubeovn, cni, api, ovsdb, ovn, app, devplugin, sysfs, sriovdp):
    f()
