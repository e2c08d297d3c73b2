# shellcheck shell=sh
# Guest-side helpers shared by the scenarios. Every check prints one TAP line
# without a number ("ok - ..." / "not ok - ..."); the host numbers and counts
# them. A failing check's output follows as "# " comment lines.

PROBE=/bin/probe
# shellcheck disable=SC2034 # used by the scenarios that source this file
KO_DIR=/lib/hp
EXPECTED=/tmp/expected
KLOG=/tmp/klog
failures=0

check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		printf '%s\n' "$out" | sed 's/^/# /'
		failures=$((failures + 1))
	fi
}

# Writes the bytes an entry configured with message $1 must read.
expect() {
	printf '%s\n' "$1" >"$EXPECTED"
}

# Exact bytes: the trailing newline and the length matter, so cmp, not grep.
content_is() {
	expect "$2"
	cmp "$EXPECTED" "$1"
}

file_is() {
	got=$(cat "$1") || return 1
	[ "$got" = "$2" ] || { echo "$1 is '$got', want '$2'"; return 1; }
}

absent() {
	for p in "$@"; do
		if [ -e "$p" ]; then
			echo "$p exists"
			return 1
		fi
	done
}

mode_is() {
	got=$(stat -c %a "$1") || return 1
	[ "$got" = "$2" ] || { echo "mode of $1 is $got, want $2"; return 1; }
}

# load KO PARAMS WANT: finit_module's outcome must be WANT (OK or an errno name).
load() {
	got=$("$PROBE" load "$1" "$2")
	[ "$got" = "$3" ] || { echo "loading $1 with '$2' gave $got, want $3"; return 1; }
}

# unload NAME: delete_module succeeds and the module's sysfs directory is gone.
unload() {
	got=$("$PROBE" unload "$1")
	[ "$got" = OK ] || { echo "unloading $1 gave $got"; return 1; }
	absent "/sys/module/$1"
}

# refuse KO PARAMS ERRNO [PATH...]: the load fails with ERRNO and leaves
# neither the module nor any of the given paths behind.
refuse() {
	ko=$1 params=$2 want=$3
	shift 3
	name=${ko##*/}
	load "$ko" "$params" "$want" && absent "/sys/module/${name%.ko}" "$@"
}

# Kernel log handling: klog_mark moves everything logged so far into $KLOG,
# so "dmesg" then shows only what happened since the mark.
klog_mark() {
	dmesg -c >>"$KLOG"
}

log_has() {
	dmesg | grep -qF "$1" || { echo "kernel log lacks '$1'"; return 1; }
}

# Counts kernel log lines since the last mark that match an extended regex.
log_count() {
	dmesg | grep -cE "$1"
}

# Nothing a broken module produces (WARN, BUG incl. slub_debug reports,
# oopses, GPFs) may appear anywhere in the log of this boot.
log_clean_except() {
	allowed=$1
	klog_mark
	bad=$(grep -E 'WARNING:|BUG|Oops|general protection' "$KLOG" | grep -vE "$allowed")
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

finish() {
	if [ "$failures" -gt 0 ]; then
		klog_mark
		echo "# last kernel log lines:"
		tail -n 60 "$KLOG" | sed 's/^/# klog: /'
	fi
}
