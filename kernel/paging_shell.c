/* paging_shell.c - shell commands that show and test the kernel's page tables: pt (counters, one
 * address's walk), probe (read an address through the MMU), failinject pt (make a direct mapping
 * fail half way), ptcheck (an unmapped direct-map range faults at once, TLB included; also on a
 * CPU whose shootdown was skipped because it was halted idle in lazy TLB mode). */
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "mm/memmap.h"
#include "mm/mm.h"

#define PT_P 1ull
#define PT_PS (1ull << 7)
#define PT_NX (1ull << 63)
#define PT_ADDR 0x000ffffffffff000ull

/* The entry for va at level (3 = PML4E .. 0 = PTE) in the running tables, or 0 if a level above
 * is not present or is a large page. */
static uint64_t pt_entry(uint64_t va, int level)
{
    uint64_t e = read_cr3() | PT_P;
    for (int l = 3; l >= level; l--) {
        if (!(e & PT_P) || (l < 3 && (e & PT_PS)))
            return 0;
        e = ((const uint64_t *)phys_to_virt(e & PT_ADDR))[(va >> (12 + 9 * l)) & 511];
    }
    return e;
}

/* pt: page-table counters; pt <va>: the entries on va's walk, down to a leaf or a hole. */
static int cmd_pt(int argc, char **argv)
{
    unsigned long long va;
    if (argc == 1) {
        plat_printf("pt tables=%llu alloc_fails=%llu map_undos=%llu inject=%lld probe_faults=%llu\n",
                    (unsigned long long)paging_tables_allocated, (unsigned long long)paging_table_alloc_fails,
                    (unsigned long long)paging_map_undos, (long long)paging_fail_table_at,
                    (unsigned long long)probe_faults);
        return 0;
    }
    if (argc != 2 || shell_parse_u64(argv[1], &va))
        return shell_error("usage: pt [0xva]");
    static const char *const names[] = {"pte", "pde", "pdpte", "pml4e"};
    plat_printf("pt 0x%llx:", va);
    for (int l = 3; l >= 0; l--) {
        uint64_t e = pt_entry(va, l);
        plat_printf(" %s=0x%llx", names[l], (unsigned long long)e);
        if (!(e & PT_P) || (e & PT_PS))
            break;
    }
    plat_printf(" %s\n", paging_virt_to_phys(va) == ~0ull ? "not mapped" : "mapped");
    return 0;
}
SHELL_COMMAND("pt", "[0xva]", "page-table counters, or the entries that map va", cmd_pt);

/* probe <va>: read one byte at va; a page fault is caught and reported. */
static int cmd_probe(int argc, char **argv)
{
    unsigned long long va;
    if (argc != 2 || shell_parse_u64(argv[1], &va))
        return shell_error("usage: probe <0xva>");
    int v = kern_probe_read(va);
    if (v < 0)
        plat_printf("probe 0x%llx: fault\n", va);
    else
        plat_printf("probe 0x%llx: 0x%02x\n", va, v);
    return 0;
}
SHELL_COMMAND("probe", "<0xva>", "test aid: read a byte at va, catching a page fault", cmd_probe);

/* failinject pt <N|off>: the N'th page-table page a direct mapping allocates from now fails. */
static int cmd_failinject(int argc, char **argv)
{
    unsigned long long n;
    if (argc == 3 && !strcmp(argv[1], "tick") && (!strcmp(argv[2], "on") || !strcmp(argv[2], "off"))) {
        timer_kicks_worker = !strcmp(argv[2], "on");
        plat_printf("failinject tick %s: timer ticks %s the worker thread\n", argv[2],
                    timer_kicks_worker ? "wake" : "no longer wake");
        return 0;
    }
    if (argc != 3 || strcmp(argv[1], "pt"))
        return shell_error("usage: failinject pt <N|off> | failinject tick <on|off>");
    if (!strcmp(argv[2], "off")) {
        paging_fail_table_at = -1;
    } else if (shell_parse_u64(argv[2], &n) || n > PAGING_INJECT_MAX) {
        return shell_error("N must be 0..%llu or off", (unsigned long long)PAGING_INJECT_MAX);
    } else {
        paging_fail_table_at = (int64_t)n;
    }
    plat_printf("failinject pt %lld\n", (long long)paging_fail_table_at);
    return 0;
}
SHELL_COMMAND("failinject", "pt <N|off> | tick <on|off>",
              "test aid: the N'th page-table page a direct mapping allocates from now fails; tick off: timer "
              "ticks stop waking the worker thread",
              cmd_failinject);

/* Is the 1 GiB at pa free for ptcheck: no memory-map range in it, nothing of it mapped? */
static bool scratch_free(uint64_t pa)
{
    for (unsigned i = 0; i < memmap_boot.n; i++)
        if (memmap_boot.r[i].base < pa + (1ull << 30) && pa < memmap_boot.r[i].base + memmap_boot.r[i].len)
            return false;
    return !(pt_entry(DIRECT_MAP_BASE + pa, 2) & PT_P);
}

/* ptcheck's other CPU: a thread there reads va (state HOLD_READ), then spins with interrupts off
 * answering only cross-calls (so the unmap's TLB shootdown reaches it and nothing else runs there)
 * until the unmap is done (HOLD_UNMAPPED), reads va again and says HOLD_DONE. */
enum { HOLD_START, HOLD_READ, HOLD_UNMAPPED, HOLD_DONE };
struct hold {
    uint64_t va;
    volatile int state;
    int before, after; /* kern_probe_read results */
};

/* The other CPU's thread (see struct hold). */
static void hold_main(void *arg)
{
    struct hold *h = arg;
    unsigned long irq = plat_irq_save();
    h->before = kern_probe_read(h->va);
    __atomic_store_n(&h->state, HOLD_READ, __ATOMIC_RELEASE);
    while (__atomic_load_n(&h->state, __ATOMIC_ACQUIRE) != HOLD_UNMAPPED) {
        ipi_run_pending();
        cpu_pause();
    }
    h->after = kern_probe_read(h->va);
    /* before interrupts come back: a thread preempting this one could wait for the mm_lock that
     * ptcheck holds until it sees HOLD_DONE (h lives on ptcheck's stack: not touched after this) */
    __atomic_store_n(&h->state, HOLD_DONE, __ATOMIC_RELEASE);
    plat_irq_restore(irq);
}

/* Wait (answering cross-calls) until h reaches state. */
static void hold_wait(struct hold *h, int state)
{
    while (__atomic_load_n(&h->state, __ATOMIC_ACQUIRE) != state) {
        ipi_run_pending();
        cpu_pause();
    }
}

/* "ok", "fault" or "none" for a probe result. */
static const char *read_result(int v)
{
    return v == -2 ? "none" : v < 0 ? "fault" : "ok";
}

/* ptcheck lazy's other CPU: a thread there reads va (LAZY_READ), enters lazy TLB mode with
 * interrupts off and spins - the idle loop halts instead, but under TCG a halt flushes the TLB
 * by itself, which would hide a missing flush - until told (LAZY_GO), leaves lazy mode, reads va
 * again (LAZY_DONE). Interrupts stay off throughout: only tlb_lazy_end (or a cross-call the
 * shootdown should not have sent) can flush its TLB. */
enum { LAZY_START, LAZY_READ, LAZY_GO, LAZY_DONE };
struct lazy_hold {
    uint64_t va;
    volatile int state;
    int before, after;
};

/* The other CPU's thread (see struct lazy_hold). */
static void lazy_main(void *arg)
{
    struct lazy_hold *h = arg;
    unsigned long irq = plat_irq_save();
    h->before = kern_probe_read(h->va);
    tlb_lazy_begin();
    __atomic_store_n(&h->state, LAZY_READ, __ATOMIC_RELEASE);
    while (__atomic_load_n(&h->state, __ATOMIC_ACQUIRE) != LAZY_GO) {
        ipi_run_pending(); /* a shootdown that did not skip this CPU: answered (and reported) */
        cpu_pause();
    }
    tlb_lazy_end();
    h->after = kern_probe_read(h->va);
    __atomic_store_n(&h->state, LAZY_DONE, __ATOMIC_RELEASE);
    plat_irq_restore(irq);
}

/* ptcheck lazy on cpu o: map the scratch range, have o read it and go lazy, unmap it (the
 * shootdown must skip o and leave the page in o's pending list), let o read again: it must fault
 * (o flushed the page on leaving lazy mode). */
static int ptcheck_lazy(unsigned o, uint64_t pa, uint64_t va)
{
    struct lazy_hold h = {va, LAZY_START, -2, -2};
    if (paging_map_direct(pa, SUBSECTION_SIZE))
        return shell_error("cannot map the scratch range");
    if (!thread_create(o, "ptcheck", lazy_main, &h)) {
        paging_unmap_direct(pa, SUBSECTION_SIZE);
        return shell_error("no thread for cpu %u", o);
    }
    while (__atomic_load_n(&h.state, __ATOMIC_ACQUIRE) != LAZY_READ)
        cpu_pause();
    uint64_t skips = tlb_lazy_skips, full = cpus[o].tlb_lazy_flushes, pages = cpus[o].tlb_lazy_pages;
    unsigned long irq = mm_lock_irqsave();
    paging_unmap_direct(pa, SUBSECTION_SIZE);
    mm_unlock_irqrestore(irq);
    bool skipped = tlb_lazy_skips != skips;
    __atomic_store_n(&h.state, LAZY_GO, __ATOMIC_RELEASE);
    while (__atomic_load_n(&h.state, __ATOMIC_ACQUIRE) != LAZY_DONE)
        cpu_pause();
    full = cpus[o].tlb_lazy_flushes - full;
    pages = cpus[o].tlb_lazy_pages - pages;
    plat_printf(
        "ptcheck lazy: cpu %u: mapped read %s, %s, unmapped read %s, flushed on leaving lazy mode: %llu "
        "page(s), %llu full\n",
        o, read_result(h.before), skipped ? "shootdown skipped it (lazy)" : "shootdown sent the IPI",
        read_result(h.after), (unsigned long long)pages, (unsigned long long)full);
    if (h.before < 0 || h.after >= 0 || !skipped || !(pages + full))
        return shell_error("cpu %u was not skipped, did not flush, or read a stale entry (see above)", o);
    return 0;
}

/* ptcheck: direct-map 2 MiB of the scratch GiB (its page directory is allocated), read it on
 * another CPU if there is one and on this one (their TLBs hold it now), unmap it (the directory is
 * freed), read again on both: it must fault. Then the freed directory page, handed out again and
 * filled with entries mapping the scratch range, must not be reachable: a read still faults.
 * Both CPUs have interrupts off from their first read to their second (this one under mm_lock,
 * the other in struct hold's loop), so only the unmap's own flush can clear their TLBs. */
static int cmd_ptcheck(int argc, char **argv)
{
    const uint64_t pa = PAGING_CHECK_PA, va = DIRECT_MAP_BASE + pa;
    bool lazy = argc == 2 && !strcmp(argv[1], "lazy");
    if (argc > 2 || (argc == 2 && !lazy))
        return shell_error("usage: ptcheck [lazy]");
    if (!scratch_free(pa))
        return shell_error("scratch GiB 0x%llx is in use", (unsigned long long)pa);
    uint64_t others = smp_online_mask() & ~(1ull << this_cpu()->id);
    if (lazy)
        return others ? ptcheck_lazy(__builtin_ctzll(others), pa, va) : shell_error("needs a second cpu");
    struct hold h = {va, HOLD_START, -2, -2};
    if (paging_map_direct(pa, SUBSECTION_SIZE))
        return shell_error("cannot map the scratch range");
    if (others && thread_create(__builtin_ctzll(others), "ptcheck", hold_main, &h))
        hold_wait(&h, HOLD_READ);
    unsigned long irq = mm_lock_irqsave();
    uint64_t pd = pt_entry(va, 2) & PT_ADDR, tables = paging_tables_allocated;
    int mapped = kern_probe_read(va);
    paging_unmap_direct(pa, SUBSECTION_SIZE);
    int unmapped = kern_probe_read(va), through_reused = 0;
    if (h.state == HOLD_READ) {
        __atomic_store_n(&h.state, HOLD_UNMAPPED, __ATOMIC_RELEASE);
        hold_wait(&h, HOLD_DONE);
    }
    uint64_t page = mm_alloc_pages(0, 0);
    if (page) {
        uint64_t *t = phys_to_virt(page);
        for (int i = 0; i < 512; i++)
            t[i] = ((pa & ~((1ull << 30) - 1)) + ((uint64_t)i << 21)) | PT_P | PT_PS | PT_NX;
        through_reused = kern_probe_read(va);
        for (int i = 0; i < 512; i++)
            t[i] = 0;
        mm_free_pages(page, 0);
    }
    bool freed = paging_tables_allocated == tables - 1;
    mm_unlock_irqrestore(irq);
    plat_printf("ptcheck: mapped read %s, unmapped read %s, directory %s, reused %s, read through it %s; "
                "other cpu: mapped read %s, unmapped read %s\n",
                read_result(mapped), read_result(unmapped), freed ? "freed" : "kept",
                page && page == pd ? "yes" : "no", read_result(through_reused), read_result(h.before),
                read_result(h.after));
    if (mapped < 0 || unmapped >= 0 || !freed || through_reused >= 0 || h.before == -1 || h.after >= 0)
        return shell_error("the direct map is not as it should be (see above)");
    return 0;
}
SHELL_COMMAND("ptcheck", "[lazy]",
              "test aid: an unmapped direct-map range faults at once (TLB flushed; lazy: on an idle cpu)",
              cmd_ptcheck);
