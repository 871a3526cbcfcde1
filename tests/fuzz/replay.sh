#!/bin/sh
# replay.sh DIR - replay the committed corpus of every fuzz target through
# its replay driver DIR/replay-TARGET (built with the sanitizers by `make
# test`).  Prints each driver's failures, a "# TARGET: ..." line per target
# and ends with "N passed, N failed", N counting corpus files.
set -u

dir=$1
here=$(dirname "$0")
pass=0
fail=0
for t in http chunked json; do
	out=$("$dir/replay-$t" "$here/corpus/$t" 2>&1)
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' |
	    tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | sed 's/^/#   /'
		echo "not ok - $t: the replay driver printed no result"
		fail=$((fail + 1))
		continue
	fi
	printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
	echo "# $t: $line"
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
