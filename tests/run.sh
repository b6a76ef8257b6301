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

# A test that died without saying which check failed counts as one failure.
exited() { # rc name log
	[ "$1" -ne 0 ] && ! grep -qE '^not ok ' "$3" || return 0
	echo "not ok - $2 exited $1 (see $3)"
	tail -20 "$3" | sed 's/^/    /'
	fail=$((fail + 1))
	failed+=("$2")
}

units() { # build name-prefix log-prefix
	local t name log rc
	for t in "$1"/tests/unit/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=$2unit/$(basename "$t")
		log=$LOGDIR/$3$(basename "$t").log
		CMOCKA_MESSAGE_OUTPUT=TAP DPN_SRCDIR=$PWD "$t" >"$log" 2>&1
		rc=$?
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
			echo "not ok - $name: sanitizer report" >>"$log"
		fi
		count "$name" "$log"
		exited $rc "$name" "$log"
	done
}

integrations() { # build name-prefix log-prefix tests...
	local b=$1 np=$2 lp=$3 t name log rc start
	shift 3
	for t in "$@"; do
		name=${np}integration/$(basename "$t" .sh)
		log=$LOGDIR/$lp$(basename "$t" .sh).log
		start=$(date +%s)
		BUILD=$b timeout 600 bash "$t" >"$log" 2>&1
		rc=$?
		count "$name ($(($(date +%s) - start))s)" "$log"
		exited $rc "$name" "$log"
	done
}

if [ "$WHAT" = all ] || [ "$WHAT" = unit ]; then
	units "$BUILD" "" ""
fi

if [ "$WHAT" = all ] || [ "$WHAT" = integration ]; then
	integrations "$BUILD" "" "" tests/integration/test_*.sh
fi

# The sanitizer build (ASan + UBSan, LeakSanitizer at exit): every unit
# test, and the integration tests that drive dpnoded through its error and
# restart paths, and the VF pods' netlink paths (umockdev's preload loads
# before the ASan runtime: verify_asan_link_order=0; DPDK's hugepage mappings
# do not mix with ASan: the dpnode-app tests stay on the plain build).
SAN_INTEGRATION="test_bad_input test_restarts test_ovn test_vfport"
if [ "$WHAT" = all ] || [ "$WHAT" = sanitizers ]; then
	SAN=${BUILD}-asan
	export ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	if { [ -f "$SAN/build.ninja" ] || meson setup "$SAN" -Db_sanitize=address,undefined \
		-Db_lundef=false >"$LOGDIR/asan-setup.log" 2>&1; } &&
		ninja -C "$SAN" >"$LOGDIR/asan-build.log" 2>&1; then
		units "$SAN" asan/ asan-
		integrations "$SAN" asan/ asan- $(printf 'tests/integration/%s.sh ' $SAN_INTEGRATION)
	else
		echo "not ok - sanitizer build (see $LOGDIR/asan-build.log)"
		fail=$((fail + 1))
		failed+=("asan-build")
	fi
fi

# The fuzz regression: every libFuzzer target over its seed corpus, then a
# short run from it (ASan+UBSan, clang); see docs/fuzzing.md.
if [ "$WHAT" = all ] || [ "$WHAT" = fuzz ]; then
	log=$LOGDIR/fuzz.log
	tests/fuzz/run.sh "${BUILD}-fuzz" regress "${FUZZ_TIME:-15}" >"$log" 2>&1
	rc=$?
	count fuzz "$log"
	exited $rc fuzz "$log"
fi

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]} (logs in $LOGDIR)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
