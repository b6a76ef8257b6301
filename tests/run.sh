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

echo
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]} (logs in $LOGDIR)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
