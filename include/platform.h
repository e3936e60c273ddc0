/* platform.h - the only services that the freestanding subsystems (mm/, drivers/acpi/) may use.
 *
 * Two implementations: kernel/platform.c (in the kernel) and tests/host/plat_host.c (host tests,
 * fuzzers, benchmarks). Everything in mm/ and drivers/acpi/ except files named *_shell.c builds on
 * both, so it may include only this header, its own headers, and <stdint.h> <stddef.h> <stdbool.h>
 * <stdarg.h> <string.h> <stdio.h> (the last two limited to what libc/include declares).
 */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Log levels, as on the kernel command line (loglevel=N shows levels <= N). */
enum { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Log one line (no trailing newline needed) tagged with a subsystem name. */
void plat_log(int level, const char *subsys, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print raw text to the console (shell output; dumps that gdb helpers must match). */
void plat_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Stop everything with a message: in the kernel a panic with backtrace, on the host abort(). */
__attribute__((noreturn, format(printf, 1, 2))) void plat_panic(const char *fmt, ...);

/* Cheap always-on check. */
#define PLAT_ASSERT(cond)                                                                                    \
    do {                                                                                                     \
        if (__builtin_expect(!(cond), 0))                                                                    \
            plat_panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);                           \
    } while (0)

/* Kernel virtual address of physical address pa through the direct map (NULL if not mapped). */
void *plat_phys_to_virt(uint64_t pa);
/* Physical address of direct-map address v (the inverse of plat_phys_to_virt). */
uint64_t plat_virt_to_phys(const void *v);
/* Map / unmap [pa, pa+len) in the direct map (2 MiB granular; TLB flushed on unmap). 0 on success;
 * a map that fails half way undoes itself (callers need not unmap after a failure). */
int plat_map_range(uint64_t pa, uint64_t len);
void plat_unmap_range(uint64_t pa, uint64_t len);
/* Map device registers [pa, pa+len) (a PCI BAR, ECAM) in the direct map uncached, as
 * plat_map_range maps RAM write-back. 0 on success; a failure undoes itself. */
int plat_map_mmio(uint64_t pa, uint64_t len);

/* End of the physical address space this machine can address: 2^(the CPU's physical address
 * bits), at most MAX_PHYS_ADDR (what the memory manager covers). A range beyond it cannot be mapped
 * (its page-table entries would set reserved bits). */
uint64_t plat_phys_limit(void);

/* Monotonic time in nanoseconds since boot. */
uint64_t plat_now_ns(void);

/* Disable interrupts on this CPU only (no lock: for per-CPU data and the spinlock code itself).
 * Returns the previous state for plat_irq_restore. */
unsigned long plat_irq_save(void);
void plat_irq_restore(unsigned long flags);

/* ---- spinlocks -------------------------------------------------------------------------------
 * A spinlock disables interrupts on the CPU that holds it (so an interrupt handler on that CPU
 * never spins on a lock its own CPU holds) and is held for short sections only: no sleeping, no
 * waiting for other CPUs' progress except through the lock itself. A CPU waiting for a lock spins
 * with interrupts as they were before the call (so it still answers IPIs). In the kernel these
 * are real multiprocessor locks; on the host, locks between pthreads (tests/host/plat_host.c).
 *
 * LOCK ORDER (the one list; docs/architecture.md quotes it). A CPU holding locks takes a new one
 * only if its rank is greater than the rank of every lock it holds; re-taking a RECURSIVE lock
 * it already holds is allowed. Debug builds (MM_DEBUG: host tests, `make DEBUG=1`) check this on
 * every acquisition and panic naming both locks, and panic if a CPU blocks (sleeps, waits for an
 * interrupt, runs the offline poll hook) while it holds any spinlock.
 *
 *   rank 8   PLAT_RANK_PCP      a CPU's page cache (mm/pcp.c), the remote way only: pcp_drain_all
 *                               (one CPU's at a time), and the CPU's own allocations and frees
 *                               while a remote access is announced (the fast way takes no lock: a
 *                               CPU-local section). Never held while mm_lock is taken (blocks move
 *                               in batches with no cache access open: a CPU spinning for mm_lock
 *                               with interrupts off would miss the mm_lock holder's TLB shootdown).
 *   rank 10  PLAT_RANK_MM       mm_lock (mm/lock.c): the whole memory manager - sections, frame
 *                               database, free lists, zone counters, the heap's slab lists,
 *                               movable objects, mm_counters - and the kernel's page tables
 *                               (page-table pages come from the buddy allocator). RECURSIVE:
 *                               the page-table allocator and kmalloc re-enter the mm under it.
 *   rank 12  PLAT_RANK_WAITQ    a wait queue's lock (kernel/sched.h): taken by wakers, which may
 *                               run under mm_lock or in interrupt handlers.
 *   rank 14  PLAT_RANK_RUNQ     a CPU's run queue (kernel/sched.c); held across no switch.
 *   rank 16  PLAT_RANK_TLB      a CPU's lazy-TLB pending pages (kernel/tlb.c): taken by a shootdown
 *                               (which may hold mm_lock) that skips that idle CPU, and by the CPU
 *                               itself when it leaves lazy mode (the idle loop, an interrupt's entry).
 *   rank 20  PLAT_RANK_IPI      the cross-call lock (kernel/ipi.c): one cross-call at a time.
 *   rank 30  PLAT_RANK_TRACE    the event trace ring (kernel/trace.c).
 *   rank 40  PLAT_RANK_CONSOLE  the log ring and console output (kernel/printk.c): a leaf, so any
 *                               code holding any lock may log.
 */
enum {
    PLAT_RANK_PCP = 8,
    PLAT_RANK_MM = 10,
    PLAT_RANK_WAITQ = 12,
    PLAT_RANK_RUNQ = 14,
    PLAT_RANK_TLB = 16,
    PLAT_RANK_IPI = 20,
    PLAT_RANK_TRACE = 30,
    PLAT_RANK_CONSOLE = 40,
    PLAT_RANK_MAX = 63, /* ranks are bits of a 64-bit mask */
};
#define PLAT_LOCK_RECURSIVE 0x1u

/* Invariants: free <=> owner == 0 and depth == 0 (free: locked == 0 on the host, serving ==
 * ticket in the kernel); while held, owner is the holder's plat_cpu_id() + 1 and depth counts its
 * nested acquisitions (1 unless RECURSIVE). */
struct plat_spinlock {
    volatile int locked;               /* host: test-and-set word */
    volatile uint32_t ticket, serving; /* kernel: a ticket lock (FIFO: no CPU starves) */
    volatile int owner;
    unsigned depth;
    unsigned rank;  /* PLAT_RANK_* */
    unsigned flags; /* PLAT_LOCK_* */
    const char *name;
    uint64_t acquired;          /* acquisitions (statistics) */
    uint64_t contended;         /* acquisitions that had to spin */
    volatile uint64_t sleepers; /* kernel: CPUs halted waiting for it (woken by an IPI on release) */
};
#define PLAT_SPINLOCK_INIT(lname, lrank, lflags)                                                             \
    {                                                                                                        \
        .rank = (lrank), .flags = (lflags), .name = (lname)                                                  \
    }

/* Disable interrupts and take l; returns the interrupt state for plat_spin_unlock_irqrestore. */
unsigned long plat_spin_lock_irqsave(struct plat_spinlock *l);
/* Release l (one level of a recursive lock) and restore the interrupt state. */
void plat_spin_unlock_irqrestore(struct plat_spinlock *l, unsigned long flags);
/* Does the calling CPU hold l? */
bool plat_spin_held(const struct plat_spinlock *l);
/* Debug check before blocking (sleep, idle wait, poll hook): panics if the caller holds any
 * spinlock; what names the blocking point. No-op in non-debug builds. */
void plat_might_block(const char *what);
/* Identifier of the calling CPU (kernel) or thread (host): 0, 1, 2 ... */
unsigned plat_cpu_id(void);
/* The calling thread's mm_reserve_begin nesting depth (mm/buddy.c), read and written only by that
 * thread: kernel: a field of the current thread (one slot for boot code before the scheduler);
 * host: a thread-local. */
unsigned *plat_thread_reserve(void);

/* ---- CPU-local sections (the page caches' fast path: no atomic read-modify-write) ------------
 * Data that its CPU changes inside local sections, and that any other CPU touches only after it
 * has announced itself (a counter the section reads inside the section: if set, the section ends
 * and takes the slow way) and then called plat_cpu_sync. Kernel: a section is interrupts off
 * (no preemption, no move to another CPU), and plat_cpu_sync is a cross-call (kernel/ipi.c):
 * a CPU takes the IPI only between sections. Host: a section marks the thread's slot busy (thread
 * numbers below MAX_CPUS; others have no slot), and plat_cpu_sync is membarrier() - which makes
 * every running thread execute a full barrier - then a wait until the slot is not busy. */
/* Begin a section on this CPU (its plat_cpu_id() into *cpu); returns what plat_local_exit needs.
 * Sections do not nest. */
unsigned long plat_local_enter(unsigned *cpu);
/* End the section begun by plat_local_enter (its return value). */
void plat_local_exit(unsigned long state);
/* Wait until no CPU in mask is in a section begun before the call; the sections those CPUs begin
 * afterwards see every store made before the call. The caller is in no section and holds no
 * spinlock (kernel: other CPUs must answer an IPI). */
void plat_cpu_sync(uint64_t mask);
/* May the caller wait for other CPUs (a cross-call)? Kernel: interrupts on (so not in an
 * interrupt handler or a cross-call, and nobody it could keep waiting); host: always. */
bool plat_can_wait_cpus(void);

/* Kernel heap (kmalloc/kfree in the kernel, malloc/free on the host). Zeroed memory. */
void *plat_alloc(size_t size);
void plat_free(void *p);

/* Port I/O (used by ACPI: SystemIO regions, GPE/PM1 registers). width in bits: 8, 16 or 32. */
uint32_t plat_io_read(uint16_t port, int width);
void plat_io_write(uint16_t port, int width, uint32_t value);

/* The vmap area for movable memory (VMAP_BASE in hotmem/params.h): map the 4 KiB page at
 * physical pa at virtual va (replacing any earlier mapping, TLB flushed) and return a pointer
 * through which the page is reached (the kernel: va itself; the host: its simulated RAM). */
void *plat_vmap_set(uint64_t va, uint64_t pa);
/* Remove the mapping at va (TLB flushed). */
void plat_vmap_clear(uint64_t va);
/* Between begin and end the TLB shootdowns of single pages made by this CPU (the isolate
 * callbacks of a migration batch) are deferred; end flushes them all at once, on every CPU
 * they named, before it returns. Not nested. A caller that lets interrupts in meanwhile keeps
 * preemption off (interrupt handlers make no shootdowns). */
void plat_tlb_batch_begin(void);
void plat_tlb_batch_end(void);
/* Keep the calling thread on this CPU, unpreempted (interrupts as they are), until the matching
 * plat_preempt_enable; nests. An offline does so while pages are isolated without mm_lock: a
 * thread of this CPU touching one would wait for it without ever letting it run again. */
void plat_preempt_disable(void);
void plat_preempt_enable(void);
/* End the batch without waiting: its deferred shootdowns are queued under the returned ticket
 * (0: nothing was deferred) and done by plat_tlb_wait. Until then a CPU may still reach the old
 * mappings: the caller must not copy or reuse their pages before plat_tlb_wait returns. */
uint64_t plat_tlb_batch_queue(void);
/* Complete the shootdowns of a ticket (0: nothing to do) on every CPU they named. Call with
 * interrupts on and no spinlock held: it waits for the other CPUs. */
void plat_tlb_wait(uint64_t ticket);

/* Record an event in the trace ring (types in hotmem/trace.h). Cheap; callable anywhere. */
void plat_trace(unsigned type, uint64_t a, uint64_t b, uint64_t c);
