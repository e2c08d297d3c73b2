#!/bin/sh
# Clash scenario: an entry-name clash makes proc_register() WARN, so this boot
# runs without panic_on_warn (slub_debug stays on). The clash must be refused
# with EEXIST and leave the other entry untouched; taint gains W only here.
# shellcheck source=kmod/test/guest/lib.sh
. /test/lib.sh

KO=$KO_DIR/hello_proc.ko
TWO=$KO_DIR/hello_proc_two.ko
ENTRY=/proc/hello_world
DEFAULT='Hello, World!'

check "default instance loads" load "$KO" "" OK
check "taint is 12288 (O+E) before any clash" file_is /proc/sys/kernel/tainted 12288
klog_mark
check "hello_proc_two with entry_name=hello_world refused with EEXIST, not loaded" \
	refuse "$TWO" "entry_name=hello_world" EEXIST
owner_intact() {
	content_is "$ENTRY" "$DEFAULT" && file_is /sys/module/hello_proc/initstate live
}
check "the owner's /proc/hello_world is intact and still live" owner_intact
clash_logged() {
	log_has "proc_dir_entry '/proc/hello_world' already registered" &&
		log_has "hello_proc_two: cannot create /proc/hello_world: entry already exists"
}
check "log: 'already registered' and 'hello_proc_two: cannot create /proc/hello_world: entry already exists'" \
	clash_logged

cp /proc/version /tmp/version
check "entry_name=version (a kernel entry) refused with EEXIST, not loaded" \
	refuse "$TWO" "entry_name=version" EEXIST
check "/proc/version is intact" cmp /tmp/version /proc/version
check "taint gained exactly W: 12800 (O+E+W)" file_is /proc/sys/kernel/tainted 12800
owner_unloads() {
	unload hello_proc && absent "$ENTRY"
}
check "the owner unloads; /proc/hello_world is gone" owner_unloads
check "only the expected proc_register WARNINGs; no BUG, Oops or general protection" \
	log_clean_except 'WARNING: CPU: [0-9]+ PID: [0-9]+ at fs/proc/generic.c:[0-9]+ proc_register'
finish
