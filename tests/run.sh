#!/bin/bash
# Runs every test and ends with "N passed, N failed".
# Unit tests are cmocka binaries (TAP output); integration tests are scripts in
# tests/integration that print TAP lines ("ok - ...", "not ok - ...").
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${1:-build}
WHAT=${2:-all}
LOGDIR=${TEST_LOGDIR:-$BUILD/test-logs}
mkdir -p "$LOGDIR"
pass=0
fail=0
failed=()

count() { # name logfile
	local p f
	p=$(grep -cE '^ok ' "$2")
	f=$(grep -cE '^not ok ' "$2")
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		failed+=("$1")
		grep -E '^not ok ' "$2" | sed "s|^|  $1: |"
	fi
	echo "$1: $p passed, $f failed"
}

if [ "$WHAT" = all ] || [ "$WHAT" = unit ]; then
	for t in "$BUILD"/tests/unit/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=unit/$(basename "$t")
		log=$LOGDIR/$(basename "$t").log
		CMOCKA_MESSAGE_OUTPUT=TAP DPN_SRCDIR=$PWD "$t" >"$log" 2>&1
		rc=$?
		count "$name" "$log"
		if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
			echo "not ok - $name exited $rc" | tee -a "$log"
			fail=$((fail + 1))
			failed+=("$name")
		fi
	done
fi

if [ "$WHAT" = all ] || [ "$WHAT" = integration ]; then
	for t in tests/integration/test_*.sh; do
		name=integration/$(basename "$t" .sh)
		log=$LOGDIR/$(basename "$t" .sh).log
		start=$(date +%s)
		BUILD=$BUILD timeout 600 bash "$t" >"$log" 2>&1
		rc=$?
		count "$name ($(($(date +%s) - start))s)" "$log"
		if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
			echo "not ok - $name exited $rc (see $log)"
			tail -20 "$log" | sed 's/^/    /'
			fail=$((fail + 1))
			failed+=("$name")
		fi
	done
fi

# The sanitizer build (ASan + UBSan, LeakSanitizer at exit): every unit
# test, and the integration tests that drive dpnoded through its error and
# restart paths (umockdev's preload and DPDK's hugepage mappings do not mix
# with ASan: the device-plugin and dpnode-app tests stay on the plain build).
SAN_INTEGRATION="test_bad_input test_restarts test_ovn"
if [ "$WHAT" = all ] || [ "$WHAT" = sanitizers ]; then
	SAN=${BUILD}-asan
	export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	if { [ -f "$SAN/build.ninja" ] || meson setup "$SAN" -Db_sanitize=address,undefined \
		-Db_lundef=false >"$LOGDIR/asan-setup.log" 2>&1; } &&
		ninja -C "$SAN" >"$LOGDIR/asan-build.log" 2>&1; then
		for t in "$SAN"/tests/unit/test_*; do
			[ -f "$t" ] && [ -x "$t" ] || continue
			name=asan/unit/$(basename "$t")
			log=$LOGDIR/asan-$(basename "$t").log
			CMOCKA_MESSAGE_OUTPUT=TAP DPN_SRCDIR=$PWD "$t" >"$log" 2>&1
			rc=$?
			if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
				echo "not ok - $name: sanitizer report" >>"$log"
			fi
			count "$name" "$log"
			if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
				echo "not ok - $name exited $rc" | tee -a "$log"
				fail=$((fail + 1))
				failed+=("$name")
			fi
		done
		for n in $SAN_INTEGRATION; do
			name=asan/integration/$n
			log=$LOGDIR/asan-$n.log
			BUILD=$SAN timeout 600 bash "tests/integration/$n.sh" >"$log" 2>&1
			rc=$?
			count "$name" "$log"
			if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$log"; then
				echo "not ok - $name exited $rc (see $log)"
				fail=$((fail + 1))
				failed+=("$name")
			fi
		done
	else
		echo "not ok - sanitizer build (see $LOGDIR/asan-build.log)"
		fail=$((fail + 1))
		failed+=("asan-build")
	fi
fi

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]} (logs in $LOGDIR)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
