/* trace.c - a ring of timestamped memory-manager and ACPI events (hotmem/trace.h), printed by
 * `trace` and read from gdb by hm-trace (symbols trace_ring, trace_next, TRACE_RING_SIZE). */
#include "hotmem/trace.h"
#include "kernel/kernel.h"
#include "kernel/shell.h"

#define TRACE_RING_SIZE 4096 /* events kept (192 KiB); older ones are overwritten */

struct trace_event {
    uint64_t seq; /* 1, 2, ... (0: slot never written) */
    uint64_t ns;  /* plat_now_ns() */
    uint64_t type;
    uint64_t a, b, c;
};

struct trace_event trace_ring[TRACE_RING_SIZE];
uint64_t trace_next = 1; /* seq of the next event; the slot is seq % TRACE_RING_SIZE */
const uint64_t trace_ring_size = TRACE_RING_SIZE;
static struct plat_spinlock trace_lock = PLAT_SPINLOCK_INIT("trace", PLAT_RANK_TRACE, 0);

static const char *const trace_names[TRACE_NR_TYPES] = {
    [TRACE_NONE] = "none",
    [TRACE_SCI] = "sci",
    [TRACE_GPE] = "gpe",
    [TRACE_NOTIFY] = "notify",
    [TRACE_HOTADD] = "hotadd",
    [TRACE_EJECT_REQ] = "eject-request",
    [TRACE_CAGE] = "cage",
    [TRACE_MIGRATE] = "migrate",
    [TRACE_OFFLINE_DONE] = "offline",
    [TRACE_OFFLINE_FAIL] = "offline-failed",
    [TRACE_ONLINE] = "online",
    [TRACE_REMOVE] = "remove",
    [TRACE_OST] = "ost",
    [TRACE_EJ0] = "ej0",
    [TRACE_VMEM_REQ] = "vmem-request",
    [TRACE_VMEM_RESP] = "vmem-response",
    [TRACE_VMEM_MOVED] = "vmem-moved",
    [TRACE_LOCK_HOLD] = "lock-hold",
    [TRACE_USER_MIGRATE] = "user-migrate",
    [TRACE_USER_PINNED] = "user-pinned",
    [TRACE_LOCK_DIST] = "lock-dist",
};

/* Record one event (under trace_lock). */
void plat_trace(unsigned type, uint64_t a, uint64_t b, uint64_t c)
{
    unsigned long f = plat_spin_lock_irqsave(&trace_lock);
    uint64_t seq = trace_next++;
    trace_ring[seq % TRACE_RING_SIZE] = (struct trace_event){seq, plat_now_ns(), type, a, b, c};
    plat_spin_unlock_irqrestore(&trace_lock, f);
}

/* Name of an event type. */
const char *trace_type_name(uint64_t type)
{
    return type < TRACE_NR_TYPES && trace_names[type] ? trace_names[type] : "?";
}

/* trace [N]: print the last N events (default all kept), oldest first. */
static int cmd_trace(int argc, char **argv)
{
    unsigned long long n = TRACE_RING_SIZE;
    if (argc > 2 || (argc == 2 && shell_parse_u64(argv[1], &n)))
        return shell_error("usage: trace [count]");
    uint64_t first = trace_next > n ? trace_next - n : 1;
    if (trace_next > TRACE_RING_SIZE && first < trace_next - TRACE_RING_SIZE)
        first = trace_next - TRACE_RING_SIZE;
    for (uint64_t s = first; s < trace_next; s++) {
        const struct trace_event *e = &trace_ring[s % TRACE_RING_SIZE];
        plat_printf("%6llu %5llu.%06llu %-14s a=0x%llx b=0x%llx c=0x%llx\n", (unsigned long long)e->seq,
                    (unsigned long long)(e->ns / 1000000000), (unsigned long long)(e->ns / 1000 % 1000000),
                    trace_type_name(e->type), (unsigned long long)e->a, (unsigned long long)e->b,
                    (unsigned long long)e->c);
    }
    return 0;
}
SHELL_COMMAND("trace", "[count]", "memory-manager and ACPI event trace, oldest first", cmd_trace);
