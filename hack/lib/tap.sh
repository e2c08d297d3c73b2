# shellcheck shell=sh
# Per-kernel TAP parts run at the same time, shared by the QEMU suites: on 2
# cores the kernels' emulated runs overlap instead of queueing, and each part
# numbers its tests from 1 without knowing the others, so one TAP stream is
# only assembled once every part has finished.
# sh has no local variables: the names here carry a pm_tap prefix so that a
# caller's own variables survive a call.

# The process IDs of the parts still running, so that a caller's EXIT trap can
# kill them when the suite is interrupted while it waits.
pm_tap_pids=""

# pm_tap_parallel <dir> <parts> <command> [<arg>...]: runs
# "<command> <part> <arg>..." in a subshell for every part of the
# space-separated <parts> at once, its stdout and stderr in <dir>/tap.<part>,
# and waits for all. Fails when any part exited non-zero; a part's "not ok"
# lines are counted by pm_tap_merge, its exit status covers a part that
# stopped before printing them.
pm_tap_parallel() {
	pm_tap_dir=$1 pm_tap_parts=$2 pm_tap_command=$3
	shift 3
	pm_tap_pids=""
	for pm_tap_part in $pm_tap_parts; do
		("$pm_tap_command" "$pm_tap_part" "$@") >"$pm_tap_dir/tap.$pm_tap_part" 2>&1 &
		pm_tap_pids="$pm_tap_pids $!"
	done
	pm_tap_status=0
	for pm_tap_pid in $pm_tap_pids; do wait "$pm_tap_pid" || pm_tap_status=1; done
	pm_tap_pids=""
	return "$pm_tap_status"
}

# pm_tap_merge <dir> <parts> <tests so far> <prefix>: prints the parts'
# output in the order of <parts> as one stream whose test lines are numbered
# on from <tests so far> (the tests the caller printed itself), then the plan.
# Comment lines pass as they are; any other line (a tool's stray output) gets
# <prefix>, "# " to keep it out of a TAP consumer's way. Sets pm_tap_n (all
# tests, the plan's count) and pm_tap_failed (the parts' "not ok" lines).
pm_tap_merge() {
	for pm_tap_part in $2; do cat "$1/tap.$pm_tap_part"; done | awk -v n="$3" -v other="$4" -v counts="$1/tap.counts" '
		/^(not )?ok [0-9]+ / { n++; if (/^not/) failed++; sub(/ok [0-9]+ /, "ok " n " "); print; next }
		/^#/ { print; next }
		{ print other $0 }
		END { print "1.." n; print n, failed + 0 > counts }'
	# shellcheck disable=SC2034 # the callers read them
	read -r pm_tap_n pm_tap_failed <"$1/tap.counts"
}
