#!/bin/bash
# dpnode-cni driven the way container runtimes and Multus drive plugins:
# through libcni (Debian's golang-github-appc-cni-dev 1.1.2, built into a
# small client here). The result is parsed into the spec's types (OVN's MAC
# and IPs survive, a non-standard socketPath would not), the socket reaches
# the pod through the CNIDeviceInfoFile capability, and libcni's cached
# result serves CHECK and DEL.
. "$(dirname "$0")/lib.sh"

it_setup
CLIENT=$T/cniclient
if GO111MODULE=off GOPATH=$T/gopath:/usr/share/gocode GOCACHE=$T/gocache \
	go build -o "$CLIENT" "$ROOT/tests/integration/cniclient/main.go" >"$T/go.log" 2>&1; then
	ok "a libcni client built against Debian's libcni"
else
	notok "a libcni client built against Debian's libcni"
	sed 's/^/# /' "$T/go.log"
	exit 1
fi
ovn_central_start || { notok "OVN central started"; exit 1; }
nbctl ls-add ls1
lsp_add ls1 pod-l.default "0a:00:00:00:00:4c 10.16.0.76 fd00:10:16::4c"
write_config "$T/node.json" ".vhostuser = {\"socket_root\": \"$T/vs\", \"kubelet_dir\": \"$T/kubelet\",
	\"state_file\": \"$T/vhost.json\"}
	| .ovn = {\"remote\": \"$OVN_SB\", \"encap_ip\": \"198.18.0.1\", \"system_id\": \"node-l\",
		\"run_dir\": \"$T/ovn\", \"bind_timeout_s\": 20}"
it_start
it_wait_converged 90 || exit 1
cat >"$T/net.conf" <<EOT
{"cniVersion": "1.0.0", "name": "ovn-dpdk", "type": "dpnode-cni",
 "server_socket": "$T/dpnoded.sock", "provider": "",
 "vhost_user_socket_volume_name": "vhostuser-sockets", "vhost_user_socket_name": "sock",
 "capabilities": {"CNIDeviceInfoFile": true}}
EOT
UIDL=11111111-0000-4000-8000-00000000004c
cnic() { # COMMAND
	"$CLIENT" "$1" "$T/net.conf" "$ROOT/$BUILD/cni" "$T/cni-cache" ctr-l /var/run/netns/pod-l net1 \
		"IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=pod-l;K8S_POD_UID=$UIDL" \
		"$T/devinfo/ovn-dpdk-ctr-l_net1.json"
}
out=$(cnic ADD)
check_eq "libcni ADD: succeeds" "$?" 0
echo "# libcni ADD result: $out"
check_eq "libcni ADD: the interface with OVN's MAC" "$(jq -r '.interfaces[0].mac' <<<"$out")" 0a:00:00:00:00:4c
check_eq "libcni ADD: both of OVN's IPs, as the spec's types" \
	"$(jq -c '[.ips[].address]' <<<"$out")" '["10.16.0.76/32","fd00:10:16::4c/128"]'
check "libcni ADD: no socketPath survives libcni (the pod learns it from device-info)" \
	bash -c "! grep -q socketPath <<<'$out'"
check_eq "libcni ADD: the device-info file names the socket as the pod sees it" \
	"$(jq -c '[.type, .["vhost-user"].mode]' "$T/devinfo/ovn-dpdk-ctr-l_net1.json" 2>/dev/null)" '["vhost-user","server"]'
check "libcni CHECK: passes on the cached result" cnic CHECK
check "libcni DEL: succeeds" cnic DEL
check_eq "libcni DEL: the port is gone" "$("$CTL" vhost list --json | jq '.ports | length')" 0
check "libcni DEL: the device-info file is gone" [ ! -e "$T/devinfo/ovn-dpdk-ctr-l_net1.json" ]
check "libcni DEL again (a runtime retrying): still succeeds" cnic DEL
it_stop_dpnoded
[ "$N_FAIL" -eq 0 ]
