// SPDX-License-Identifier: GPL-2.0
/*
 * probe - exact system-call checks for the hello_proc guest tests.
 *
 * Shell tools hide what a single read() returned; these checks need the
 * exact return value of every call, a canary behind the buffer, and the
 * errno of module (un)loading. Built with gcc -static for the initramfs.
 *
 * Each command prints a one-line summary, diagnostics on stderr, and exits
 * 0 when the check passed, 1 when it failed, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CANARY_LEN	64
#define CANARY_BYTE	0xA5
#define MAX_TEXT	4096

static char expected[MAX_TEXT];
static size_t explen;
static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# probe: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "E?";
}

static void load_expected(const char *file)
{
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		perror(file);
		exit(2);
	}
	n = read(fd, expected, sizeof(expected));
	if (n <= 0 || (size_t)n == sizeof(expected)) {
		fprintf(stderr, "%s: empty or too long\n", file);
		exit(2);
	}
	explen = n;
	close(fd);
}

static int open_entry(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "# probe: open %s: %s\n", path, errname(errno));
		exit(1);
	}
	return fd;
}

/* Reads must return exactly what was asked (or the rest), nothing more. */
static void expect_read(int fd, size_t size, size_t off, const char *what)
{
	static char buf[MAX_TEXT + CANARY_LEN];
	size_t want = off < explen ? explen - off : 0;
	ssize_t n;

	if (want > size)
		want = size;
	memset(buf + size, CANARY_BYTE, CANARY_LEN);
	n = read(fd, buf, size);
	if (n < 0) {
		fail("%s: read(%zu) at %zu: %s", what, size, off, errname(errno));
		return;
	}
	if ((size_t)n != want)
		fail("%s: read(%zu) at %zu returned %zd, want %zu", what, size, off, n, want);
	else if (memcmp(buf, expected + off, n))
		fail("%s: read(%zu) at %zu: wrong bytes", what, size, off);
	for (size_t i = 0; i < CANARY_LEN; i++) {
		if ((unsigned char)buf[size + i] != CANARY_BYTE) {
			fail("%s: read(%zu) wrote past the buffer (canary byte %zu)", what, size, i);
			break;
		}
	}
}

/* Every read size from min to max reassembles the text; EOF stays EOF. */
static int cmd_sweep(const char *path, size_t min, size_t max)
{
	if (min < 1 || max > MAX_TEXT || min > max)
		return 2;
	for (size_t size = min; size <= max && failures < 5; size++) {
		int fd = open_entry(path);
		size_t off = 0;

		while (off < explen && failures < 5) {
			expect_read(fd, size, off, "sweep");
			off += size;
		}
		for (int i = 0; i < 3; i++)
			expect_read(fd, size, explen, "sweep EOF");
		close(fd);
	}
	printf("read sizes %zu..%zu reassemble %zu bytes exactly\n", min, max, explen);
	return failures ? 1 : 0;
}

static void expect_pread(int fd, size_t size, off_t off, ssize_t want)
{
	static char buf[MAX_TEXT + CANARY_LEN];
	ssize_t n;

	memset(buf + size, CANARY_BYTE, CANARY_LEN);
	n = pread(fd, buf, size, off);
	if (n != want)
		fail("pread(%zu, off=%lld) returned %zd, want %zd", size,
		     (long long)off, n, want);
	else if (n > 0 && memcmp(buf, expected + off, n))
		fail("pread(%zu, off=%lld): wrong bytes", size, (long long)off);
	if (buf[size] != (char)CANARY_BYTE)
		fail("pread(%zu, off=%lld) wrote past the buffer", size, (long long)off);
}

/* pread at every offset, past EOF, and at a negative offset. */
static int cmd_pread(const char *path)
{
	int fd = open_entry(path);

	for (size_t off = 0; off <= explen + 2; off++) {
		expect_pread(fd, MAX_TEXT, off, off < explen ? (ssize_t)(explen - off) : 0);
		if (off < explen)
			expect_pread(fd, 1, off, 1);
	}
	expect_pread(fd, 100, explen + 1000, 0);
	expect_pread(fd, 100, (off_t)1 << 40, 0);
	errno = 0;
	if (pread(fd, expected, 10, -1) != -1 || errno != EINVAL)
		fail("pread(off=-1): want EINVAL, got %s", errname(errno));
	/* pread must not move the file position. */
	expect_read(fd, MAX_TEXT, 0, "read after pread");
	close(fd);
	printf("pread at offsets 0..%zu, past EOF and -1 (EINVAL) exact\n", explen + 2);
	return failures ? 1 : 0;
}

static void expect_seek(int fd, off_t off, int whence, off_t want, int want_errno)
{
	off_t got;

	errno = 0;
	got = lseek(fd, off, whence);
	if (got != want || (want < 0 && errno != want_errno))
		fail("lseek(%lld, %d) = %lld (%s), want %lld", (long long)off,
		     whence, (long long)got, errname(errno), (long long)want);
}

static int cmd_lseek(const char *path)
{
	int fd = open_entry(path);
	size_t mid = explen / 2;

	expect_seek(fd, mid, SEEK_SET, mid, 0);
	expect_read(fd, MAX_TEXT, mid, "read after SEEK_SET");
	expect_seek(fd, 0, SEEK_CUR, explen, 0);
	expect_read(fd, MAX_TEXT, explen, "read at EOF");
	expect_seek(fd, -1, SEEK_CUR, explen - 1, 0);
	expect_read(fd, MAX_TEXT, explen - 1, "read after SEEK_CUR");
	expect_seek(fd, -1, SEEK_SET, -1, EINVAL);
	expect_seek(fd, 0, SEEK_SET, 0, 0);
	expect_read(fd, MAX_TEXT, 0, "read after rewind");
	close(fd);
	printf("lseek SEEK_SET/SEEK_CUR, rewind after EOF and negative EINVAL exact\n");
	return failures ? 1 : 0;
}

/* Two open files of one reader keep independent positions. */
static int cmd_interleave(const char *path)
{
	int a = open_entry(path), b = open_entry(path);
	size_t ka = explen / 3, kb = explen / 2;

	expect_read(a, ka, 0, "fd A");
	expect_read(b, kb, 0, "fd B");
	expect_read(a, MAX_TEXT, ka, "fd A");
	expect_read(b, MAX_TEXT, kb, "fd B");
	expect_read(a, MAX_TEXT, explen, "fd A EOF");
	expect_read(b, MAX_TEXT, explen, "fd B EOF");
	close(a);
	expect_read(b, MAX_TEXT, explen, "fd B EOF after closing A");
	close(b);
	printf("two interleaved fds read %zu bytes each, then EOF\n", explen);
	return failures ? 1 : 0;
}

/* procs processes, each opening, reading to EOF and closing reads times. */
static int cmd_hammer(const char *path, int procs, int reads)
{
	int bad = 0;

	for (int p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			for (int i = 0; i < reads && !failures; i++) {
				int fd = open_entry(path);

				expect_read(fd, MAX_TEXT, 0, "hammer");
				expect_read(fd, MAX_TEXT, explen, "hammer EOF");
				close(fd);
			}
			_exit(failures ? 1 : 0);
		}
	}
	for (int p = 0; p < procs; p++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	printf("%d processes x %d reads: %d failed\n", procs, reads, bad);
	return bad ? 1 : 0;
}

/* The entry has no write handler: a write must fail with EIO. */
static int cmd_write(const char *path)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		printf("open for writing: %s\n", errname(errno));
		return errno == EACCES ? 0 : 1;
	}
	errno = 0;
	n = write(fd, "x", 1);
	printf("write returned %zd (%s)\n", n, errname(errno));
	close(fd);
	return n == -1 && errno == EIO ? 0 : 1;
}

/* A read into an unmapped buffer gives EFAULT and does not move the position. */
static int cmd_efault(const char *path)
{
	int fd = open_entry(path);
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ssize_t n;

	if (page == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	errno = 0;
	n = read(fd, page, 10);
	if (n != -1 || errno != EFAULT)
		fail("read into PROT_NONE page returned %zd (%s), want EFAULT", n, errname(errno));
	expect_read(fd, MAX_TEXT, 0, "read after EFAULT");
	close(fd);
	printf("read into an unmapped buffer: EFAULT, position unchanged\n");
	return failures ? 1 : 0;
}

static int load_module(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror(ko);
		return errno;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		int err = errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

static int unload_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

/* Prints OK or the errno name, so the caller can assert the exact outcome. */
static int report(int err)
{
	puts(err ? errname(err) : "OK");
	return err ? 1 : 0;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/*
 * Unload the module from a child while this process holds the entry open,
 * then read the stale fd. The child's pid is printed so the caller can
 * match the release log line to it.
 */
static int cmd_stale(const char *path, const char *name)
{
	char sysdir[256], refpath[272], refcnt[16] = "";
	int fd = open_entry(path), rfd, status;
	pid_t pid;
	ssize_t n;

	snprintf(sysdir, sizeof(sysdir), "/sys/module/%s", name);
	expect_read(fd, 1, 0, "before unload");
	snprintf(refpath, sizeof(refpath), "%s/refcnt", sysdir);
	rfd = open(refpath, O_RDONLY);
	n = rfd < 0 ? -1 : read(rfd, refcnt, sizeof(refcnt) - 1);
	if (rfd >= 0)
		close(rfd);
	if (n != 2 || strncmp(refcnt, "0\n", 2))
		fail("refcnt with a reader open is not 0");
	pid = fork();
	if (pid == 0)
		_exit(unload_module(name));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		fail("unload child did not finish");
		return 1;
	}
	if (WEXITSTATUS(status))
		fail("unload with a reader open: %s", errname(WEXITSTATUS(status)));
	if (exists(path))
		fail("%s still exists", path);
	if (exists(sysdir))
		fail("%s still exists", sysdir);
	errno = 0;
	n = read(fd, expected, 1);
	if (n != -1 || errno != EIO)
		fail("read on stale fd returned %zd (%s), want EIO", n, errname(errno));
	if (close(fd))
		fail("close of stale fd: %s", errname(errno));
	printf("unloaded by pid %d with a reader open; stale fd read gives EIO\n", pid);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "load") && argc == 4)
		return report(load_module(argv[2], argv[3]));
	if (!strcmp(cmd, "unload") && argc == 3)
		return report(unload_module(argv[2]));
	if (!strcmp(cmd, "stale") && argc == 5) {
		load_expected(argv[4]);
		return cmd_stale(argv[2], argv[3]);
	}
	if (argc < 4)
		goto usage;
	load_expected(argv[3]);
	if (!strcmp(cmd, "sweep") && argc == 6)
		return cmd_sweep(argv[2], strtoul(argv[4], NULL, 10),
				 strtoul(argv[5], NULL, 10));
	if (!strcmp(cmd, "pread") && argc == 4)
		return cmd_pread(argv[2]);
	if (!strcmp(cmd, "lseek") && argc == 4)
		return cmd_lseek(argv[2]);
	if (!strcmp(cmd, "interleave") && argc == 4)
		return cmd_interleave(argv[2]);
	if (!strcmp(cmd, "hammer") && argc == 6)
		return cmd_hammer(argv[2], atoi(argv[4]), atoi(argv[5]));
	if (!strcmp(cmd, "write") && argc == 4)
		return cmd_write(argv[2]);
	if (!strcmp(cmd, "efault") && argc == 4)
		return cmd_efault(argv[2]);
usage:
	fprintf(stderr,
		"usage: probe load KO PARAMS | unload NAME | stale PATH NAME EXPECTED\n"
		"       probe sweep PATH EXPECTED MIN MAX | pread|lseek|interleave|write|efault PATH EXPECTED\n"
		"       probe hammer PATH EXPECTED PROCS READS\n");
	return 2;
}
