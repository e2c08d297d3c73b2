# shellcheck shell=sh
# Sourced by every fake: records the call verbatim, one argument per line.
record_call() {
	{
		printf '== %s\n' "${0##*/}"
		for a in "$@"; do printf '%s\n' "$a"; done
	} >> "$FAKE_DIR/calls"
}

# Appends the lines of $FAKE_DIR/klog to the fake kernel log $FAKE_DIR/kmsg
# (which the unit tests show at $PM_ROOT/dev/kmsg) as /dev/kmsg records
# ("<prio>,<seq>,<usec>,<flags>;<text>"), keeping only the newest
# $FAKE_DIR/kmsg_capacity records (default 1000) like the ring buffer.
log_kernel_lines() {
	[ -f "$FAKE_DIR/klog" ] || return 0
	kmsg=$FAKE_DIR/kmsg
	seq=$(tail -n 1 "$kmsg" | cut -d, -f2)
	awk -v seq="${seq:-0}" '{ print "6," ++seq "," seq * 1000 ",-;" $0 }' "$FAKE_DIR/klog" >> "$kmsg"
	tail -n "$(cat "$FAKE_DIR/kmsg_capacity" 2>/dev/null || echo 1000)" "$kmsg" > "$kmsg.new" && mv "$kmsg.new" "$kmsg"
}
