/* proc_shell.c - shell commands for user processes: run, ps, kill, progs, user.
 * `ps` lines: pid=N name=S state=running|killing|exited cpu=C resident=N [nX_normal=N]
 * [nX_movable=N] passes=N errors=N faults=N migration_waits=N stall_max_us=N exit="msg". */
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/shell.h"

extern uint64_t proc_started, proc_start_failures, proc_faulted, proc_killed;

/* run <prog> [args]: start a program. */
static int cmd_run(int argc, char **argv)
{
    if (argc < 2)
        return shell_error("usage: run <prog> [args]");
    int pid = proc_run(argv[1], argc - 1, argv + 1);
    if (pid < 0)
        return shell_error("cannot run %s (error %d; see `log`)", argv[1], pid);
    plat_printf("pid=%d\n", pid);
    return 0;
}
SHELL_COMMAND("run", "<prog> [args]", "start a user program (a multiboot2 module)", cmd_run);

static int cmd_kill(int argc, char **argv)
{
    unsigned long long pid;
    if (argc != 2 || shell_parse_u64(argv[1], &pid))
        return shell_error("usage: kill <pid>");
    if (proc_kill((unsigned)pid))
        return shell_error("no running process %llu", pid);
    plat_printf("killing pid %llu\n", pid);
    return 0;
}
SHELL_COMMAND("kill", "<pid>", "end a user process", cmd_kill);

/* user: user-page counters (mm/rmap.c) and process counters. */
static void user_dump(void)
{
    struct mm_user_stats st;
    mm_user_stats(&st);
    plat_printf("user_pages=%llu mappings=%llu pinned=%llu migrated=%llu migrate_busy=%llu alloc_fail=%llu "
                "started=%llu start_failures=%llu faulted=%llu killed=%llu\n",
                (unsigned long long)st.pages, (unsigned long long)st.mappings, (unsigned long long)st.pinned,
                (unsigned long long)st.migrated, (unsigned long long)st.migrate_busy,
                (unsigned long long)st.alloc_fail, (unsigned long long)proc_started,
                (unsigned long long)proc_start_failures, (unsigned long long)proc_faulted,
                (unsigned long long)proc_killed);
}

/* ps, progs, user: the commands without arguments, dispatched on their name. */
static int noarg_cmd(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } cmds[] = {{"ps", proc_dump}, {"progs", prog_dump}, {"user", user_dump}};
    for (unsigned i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[0], cmds[i].name)) {
            if (argc != 1)
                return shell_error("usage: %s", cmds[i].name);
            cmds[i].fn();
            return 0;
        }
    return shell_error("no such command");
}
#define cmd_ps noarg_cmd /* SHELL_COMMAND names its entry after the function's token */
#define cmd_progs noarg_cmd
#define cmd_user noarg_cmd
SHELL_COMMAND("ps", "", "user processes: state, resident pages per node and zone, progress", cmd_ps);
SHELL_COMMAND("progs", "", "user programs shipped as boot modules", cmd_progs);
SHELL_COMMAND("user", "", "user pages (reverse map, pins, migrations) and process counters", cmd_user);

/* copybench <MiB>: time a plain memcpy of MiB through the direct map, in 2 MiB blocks (the
 * reference figure for user-page migration throughput in `make bench`). */
static int cmd_copybench(int argc, char **argv)
{
    unsigned long long mib;
    if (argc != 2 || shell_parse_u64(argv[1], &mib) || !mib || mib > 1024)
        return shell_error("usage: copybench <MiB 1..1024>");
    uint64_t src = mm_alloc_pages(MM_MAX_ORDER, MM_ZERO), dst = mm_alloc_pages(MM_MAX_ORDER, 0), ns = 0;
    if (!src || !dst) {
        if (src)
            mm_free_pages(src, MM_MAX_ORDER);
        if (dst)
            mm_free_pages(dst, MM_MAX_ORDER);
        return shell_error("no memory for two 2 MiB blocks");
    }
    for (unsigned long long i = 0; i < mib / 2 + (mib & 1); i++) {
        uint64_t t0 = plat_now_ns();
        memcpy(phys_to_virt(dst), phys_to_virt(src), SUBSECTION_SIZE);
        ns += plat_now_ns() - t0;
    }
    mm_free_pages(src, MM_MAX_ORDER);
    mm_free_pages(dst, MM_MAX_ORDER);
    uint64_t bytes = (mib / 2 + (mib & 1)) * SUBSECTION_SIZE;
    plat_printf("copybench bytes=%llu ns=%llu mib_per_s=%llu\n", (unsigned long long)bytes,
                (unsigned long long)ns, (unsigned long long)(ns ? bytes * 1000000000ull / ns >> 20 : 0));
    return 0;
}
SHELL_COMMAND("copybench", "<MiB>", "time a plain memcpy of MiB (reference for migration throughput)",
              cmd_copybench);
