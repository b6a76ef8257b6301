#!/bin/bash
# The fuzz targets: build (clang, ASan+UBSan, libFuzzer) and run.
#   tests/fuzz/run.sh BUILD regress [SECONDS]  every target over its seed
#       corpus, then SECONDS (default 15) of fuzzing each from it; TAP lines.
#   tests/fuzz/run.sh BUILD fuzz SECONDS [TARGET...]  fuzz for SECONDS each,
#       new inputs kept in BUILD/corpus/<target> (the tree's seeds untouched),
#       crashes in BUILD/crashes/<target>/.
#   tests/fuzz/run.sh BUILD runs N [TARGET...]  N executions each (the long
#       run docs/fuzzing.md records), figures printed per target.
#   tests/fuzz/run.sh BUILD report  the last run of each target as a
#       markdown table (executions, seconds, rate, coverage, corpus, peak RSS).
set -uo pipefail
cd "$(dirname "$0")/../.."

BUILD=${1:?build dir}
MODE=${2:-regress}
ARG=${3:-15}
shift $(($# < 3 ? $# : 3))
TARGETS=${*:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')}
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

if [ "$MODE" = report ]; then
	echo "| target | executions | seconds | exec/s | coverage (edges) | corpus | peak RSS MB | crashes |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for t in $TARGETS; do
		log=$BUILD/fuzz-$t.log
		[ -f "$log" ] || continue
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
		rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
		cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
		corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
		crashes=$(find "$BUILD/crashes/$t" -type f 2>/dev/null | wc -l)
		echo "| $t | ${runs:-?} | ${secs:-?} | ${rate:-?} | ${cov:-?} | ${corp:-?} | ${rss:-?} | $crashes |"
	done
	exit 0
fi

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined \
		-Db_lundef=false >"$BUILD.setup.log" 2>&1 || {
		echo "not ok - fuzz build setup (see $BUILD.setup.log)"
		exit 1
	}
fi
if ! ninja -C "$BUILD" >"$BUILD/fuzz-build.log" 2>&1; then
	echo "not ok - fuzz build (see $BUILD/fuzz-build.log)"
	exit 1
fi

status=0
for t in $TARGETS; do
	bin=$BUILD/tests/fuzz/$t
	seeds=tests/fuzz/corpus/$t
	work=$BUILD/corpus/$t
	crashes=$BUILD/crashes/$t
	log=$BUILD/fuzz-$t.log
	mkdir -p "$work" "$crashes"
	case $MODE in
	regress)
		# the seeds as they are, then a short run from them (new inputs
		# into the build's corpus: a regression run leaves the tree alone)
		"$bin" -runs=0 "$seeds" >"$log" 2>&1 &&
			"$bin" -max_total_time="$ARG" -timeout=10 -rss_limit_mb=1024 \
				-artifact_prefix="$crashes/" "$work" "$seeds" >>"$log" 2>&1
		;;
	fuzz)
		"$bin" -max_total_time="$ARG" -timeout=10 -rss_limit_mb=1024 \
			-artifact_prefix="$crashes/" "$work" "$seeds" >"$log" 2>&1
		;;
	runs)
		"$bin" -runs="$ARG" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
			-artifact_prefix="$crashes/" "$work" "$seeds" >"$log" 2>&1
		;;
	*)
		echo "unknown mode $MODE" >&2
		exit 2
		;;
	esac
	rc=$?
	runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	if [ $rc -eq 0 ]; then
		echo "ok - $t: ${runs:-0} inputs, cov ${cov:-0}, 0 crashes"
	else
		status=1
		echo "not ok - $t: exit $rc after ${runs:-?} inputs (see $log, $crashes)"
		grep -m3 -E 'ERROR: |runtime error|SUMMARY' "$log" | sed 's/^/    /'
	fi
done
exit $status
