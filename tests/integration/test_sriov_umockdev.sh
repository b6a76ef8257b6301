#!/bin/bash
# SR-IOV discovery and representor mapping on the sysfs layouts of each
# vendor's NICs (umockdev testbeds made by tests/fixtures/sriov/gen.py).
. "$(dirname "$0")/lib.sh"

FIX=$ROOT/tests/fixtures/sriov
export DPNODE_NIC_TABLE=$ROOT/conf/nics.json
vfs() { umockdev-run --device "$FIX/$1.umockdev" -- "$CTL" vfs --json; }
q() { jq -c "$2" <<<"$1"; }

j=$(vfs mellanox)
check_eq "mlx5: two PFs, vendor and model from the NIC table" \
	"$(q "$j" '[.pfs[] | [.pci, .vendor, .model, .driver]]')" \
	'[["0000:3b:00.0","Mellanox/NVIDIA","ConnectX-5","mlx5_core"],["0000:3b:00.1","Mellanox/NVIDIA","ConnectX-5","mlx5_core"]]'
check_eq "mlx5: numvfs/totalvfs, NUMA per PF" "$(q "$j" '[.pfs[] | [.numvfs, .totalvfs, .numa_node]]')" '[[2,4,0],[3,4,1]]'
check_eq "mlx5: VF index from the PF's virtfnN links" "$(q "$j" '[.pfs[1].vfs[] | [.pci, .index]]')" \
	'[["0000:3b:0a.0",0],["0000:3b:0a.1",1],["0000:3b:0a.2",2]]'
check_eq "mlx5: every VF mapped to its representor (pfNvfM)" \
	"$(q "$j" '[.pfs[].vfs[] | .representor]')" '["ens3f0r0","ens3f0r1","ens4f0r0","ens4f0r1","ens4f0r2"]'
check_eq "mlx5: uplink representor (pN)" "$(q "$j" '[.pfs[].uplink_representor]')" '["ens3f0np0","ens4f0np1"]'
check_eq "mlx5: drivers, netdevs (none on vfio-pci), IOMMU groups" \
	"$(q "$j" '[.pfs[0].vfs[] | [.driver, .netdev, .iommu_group]]')" '[["mlx5_core","ens3f0v0",21],["vfio-pci",null,22]]'
check_eq "mlx5: RDMA devices from infiniband/" "$(q "$j" '[.pfs[0].rdma, .pfs[0].vfs[0].rdma, .pfs[0].vfs[1].rdma]')" \
	'["mlx5_0","mlx5_2",null]'

j=$(vfs corigine)
check_eq "nfp: representors by switch ID and phys_port_name" \
	"$(q "$j" '[.pfs[].vfs[] | .representor]')" '["nfp0rep0","nfp0rep1","nfp1rep0","nfp1rep1","nfp1rep2"]'
check_eq "nfp: VF driver nfp_netvf" "$(q "$j" '.pfs[0].vfs[0].driver')" '"nfp_netvf"'

j=$(vfs yunsilicon)
check_eq "xsc: DPDK representor devargs on the bonded uplink device (PF0 without a node uplink); the second PF counts after PF0's VFs" \
	"$(q "$j" '[.pfs[].vfs[] | .representor]')" \
	'["0000:3b:00.0,representor=[0]","0000:3b:00.0,representor=[1]","0000:3b:00.0,representor=[2]","0000:3b:00.0,representor=[3]","0000:3b:00.0,representor=[4]"]'
check_eq "xsc: representor kind dpdk" "$(q "$j" '[.pfs[].vfs[].representor_kind] | unique')" '["dpdk"]'

j=$(vfs yusur)
check_eq "yusur: representor netdevs pf<P>vf<V>rep with P the PCI function" \
	"$(q "$j" '[.pfs[].vfs[] | .representor]')" '["pf0vf0rep","pf0vf1rep","pf1vf0rep","pf1vf1rep","pf1vf2rep"]'
check_eq "yusur: DPDK devargs <PF BDF>,representor=[V]" "$(q "$j" '.pfs[1].vfs[2].representor_devargs')" \
	'"0000:3b:00.1,representor=[2]"'
check_eq "yusur: smart-NIC path from hw/plat_name" "$(q "$j" '[.pfs[].vfs[] | .smartnic]')" '[true,false,true,false,true]'

j=$(vfs generic)
check_eq "unknown vendor: still listed (legacy SR-IOV), no representors" \
	"$(q "$j" '[.pfs[] | [.vendor, .numvfs, ([.vfs[].representor] | unique)]]')" '[[null,2,[null]],[null,3,[null]]]'
check "human output lists every VF" bash -c "umockdev-run --device '$FIX/mellanox.umockdev' -- '$CTL' vfs | grep -c '0000:3b:0' | grep -qx 7"

# Device plugin resources on the mellanox testbed: sriovdp's config.json
# unchanged, and the NIC-table defaults when nothing is configured.
T=$(mktemp -d /tmp/dpnit.XXXXXX)
echo "{\"device_plugin\": {\"sriovdp_config\": \"$ROOT/tests/fixtures/dp/config.json\"}}" >"$T/dp.json"
echo '{}' >"$T/none.json"
res() { umockdev-run --device "$FIX/mellanox.umockdev" -- "$CTL" resources "$1"; }
check_eq "resources: sriovdp config.json, first pool wins, RDMA and pfNames ranges" \
	"$(res "$T/dp.json" | jq -c .)" \
	'{"intel.com/intel_sriov_netdevice":[],"mellanox.com/cx5_sriov_switchdev":["0000:3b:02.0","0000:3b:0a.1"],"mellanox.com/cx5_vfio":["0000:3b:02.1","0000:3b:0a.0","0000:3b:0a.2"]}'
check_eq "resources: NIC-table default resource without config" \
	"$(res "$T/none.json" | jq -c .)" \
	'{"mellanox.com/cx5_sriov_switchdev":["0000:3b:02.0","0000:3b:02.1","0000:3b:0a.0","0000:3b:0a.1","0000:3b:0a.2"]}'
echo '{"device_plugin": {"resources": [{"resourceName": "x", "selectors": {"pfNames": ["ens3f0np0#2-"]}}]}}' >"$T/bad.json"
out=$("$CTL" config check "$T/bad.json")
check_eq "resources: a malformed range is a config error" "$?" 2
check_eq "resources: naming it" "$out" \
	'device_plugin.resources[0].selectors.pfNames[0]: "ens3f0np0#2-" is not NAME or NAME#RANGE (e.g. enp2s0f0#0-3,5)'
rm -rf "$T"
