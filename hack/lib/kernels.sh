# shellcheck shell=sh
# Kernel discovery shared by every QEMU-based test: one place decides which
# Debian kernels this machine can boot and build against.

# Prints one kernel release per line (oldest first) that has both a bootable
# image in /boot and a kbuild tree under /lib/modules/<release>/build.
pm_kernels() {
	for img in /boot/vmlinuz-*; do
		[ -e "$img" ] || continue
		rel=${img#/boot/vmlinuz-}
		[ -f "/lib/modules/$rel/build/Makefile" ] && printf '%s\n' "$rel"
	done | sort -V
}

# Fails with a message naming the missing piece when fewer than the two kernel
# series the project promises (6.1 and 6.12) are installed.
pm_require_kernels() {
	rels=$(pm_kernels)
	for series in 6.1. 6.12.; do
		if ! printf '%s\n' "$rels" | grep -q "^$series"; then
			echo "no Debian $series* kernel with headers installed; run hack/setup" >&2
			return 1
		fi
	done
}
