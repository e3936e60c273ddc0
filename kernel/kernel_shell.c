/* kernel_shell.c - the kernel's own shell commands. */
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/shell.h"

extern const char *kern_boot_loader;

static int cmd_version(int argc, char **argv)
{
    (void)argc, (void)argv;
    plat_printf("hotmem %s (built %s %s), loader: %s, %u cpus online\n", HOTMEM_VERSION, __DATE__, __TIME__,
                kern_boot_loader ? kern_boot_loader : "?", ncpus_online);
    return 0;
}
SHELL_COMMAND("version", "", "kernel version and boot loader", cmd_version);

static int cmd_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint64_t ns = kern_uptime_ns();
    plat_printf("up %llu.%03llu s, %llu timer ticks\n", (unsigned long long)(ns / 1000000000),
                (unsigned long long)(ns / 1000000 % 1000), (unsigned long long)timer_ticks);
    plat_printf("console input: ring full %llu times (the rest waited in the UART)\n",
                (unsigned long long)serial_rx_throttles);
    return 0;
}
SHELL_COMMAND("uptime", "", "time since boot; times console input filled its ring", cmd_uptime);

/* input-hold: keep the shell busy until console input has filled its ring (or 30 s passed). */
static int cmd_input_hold(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("takes no arguments");
    uint64_t deadline = kern_uptime_ns() + 30000000000ull;
    while (!serial_rx_throttled() && kern_uptime_ns() < deadline)
        sched_yield_or_halt(); /* the next interrupt: a received byte or a tick */
    if (!serial_rx_throttled())
        return shell_error("console input did not fill its ring within 30 s");
    plat_printf("input-hold: the ring is full, input waits in the UART\n");
    return 0;
}
SHELL_COMMAND("input-hold", "", "test aid: keep the shell busy until typed-ahead input fills its ring",
              cmd_input_hold);

static int cmd_log(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("takes no arguments");
    printk_dump_log();
    return 0;
}
SHELL_COMMAND("log", "", "print the kernel log (all levels)", cmd_log);

static int cmd_loglevel(int argc, char **argv)
{
    unsigned long long v;
    if (argc == 1) {
        plat_printf("loglevel %d (0 errors .. 3 debug)\n", kern_loglevel);
        return 0;
    }
    if (argc > 2 || shell_parse_u64(argv[1], &v) || v > LOG_DEBUG)
        return shell_error("usage: loglevel [0-3]");
    kern_loglevel = (int)v;
    return 0;
}
SHELL_COMMAND("loglevel", "[0-3]", "show or set which log lines reach the console", cmd_loglevel);

static int cmd_reboot(int argc, char **argv)
{
    (void)argc, (void)argv;
    plat_printf("rebooting\n");
    kern_reboot();
}
SHELL_COMMAND("reboot", "", "reset the machine", cmd_reboot);

/* Fault on purpose so that the exception report and backtrace can be seen (and tested). */
static __attribute__((noinline)) int crash_fault(const char *how)
{
    if (!strcmp(how, "panic"))
        panic("crash command asked for a panic");
    if (!strcmp(how, "ud"))
        __asm__ volatile("ud2");
    if (!strcmp(how, "stack")) {
        volatile char big[1024];
        big[0] = 1;
        return crash_fault("stack") + big[0];
    }
    return *(volatile int *)0xdead0000ull; /* page fault: not mapped */
}

static int cmd_crash(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "pf";
    if (strcmp(how, "pf") && strcmp(how, "ud") && strcmp(how, "panic") && strcmp(how, "stack"))
        return shell_error("usage: crash [pf|ud|panic|stack]");
    return crash_fault(how);
}
SHELL_COMMAND("crash", "[pf|ud|panic|stack]", "test aid: fault on purpose (stops the kernel)", cmd_crash);
