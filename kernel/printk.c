/* printk.c - leveled kernel log: every line goes to a ring (the `log` command), and to the console
 * when its level is at or below kern_loglevel (kernel command line loglevel=N).
 *
 * The console is shared by the shell and every CPU's log lines. While the shell is busy (a line
 * being typed or a command running: console_set_busy), lines logged by other threads are held
 * back (up to DEFER_SIZE bytes, then dropped from the console and counted - they stay in the
 * ring) and printed before the next prompt, so they never split the shell's echo or output.
 * Programs' output (console_write_other) is held back the same way. */
#include <stdio.h>
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/sched.h"

int kern_loglevel = LOG_INFO;

#define LOG_RING 16384 /* bytes of log history kept for `log` */
static char ring[LOG_RING];
static size_t ring_pos; /* total bytes ever written */
static const char level_ch[] = "EWID";
#define DEFER_SIZE 8192
/* The log ring and console output (platform.h LOCK ORDER: a leaf). */
static struct plat_spinlock console_lock = PLAT_SPINLOCK_INIT("console", PLAT_RANK_CONSOLE, 0);
static char deferred[DEFER_SIZE];
static size_t ndeferred;
static bool console_busy;
static const struct thread *console_owner;
uint64_t console_deferred_dropped; /* bytes of held-back lines that did not fit */

/* The shell's thread: its own log lines are never held back. */
void console_set_owner(const struct thread *t)
{
    console_owner = t;
}

/* Write n bytes to the console under the console lock (the shell's output). */
void console_write(const char *s, size_t n)
{
    unsigned long f = plat_spin_lock_irqsave(&console_lock);
    serial_write(s, n);
    plat_spin_unlock_irqrestore(&console_lock, f);
}

/* Print n bytes of a thread's output, or hold them back while the shell is busy and the writer is
 * not the shell (console_lock held). */
static void console_out_locked(const char *s, size_t n)
{
    if (!console_busy || !console_owner || sched_current() == console_owner) {
        serial_write(s, n);
    } else if (ndeferred + n <= DEFER_SIZE) {
        memcpy(deferred + ndeferred, s, n);
        ndeferred += n;
    } else {
        console_deferred_dropped += (uint64_t)n;
    }
}

/* Write n bytes of output of a thread other than the shell (a program's write): held back while
 * a line is being typed or a command runs, like log lines. */
void console_write_other(const char *s, size_t n)
{
    unsigned long f = plat_spin_lock_irqsave(&console_lock);
    console_out_locked(s, n);
    plat_spin_unlock_irqrestore(&console_lock, f);
}

/* Mark the shell busy (hold back other threads' lines) or idle (print what was held back). */
void console_set_busy(bool busy)
{
    unsigned long f = plat_spin_lock_irqsave(&console_lock);
    if (!busy && ndeferred) {
        serial_write(deferred, ndeferred);
        ndeferred = 0;
    }
    console_busy = busy;
    plat_spin_unlock_irqrestore(&console_lock, f);
}

/* Append text to the log ring. */
static void ring_put(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ring[(ring_pos + i) % LOG_RING] = s[i];
    ring_pos += n;
}

/* Format one log line "[sec.usec] L subsys: text". */
void vprintk(int level, const char *subsys, const char *fmt, va_list ap)
{
    char line[512];
    uint64_t ns = kern_uptime_ns();
    int n = snprintf(line, sizeof line, "[%5llu.%06llu] %c %s: ", (unsigned long long)(ns / 1000000000),
                     (unsigned long long)(ns / 1000 % 1000000), level_ch[level & 3], subsys);
    n += vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    if (n > (int)sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    unsigned long flags = plat_spin_lock_irqsave(&console_lock);
    ring_put(line, n);
    if (level <= kern_loglevel)
        console_out_locked(line, (size_t)n);
    plat_spin_unlock_irqrestore(&console_lock, flags);
}

/* Log a kernel line at a level. */
void printk(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(level, "kernel", fmt, ap);
    va_end(ap);
}

/* Print the log ring, oldest line first. */
void printk_dump_log(void)
{
    size_t start = ring_pos > LOG_RING ? ring_pos - LOG_RING : 0;
    /* skip the partial first line when the ring has wrapped */
    unsigned long f = plat_spin_lock_irqsave(&console_lock);
    if (start)
        while (start < ring_pos && ring[start % LOG_RING] != '\n')
            start++;
    for (size_t i = start; i < ring_pos; i++)
        serial_write(&ring[i % LOG_RING], 1);
    plat_spin_unlock_irqrestore(&console_lock, f);
}
