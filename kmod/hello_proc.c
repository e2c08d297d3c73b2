// SPDX-License-Identifier: GPL-2.0
/*
 * hello_proc - the classic "Hello World for /proc" lecture module, done right.
 *
 * As in the classic lecture version, module_init creates /proc/<entry_name>
 * with proc_create(), module_exit removes it, and the open, read and release
 * callbacks each log a line. Unlike that version, the text is built once and
 * never changed, every open gets its own copy in file->private_data, reads
 * honour size and offset, so any number of concurrent readers is safe, and
 * the callbacks' logging is rate-limited, so no reader can flood the kernel
 * log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>

/*
 * The operator states these limits once (operator/.../api/Limits.java);
 * LimitsTest fails when these lines disagree with it.
 */
#define ENTRY_NAME_MAX	64
/* Also param_set_charp()'s own limit: longer values never reach us. */
#define MESSAGE_MAX	1024

/*
 * Kbuild sets HELLO_HAVE_PROC_OPS from the tree's proc_fs.h, which also
 * catches distribution backports; the version test is only the fallback
 * for trees where that header could not be inspected.
 */
#ifndef HELLO_HAVE_PROC_OPS
#if KERNEL_VERSION(5, 6, 0) <= LINUX_VERSION_CODE
#define HELLO_HAVE_PROC_OPS 1
#else
#define HELLO_HAVE_PROC_OPS 0
#endif
#endif

static char *entry_name = "hello_world";
module_param(entry_name, charp, 0444);
MODULE_PARM_DESC(entry_name,
		 "name of the /proc entry: 1-64 chars of [A-Za-z0-9._-], not . or .., not all digits (default hello_world)");

static char *message = "Hello, World!";
module_param(message, charp, 0444);
MODULE_PARM_DESC(message,
		 "text the entry reads, a newline is appended: 1-1024 printable ASCII chars (default \"Hello, World!\")");

static bool log_calls = true;
module_param(log_calls, bool, 0644);
MODULE_PARM_DESC(log_calls, "log open, read and release, at most 4 lines a minute (default Y)");

/*
 * Any process that reads the entry (a probe every few seconds, a loop in a
 * pod) would otherwise grow the kernel log without bound. One state shared
 * by all three callbacks lets one whole open/read/read/release sequence
 * through per minute: at most 4 lines plus one "callbacks suppressed" line,
 * i.e. 300 lines an hour, whatever the readers do.
 */
static DEFINE_RATELIMIT_STATE(call_log_rs, 60 * HZ, 4);

#define log_call(fmt, ...)						\
	do {								\
		if (READ_ONCE(log_calls) && __ratelimit(&call_log_rs))	\
			pr_info(fmt, ##__VA_ARGS__);			\
	} while (0)

/* Built once in init and never modified, so readers need no locking. */
static char *text;
static size_t text_len;
static struct proc_dir_entry *entry;

static bool entry_name_valid(const char *name)
{
	bool all_digits = true;
	size_t len, i;

	if (!name)
		return false;
	len = strnlen(name, ENTRY_NAME_MAX + 1);
	if (len == 0 || len > ENTRY_NAME_MAX)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		/* isascii() first: the kernel's ctype also classifies Latin-1. */
		if (!isascii(c) || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
			return false;
		if (!isdigit(c))
			all_digits = false;
	}
	/* /proc/<digits> would be shadowed by the PID directory of that number. */
	return !all_digits;
}

static bool message_valid(const char *msg)
{
	size_t len, i;

	if (!msg)
		return false;
	len = strnlen(msg, MESSAGE_MAX + 1);
	if (len == 0 || len > MESSAGE_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = msg[i];

		if (!isascii(c) || !isprint(c))
			return false;
	}
	return true;
}

static int hello_proc_open(struct inode *inode, struct file *file)
{
	/* Per-open state lives in the file, never in a global. */
	file->private_data = kmemdup(text, text_len, GFP_KERNEL);
	if (!file->private_data)
		return -ENOMEM;
	log_call("open: pid %d (%s)\n", task_pid_nr(current), current->comm);
	return 0;
}

static ssize_t hello_proc_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	loff_t pos = *ppos;
	ssize_t ret;

	/* Honours count and *ppos, 0 at EOF, -EINVAL for pos < 0, -EFAULT. */
	ret = simple_read_from_buffer(buf, count, ppos, file->private_data,
				      text_len);
	log_call("read: pid %d count=%zu pos=%lld ret=%zd\n",
		 task_pid_nr(current), count, pos, ret);
	return ret;
}

static int hello_proc_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	log_call("release: pid %d (%s)\n", task_pid_nr(current),
		 current->comm);
	return 0;
}

#if HELLO_HAVE_PROC_OPS
static const struct proc_ops hello_proc_ops = {
	.proc_open	= hello_proc_open,
	.proc_read	= hello_proc_read,
	/* Without proc_lseek, procfs makes the file unseekable (ESPIPE). */
	.proc_lseek	= default_llseek,
	.proc_release	= hello_proc_release,
};
#else
static const struct file_operations hello_proc_ops = {
	.owner		= THIS_MODULE,
	.open		= hello_proc_open,
	.read		= hello_proc_read,
	.llseek		= default_llseek,
	.release	= hello_proc_release,
};
#endif

static int __init hello_proc_init(void)
{
	if (!entry_name_valid(entry_name)) {
		pr_err("invalid entry_name: want 1-%d chars of [A-Za-z0-9._-], not . or .., not all digits\n",
		       ENTRY_NAME_MAX);
		return -EINVAL;
	}
	if (!message_valid(message)) {
		pr_err("invalid message: want 1-%d printable ASCII chars\n",
		       MESSAGE_MAX);
		return -EINVAL;
	}

	text = kasprintf(GFP_KERNEL, "%s\n", message);
	if (!text)
		return -ENOMEM;
	text_len = strlen(text);

	/* Last step: the entry can be opened as soon as it exists. */
	entry = proc_create(entry_name, 0444, NULL, &hello_proc_ops);
	if (!entry) {
		/*
		 * The name is valid, so a clash is the practical cause. The
		 * existing entry belongs to someone else: leave it alone.
		 */
		pr_err("cannot create /proc/%s: entry already exists (or out of memory)\n",
		       entry_name);
		kfree(text);
		return -EEXIST;
	}
	pr_info("created /proc/%s (%zu bytes)\n", entry_name, text_len);
	return 0;
}

static void __exit hello_proc_exit(void)
{
	/* Waits for running callbacks and releases files still open. */
	proc_remove(entry);
	kfree(text);
	pr_info("removed /proc/%s\n", entry_name);
}

module_init(hello_proc_init);
module_exit(hello_proc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hello World for /proc: a read-only entry with a configurable name and text");
MODULE_VERSION("1.0");
