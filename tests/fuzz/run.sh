#!/bin/sh
# run.sh DIR SECONDS TARGET... - `make fuzz`: run each libFuzzer target
# DIR/fuzz-TARGET for SECONDS, one after the other, starting from the
# committed corpus tests/fuzz/corpus/TARGET (read only; what the run finds
# goes to DIR/corpus-TARGET).  A crash or a failed property leaves
# DIR/crash-TARGET-* (add it to the committed corpus once fixed).
#
# Prints per target the executions, the coverage (libFuzzer's cov: edges
# and ft: features from its last status line), the corpus size and the
# crashes, and ends with "N passed, N failed" (N counting targets); the
# full logs are DIR/fuzz-TARGET.log.
set -u

dir=$1
secs=$2
shift 2
here=$(dirname "$0")
pass=0
fail=0
for t in "$@"; do
	# Inputs a little beyond the 16 KiB head cap for HTTP; JSON past the
	# nesting cap with room.
	case $t in
	json) max=8192 ;;
	*) max=20000 ;;
	esac
	mkdir -p "$dir/corpus-$t"
	rm -f "$dir/crash-$t-"*
	echo "== fuzz-$t: $secs s"
	"$dir/fuzz-$t" -max_total_time="$secs" -max_len="$max" -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$dir/crash-$t-" \
	    "$dir/corpus-$t" "$here/corpus/$t" > "$dir/fuzz-$t.log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+' "$dir/fuzz-$t.log" | tail -n 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$dir/fuzz-$t.log")
	crashes=$(find "$dir" -maxdepth 1 -name "crash-$t-*" | wc -l)
	edges=$(sed -n 's/^INFO: Loaded 1 modules *(\([0-9]*\) inline.*/\1/p' \
	    "$dir/fuzz-$t.log" | head -n 1)
	echo "executions: ${execs:-?}"
	echo "instrumented edges: ${edges:-?} (cov: below counts those reached)"
	echo "last status: ${last:-none}"
	echo "corpus: $(find "$dir/corpus-$t" -type f | wc -l) new files"
	echo "crashes: $crashes (libFuzzer exit $rc)"
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then
		echo "ok - fuzz-$t"
		pass=$((pass + 1))
	else
		grep -E 'ERROR|SUMMARY|property failed|runtime error' \
		    "$dir/fuzz-$t.log" | head -n 5 | sed 's/^/#   /'
		echo "not ok - fuzz-$t"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
