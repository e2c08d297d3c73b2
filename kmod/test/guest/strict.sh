#!/bin/sh
# Strict scenario: booted with slub_debug=FZPU panic_on_warn=1 oops=panic, so
# heap misuse or any WARN kills the boot before the end marker. Covers load,
# content, the read() contract, concurrency, unload with a reader, parameters,
# refusals, side-by-side instances and kernel health.
# shellcheck source=kmod/test/guest/lib.sh
. /test/lib.sh

KO=$KO_DIR/hello_proc.ko
TWO=$KO_DIR/hello_proc_two.ko
ENTRY=/proc/hello_world
SYS=/sys/module/hello_proc
DEFAULT='Hello, World!'

# --- load and content ---
check "default load succeeds" load "$KO" "" OK
check "initstate is live" file_is "$SYS/initstate" live
check "$ENTRY has mode 0444" mode_is "$ENTRY" 444
check "sysfs read-back: entry_name=hello_world" file_is "$SYS/parameters/entry_name" hello_world
check "sysfs read-back: message='$DEFAULT'" file_is "$SYS/parameters/message" "$DEFAULT"
check "sysfs read-back: log_calls=Y" file_is "$SYS/parameters/log_calls" Y
check "srcversion equals the built .ko's" file_is "$SYS/srcversion" "$(cat "$KO_DIR/hello_proc.srcversion")"
check "log: 'hello_proc: created /proc/hello_world (14 bytes)'" log_has "hello_proc: created /proc/hello_world (14 bytes)"

klog_mark
check "cat reads exactly 'Hello, World!\\n' (cmp)" content_is "$ENTRY" "$DEFAULT"

callbacks_logged() {
	if ! log_has "hello_proc: open: pid " ||
		[ "$(log_count 'hello_proc: read: pid [0-9]+ count=[0-9]+ pos=0 ret=14$')" != 1 ] ||
		[ "$(log_count 'hello_proc: read: pid [0-9]+ count=[0-9]+ pos=14 ret=0$')" != 1 ] ||
		! log_has "hello_proc: release: pid "; then
		dmesg
		return 1
	fi
}
check "open, read (pos 0 ret 14, pos 14 ret 0) and release are logged" callbacks_logged

log_calls_off() {
	echo N >"$SYS/parameters/log_calls" && klog_mark && cat "$ENTRY" >/dev/null &&
		[ "$(log_count 'hello_proc:')" = 0 ]
}
check "log_calls=N via sysfs silences the callbacks" log_calls_off

# --- read() contract (log_calls off) ---
expect "$DEFAULT"
check "read sizes 1..4096 (full sweep) reassemble exactly, never over count, canary intact, EOF stays EOF" \
	"$PROBE" sweep "$ENTRY" "$EXPECTED" 1 4096
check "pread at every offset, past EOF gives 0, offset -1 gives EINVAL" "$PROBE" pread "$ENTRY" "$EXPECTED"
check "lseek SEEK_SET/SEEK_CUR, rewind after EOF, negative gives EINVAL" "$PROBE" lseek "$ENTRY" "$EXPECTED"

dd_skip() {
	[ "$(dd if="$ENTRY" bs=1 skip=7 2>/dev/null)" = "World!" ]
}
check "dd bs=1 skip=7 gives 'World!'" dd_skip
check "two interleaved open fds each read the whole text, then EOF" "$PROBE" interleave "$ENTRY" "$EXPECTED"
check "read into an unmapped buffer gives EFAULT, position unchanged" "$PROBE" efault "$ENTRY" "$EXPECTED"
check "write fails with EIO" "$PROBE" write "$ENTRY" "$EXPECTED"

# --- concurrency ---
check "4 processes x 500 open/read/close all exact (log_calls=N)" "$PROBE" hammer "$ENTRY" "$EXPECTED" 4 500

cat_loop() {
	i=0
	while [ "$i" -lt 30 ]; do
		cmp -s "$EXPECTED" "$ENTRY" || { echo "loop $1: mismatch at $i"; return 1; }
		i=$((i + 1))
	done
}
two_cat_loops() {
	cat_loop a & a=$!
	cat_loop b & b=$!
	wait "$a" && wait "$b"
}
check "two concurrent shell cmp loops x 30 all exact" two_cat_loops

# The callbacks share one rate limit: 4 lines per 60 s, and one
# "callbacks suppressed" line when a new interval starts after a loss. A
# 65 s flood on a fresh load therefore spans two intervals: 8 callback lines
# and 1 suppressed line, whatever the number of reads. Prints the log growth.
flood_seconds=65
logged_flood() {
	unload hello_proc && load "$KO" "" OK && klog_mark || return 1
	start=$(cut -d. -f1 /proc/uptime)
	rounds=0
	while [ $(($(cut -d. -f1 /proc/uptime) - start)) -lt "$flood_seconds" ]; do
		"$PROBE" hammer "$ENTRY" "$EXPECTED" 2 100 >/dev/null || return 1
		rounds=$((rounds + 1))
	done
	secs=$(($(cut -d. -f1 /proc/uptime) - start))
	opens=$((rounds * 200))
	dmesg | grep -E 'hello_proc: (open|read|release): |hello_proc_[a-z]+: [0-9]+ callbacks suppressed' >/tmp/flood
	calls=$(grep -cE 'hello_proc: (open|read|release): ' /tmp/flood)
	suppressed=$(grep -c 'callbacks suppressed' /tmp/flood)
	bytes=$(wc -c </tmp/flood)
	echo "# log growth: $opens opens in ${secs}s (unlimited: $((opens * 4 * 3600 / secs)) lines/h) logged $calls callback + $suppressed suppressed lines, $bytes bytes; steady state at most 60 x (4 + 1) = 300 lines/h, about $((bytes * 300 / (calls + suppressed) / 1024)) KiB/h" >/tmp/flood-summary
	cat /tmp/flood-summary /tmp/flood
	[ "$opens" -gt 8 ] && [ "$calls" = 8 ] && [ "$suppressed" = 1 ]
}
check "a ${flood_seconds}s read flood logs 8 callback lines and 1 'callbacks suppressed' line (4 per 60 s)" logged_flood
cat /tmp/flood-summary

# --- unload with a reader's file open ---
unload_with_reader() {
	# A fresh load resets the rate limit, so the 4 lines of this reader show.
	unload hello_proc && load "$KO" "" OK || return 1
	klog_mark
	out=$("$PROBE" stale "$ENTRY" hello_proc "$EXPECTED") || { echo "$out"; return 1; }
	pid=${out#*by pid }
	pid=${pid%% *}
	# The release of the reader's file comes from the unloading process.
	dmesg | sed -n "/hello_proc: release: pid $pid /,\$p" | grep -q 'hello_proc: removed /proc/hello_world' ||
		{ echo "$out"; dmesg; return 1; }
}
check "unload with a reader's fd open: refcnt 0, entry and sysfs gone, release from the unloader, stale fd gives EIO" \
	unload_with_reader

# --- custom parameters ---
MSG="Hi from $(uname -r)"
check "custom entry_name=greeting and message with spaces load" \
	load "$KO" "entry_name=greeting message=\"$MSG\"" OK
check "/proc/greeting reads '$MSG\\n' exactly" content_is /proc/greeting "$MSG"
check "no /proc/hello_world with a custom entry_name" absent "$ENTRY"
check "sysfs read-back: entry_name=greeting" file_is "$SYS/parameters/entry_name" greeting
check "sysfs read-back: message with spaces" file_is "$SYS/parameters/message" "$MSG"
unload_custom() {
	unload hello_proc && absent /proc/greeting
}
check "custom instance unloads and /proc/greeting is gone" unload_custom

repeat() {
	printf "%$2s" "" | tr ' ' "$1"
}
NAME64=$(repeat n 64)
MSG1024=$(repeat m 1024)
check "64-char entry_name and 1024-char message load (limits)" \
	load "$KO" "entry_name=$NAME64 message=$MSG1024 log_calls=N" OK
check "1024-char message reads exactly (1025 bytes)" content_is "/proc/$NAME64" "$MSG1024"
expect "$MSG1024"
check "read sizes 1..4096 (full sweep) reassemble the 1025-byte text exactly" \
	"$PROBE" sweep "/proc/$NAME64" "$EXPECTED" 1 4096
check "pread at every offset of the 1025-byte text" "$PROBE" pread "/proc/$NAME64" "$EXPECTED"
check "limits instance unloads" unload hello_proc

# --- invalid parameters: refused, nothing loaded, no entry ---
check "entry_name='' refused with EINVAL, nothing left" refuse "$KO" "entry_name=" EINVAL "$ENTRY"
check "entry_name=a/b refused with EINVAL, nothing left" refuse "$KO" "entry_name=a/b" EINVAL "$ENTRY" /proc/a
check "entry_name=. refused with EINVAL, nothing left" refuse "$KO" "entry_name=." EINVAL "$ENTRY"
check "entry_name=.. refused with EINVAL, nothing left" refuse "$KO" "entry_name=.." EINVAL "$ENTRY"
NAME65=$(repeat n 65)
check "65-char entry_name refused with EINVAL, nothing left" refuse "$KO" "entry_name=$NAME65" EINVAL "$ENTRY" "/proc/$NAME65"
check "all-digit entry_name=12345 refused with EINVAL, nothing left" refuse "$KO" "entry_name=12345" EINVAL "$ENTRY"
check "entry_name with a control char refused with EINVAL, nothing left" \
	refuse "$KO" "entry_name=$(printf 'a\001b')" EINVAL "$ENTRY"
check "entry_name with non-ASCII bytes refused with EINVAL, nothing left" \
	refuse "$KO" "entry_name=$(printf 'caf\303\251')" EINVAL "$ENTRY"
check "empty message refused with EINVAL, nothing left" refuse "$KO" "message=" EINVAL "$ENTRY"
check "message with a tab refused with EINVAL, nothing left" \
	refuse "$KO" "message=\"$(printf 'a\tb')\"" EINVAL "$ENTRY"
check "message with a control char refused with EINVAL, nothing left" \
	refuse "$KO" "message=$(printf 'a\001b')" EINVAL "$ENTRY"
check "message with non-ASCII bytes refused with EINVAL, nothing left" \
	refuse "$KO" "message=$(printf 'caf\303\251')" EINVAL "$ENTRY"
check "1025-char message refused (kernel: ENOSPC), nothing left" \
	refuse "$KO" "message=$(repeat m 1025)" ENOSPC "$ENTRY"
check "log names the rule: 'hello_proc: invalid entry_name: want 1-64 chars'" \
	log_has "hello_proc: invalid entry_name: want 1-64 chars of [A-Za-z0-9._-]"

# --- second load of the same name; two instances side by side ---
check "default instance loads again" load "$KO" "" OK
check "second load of the same module refused with EEXIST" load "$KO" "entry_name=other" EEXIST
first_intact() {
	content_is "$ENTRY" "$DEFAULT" && absent /proc/other
}
check "after the refused load the first entry is intact and /proc/other absent" first_intact

check "second instance (MODULE_NAME=hello_proc_two) loads beside the first" \
	load "$TWO" "entry_name=second message=\"second instance\"" OK
check "/proc/second reads 'second instance\\n' exactly" content_is /proc/second "second instance"
check "/proc/hello_world still reads '$DEFAULT\\n' exactly" content_is "$ENTRY" "$DEFAULT"
second_sysfs() {
	file_is /sys/module/hello_proc_two/parameters/entry_name second &&
		file_is /sys/module/hello_proc_two/parameters/message "second instance" &&
		file_is /sys/module/hello_proc_two/srcversion "$(cat "$KO_DIR/hello_proc_two.srcversion")"
}
check "second instance: own sysfs read-back and srcversion" second_sysfs
check "second instance logs with its own prefix: 'hello_proc_two: created /proc/second (16 bytes)'" \
	log_has "hello_proc_two: created /proc/second (16 bytes)"
unload_second() {
	unload hello_proc_two && absent /proc/second && content_is "$ENTRY" "$DEFAULT"
}
check "unloading the second instance leaves the first intact" unload_second
unload_first() {
	unload hello_proc && absent "$ENTRY"
}
check "first instance unloads; no entry left" unload_first

# --- kernel health ---
check "kernel log of this boot has no WARNING:, BUG, Oops or general protection" log_clean
check "taint is exactly 12288 (O+E: out-of-tree, unsigned)" file_is /proc/sys/kernel/tainted 12288
finish
