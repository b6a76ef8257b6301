# DPDK guests for integration tests: dpdk-testpmd on a virtio_user port in
# server mode (the pod's side of a vhost-user socket), driven through a FIFO.
# guest_start NAME SOCKET [MAC]; guest_cmd NAME "testpmd command"; guest_rx NAME
GUESTS=()

guest_start() {
	local name=$1 sock=$2 mac=${3:+,mac=$3} fd
	mkfifo "$T/$name.in"
	# Opened read-write, the FIFO never blocks us, even after testpmd is gone.
	exec {fd}<>"$T/$name.in"
	eval "GUEST_FD_$name=$fd"
	stdbuf -oL dpdk-testpmd --lcores 0@0,1@0 --no-pci --file-prefix="dpnit$$$name" \
		--single-file-segments -m 128 \
		--vdev="virtio_user0,path=$sock,server=1,queues=1$mac" \
		-- -i --forward-mode=rxonly --total-num-mbufs=8192 \
		<"$T/$name.in" >"$T/$name.out" 2>&1 &
	eval "GUEST_PID_$name=$!"
	GUESTS+=("$name")
}

guest_cmd() {
	local fd
	eval "fd=\${GUEST_FD_$1:-}"
	[ -n "$fd" ] && echo "$2" >&"$fd"
}

# RX packets the guest's port has counted so far
guest_rx() {
	local before
	before=$(grep -c 'RX-packets' "$T/$1.out")
	guest_cmd "$1" "show port stats 0"
	for _ in $(seq 1 20); do
		[ "$(grep -c 'RX-packets' "$T/$1.out")" -gt "$before" ] && break
		sleep 0.1
	done
	grep -o 'RX-packets: *[0-9]*' "$T/$1.out" | tail -1 | grep -o '[0-9]*$' || echo 0
}

# the guest sends N bursts of 32 packets, then counts what arrives
guest_send() {
	guest_cmd "$1" "stop"
	guest_cmd "$1" "start tx_first ${2:-4}"
}

guest_stop_all() {
	local g pid fd
	for g in "${GUESTS[@]}"; do
		guest_cmd "$g" "quit"
	done
	sleep 1
	for g in "${GUESTS[@]}"; do
		eval "pid=\${GUEST_PID_$g:-}; fd=\${GUEST_FD_$g:-}"
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
		[ -n "$pid" ] && wait "$pid" 2>/dev/null
		[ -n "$fd" ] && eval "exec $fd>&-"
		rm -f /dev/hugepages/dpnit$$${g}map_* 2>/dev/null
		unset "GUEST_PID_$g" "GUEST_FD_$g"
	done
	GUESTS=()
}
