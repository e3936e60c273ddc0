/* stress_shell.c - the `stress` command (kernel/stress.c). Output:
 *   stress threads=N running=N ops=N ops_per_s=N increments=N verifies=N obj_pages=N
 *          bad_counters=N bad_patterns=N bad_pages=N bad_heap=N alloc_failures=N migration_waits=N */
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/shell.h"
#include "kernel/stress.h"

/* Print the statistics line. */
static void print_stats(void)
{
    struct stress_stats st;
    stress_get(&st);
    uint64_t ms = st.elapsed_ns / 1000000;
    plat_printf(
        "stress threads=%u running=%u ops=%llu ops_per_s=%llu increments=%llu verifies=%llu obj_pages=%llu "
        "bad_counters=%llu bad_patterns=%llu bad_pages=%llu bad_heap=%llu alloc_failures=%llu "
        "migration_waits=%llu\n",
        st.threads, st.running, (unsigned long long)st.ops, (unsigned long long)(ms ? st.ops * 1000 / ms : 0),
        (unsigned long long)st.increments, (unsigned long long)st.verifies, (unsigned long long)st.obj_pages,
        (unsigned long long)st.bad_counters, (unsigned long long)st.bad_patterns,
        (unsigned long long)st.bad_pages, (unsigned long long)st.bad_heap,
        (unsigned long long)st.alloc_failures, (unsigned long long)paging_migration_waits);
}

/* Parse a CPU list ("all", "2", "1-3", "1,3") into a mask of existing CPUs; -1 if bad. */
static int parse_cpus(const char *s, uint64_t *mask)
{
    *mask = 0;
    if (!strcmp(s, "all")) {
        *mask = ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1;
        return 0;
    }
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return -1;
    memcpy(buf, s, strlen(s) + 1);
    for (char *p = buf; *p;) {
        char *end = p;
        while (*end && *end != ',')
            end++;
        char sep = *end;
        *end = 0;
        char *dash = strchr(p, '-');
        unsigned long long a, b;
        if (dash) {
            *dash = 0;
            if (shell_parse_u64(p, &a) || shell_parse_u64(dash + 1, &b))
                return -1;
        } else if (shell_parse_u64(p, &a)) {
            return -1;
        } else {
            b = a;
        }
        if (a > b || b >= ncpus)
            return -1;
        for (unsigned long long c = a; c <= b; c++)
            *mask |= 1ull << c;
        p = sep ? end + 1 : end;
    }
    return *mask ? 0 : -1;
}

static int cmd_stress(int argc, char **argv)
{
    if (argc == 1) {
        print_stats();
        return 0;
    }
    if (!strcmp(argv[1], "off")) {
        if (argc > 2)
            return shell_error("usage: stress off");
        stress_stop();
        print_stats();
        return 0;
    }
    unsigned long long secs, kib = 1024, node = ~0ull;
    uint64_t mask = ncpus > 1 ? ((ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1) & ~1ull) : 1;
    if (argc > 5 || shell_parse_u64(argv[1], &secs) || !secs || secs > 1000000 ||
        (argc > 2 && parse_cpus(argv[2], &mask)) || (argc > 3 && (shell_parse_u64(argv[3], &kib) || !kib)) ||
        (argc > 4 && (shell_parse_u64(argv[4], &node) || node >= MAX_NODES)))
        return shell_error(
            "usage: stress <seconds|off> [cpus: all|N|A-B|A,B] [KiB of objects per thread] [node]");
    if (stress_start(mask, secs, kib, argc > 4 ? (int)node : -1))
        return shell_error("not started (see the log)");
    print_stats();
    return 0;
}
SHELL_COMMAND("stress", "<seconds|off> [cpus] [KiB] [node]",
              "workload on CPUs: pages, kmalloc, movable objects written while they migrate", cmd_stress);
