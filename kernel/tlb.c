/* tlb.c - TLB shootdown: after a kernel mapping changed (a page unmapped, remapped elsewhere, or
 * made inaccessible for a migration), flush it on this CPU and, by a cross-call, on every other
 * online CPU before going on. Kernel mappings are global (PTE_G), so a full flush toggles
 * CR4.PGE rather than reloading CR3.
 *
 * Lazy CPUs: an idle CPU halts in lazy mode (tlb_lazy set), where it uses no TLB entry before
 * tlb_lazy_end. A shootdown skips it - no IPI to wake a halted vCPU for nothing - and leaves the
 * pages in the CPU's pending list instead; tlb_lazy_end (after the halt, or at the entry of the
 * interrupt that ends it) clears tlb_lazy and takes the list, then flushes those pages (all of
 * the TLB if more were left than the list holds). The shooter reads tlb_lazy and fills the list
 * under the CPU's tlb_lock, and the CPU clears tlb_lazy and takes the list under it: either the
 * shooter sees the CPU lazy and its pages are flushed when the CPU wakes, or it sends the IPI. */
#include <string.h>

#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"

struct tlb_req {
    uint64_t va, n, stride;
    const uint64_t *list; /* a batch: n addresses (va and stride unused) */
};

/* Shootdowns of single pages deferred by this CPU between tlb_batch_begin and tlb_batch_end (a
 * migration batch: every page is made inaccessible, then one cross-call flushes them all before
 * any is copied). all: more pages than fit were deferred: the whole TLB is flushed instead. */
struct tlb_batch {
    int active, all;
    unsigned n;
    uint64_t mask;
    uint64_t va[TLB_BATCH_PAGES];
};
static struct tlb_batch batches[MAX_CPUS];
/* Batches handed over by tlb_batch_queue until tlb_wait does them (ticket = slot + 1); a slot is
 * claimed by an atomic exchange of its used flag and given back by tlb_wait. */
static struct {
    int used;
    struct tlb_batch b;
} queued[TLB_QUEUED];
uint64_t tlb_queued, tlb_queue_full;

uint64_t tlb_shootdowns, tlb_remote_flushes, tlb_batched_pages;

uint64_t tlb_lazy_skips; /* CPUs a shootdown skipped because they were lazy */

/* Flush this CPU's whole TLB, global entries included. */
static void flush_all_local(void)
{
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~(1ull << 7)) : "memory");
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}

/* Flush the request's pages on this CPU. */
static void flush_local(void *arg)
{
    const struct tlb_req *r = arg;
    if (r->list && r->n <= TLB_FLUSH_ALL_PAGES) {
        for (uint64_t i = 0; i < r->n; i++)
            invlpg(r->list[i]);
        return;
    }
    if (r->n > TLB_FLUSH_ALL_PAGES) {
        flush_all_local();
        return;
    }
    for (uint64_t i = 0; i < r->n; i++)
        invlpg(r->va + i * r->stride);
}

/* Flush n mappings of stride bytes from va on every online CPU; returns when all are done. */
void tlb_shootdown(uint64_t va, uint64_t n, uint64_t stride)
{
    tlb_shootdown_mask(va, n, stride, ~0ull);
}

/* Enter lazy mode before the idle halt (interrupts off). */
void tlb_lazy_begin(void)
{
    __atomic_store_n(&this_cpu()->tlb_lazy, 1, __ATOMIC_RELEASE);
}

/* Leave lazy mode (interrupts off): flush the pages the skipped shootdowns left. */
void tlb_lazy_end(void)
{
    struct cpu *c = this_cpu();
    if (!__atomic_load_n(&c->tlb_lazy, __ATOMIC_RELAXED))
        return;
    uint64_t va[TLB_LAZY_PAGES];
    unsigned long f = plat_spin_lock_irqsave(&c->tlb_lock);
    __atomic_store_n(&c->tlb_lazy, 0, __ATOMIC_RELAXED);
    unsigned n = c->tlb_npending;
    if (n <= TLB_LAZY_PAGES)
        memcpy(va, c->tlb_pending, n * sizeof va[0]);
    c->tlb_npending = 0;
    plat_spin_unlock_irqrestore(&c->tlb_lock, f);
    if (n > TLB_LAZY_PAGES) {
        flush_all_local();
        c->tlb_lazy_flushes++;
        return;
    }
    for (unsigned i = 0; i < n; i++)
        invlpg(va[i]);
    c->tlb_lazy_pages += n;
}

/* Leave r's pages in lazy CPU c's pending list (tlb_lock held): all of the TLB if they do not fit. */
static void pend_locked(struct cpu *c, const struct tlb_req *r)
{
    if (r->n > TLB_FLUSH_ALL_PAGES || c->tlb_npending + r->n > TLB_LAZY_PAGES) {
        c->tlb_npending = TLB_LAZY_PAGES + 1;
        return;
    }
    for (uint64_t i = 0; i < r->n; i++)
        c->tlb_pending[c->tlb_npending++] = r->list ? r->list[i] : r->va + i * r->stride;
}

/* The CPUs of mask that need the IPI for r: the lazy ones get r's pages in their pending list and
 * are left out. */
static uint64_t skip_lazy(uint64_t mask, const struct tlb_req *r)
{
    for (unsigned i = 0; i < ncpus; i++) {
        struct cpu *c = &cpus[i];
        if (!(mask >> i & 1) || !__atomic_load_n(&c->tlb_lazy, __ATOMIC_ACQUIRE))
            continue;
        unsigned long f = plat_spin_lock_irqsave(&c->tlb_lock);
        if (c->tlb_lazy) {
            pend_locked(c, r);
            mask &= ~(1ull << i);
            __atomic_add_fetch(&tlb_lazy_skips, 1, __ATOMIC_RELAXED);
        }
        plat_spin_unlock_irqrestore(&c->tlb_lock, f);
    }
    return mask;
}

/* Flush request r on the CPUs of mask (this one directly, the others by one cross-call). */
static void tlb_flush_req(struct tlb_req *r, uint64_t mask)
{
    unsigned me = this_cpu()->id;
    if (mask >> me & 1)
        flush_local(r);
    tlb_shootdowns++;
    if (ncpus_online < 2)
        return;
    uint64_t others = skip_lazy(smp_online_mask() & mask & ~(1ull << me), r);
    if (others) {
        ipi_call_mask(others, flush_local, r);
        tlb_remote_flushes++;
    }
}

/* Empty b (no deferred page, no CPU named). */
static void batch_clear(struct tlb_batch *b)
{
    b->n = 0;
    b->all = 0;
    b->mask = 0;
}

/* Flush the deferred pages of b on every CPU any of them named (this one directly, the lazy ones
 * when they wake, the others by one cross-call). */
static void batch_flush_pages(const struct tlb_batch *b)
{
    struct tlb_req r = {0, b->all ? TLB_FLUSH_ALL_PAGES + 1 : b->n, 0, b->va};
    tlb_flush_req(&r, b->mask);
}

/* Flush the deferred pages of b on every CPU any of them named, and empty b. */
static void tlb_batch_flush(struct tlb_batch *b)
{
    if (!b->n && !b->all)
        return;
    batch_flush_pages(b);
    batch_clear(b);
}

/* From now on this CPU's shootdowns of single pages are deferred to tlb_batch_end. */
void tlb_batch_begin(void)
{
    unsigned long f = plat_irq_save();
    struct tlb_batch *b = &batches[this_cpu()->id];
    PLAT_ASSERT(!b->active);
    b->active = 1;
    plat_irq_restore(f);
}

/* Flush every page deferred since tlb_batch_begin (one cross-call) and stop deferring. */
void tlb_batch_end(void)
{
    unsigned long f = plat_irq_save();
    struct tlb_batch *b = &batches[this_cpu()->id];
    PLAT_ASSERT(b->active);
    tlb_batch_flush(b);
    b->active = 0;
    plat_irq_restore(f);
}

/* Stop deferring on this CPU and queue its deferred pages for tlb_wait: the ticket, or 0 if
 * nothing was deferred. With every queue slot taken the pages are flushed now (waiting). */
uint64_t tlb_batch_queue(void)
{
    unsigned long f = plat_irq_save();
    struct tlb_batch *b = &batches[this_cpu()->id];
    PLAT_ASSERT(b->active);
    b->active = 0;
    uint64_t ticket = 0;
    for (unsigned i = 0; i < TLB_QUEUED && !ticket && (b->n || b->all); i++)
        if (!__atomic_exchange_n(&queued[i].used, 1, __ATOMIC_ACQUIRE)) {
            queued[i].b = *b;
            ticket = i + 1;
            batch_clear(b);
            tlb_queued++;
        }
    if (b->n || b->all) {
        tlb_queue_full++;
        tlb_batch_flush(b);
    }
    plat_irq_restore(f);
    return ticket;
}

/* Flush the pages queued under ticket on every CPU they named (the wait for the other CPUs runs
 * with interrupts on if the caller's are: ipi_call_mask) and free its slot. */
void tlb_wait(uint64_t ticket)
{
    if (!ticket)
        return;
    plat_might_block("tlb_wait");
    PLAT_ASSERT(ticket <= TLB_QUEUED && queued[ticket - 1].used);
    batch_flush_pages(&queued[ticket - 1].b);
    __atomic_store_n(&queued[ticket - 1].used, 0, __ATOMIC_RELEASE);
}

/* Flush n mappings of stride bytes from va on the CPUs of mask only (the caller knows no other CPU
 * can have used the mapping). While this CPU has a batch open single pages are deferred (past
 * TLB_BATCH_PAGES of them the batch flushes the whole TLB instead); a larger shootdown flushes the
 * deferred pages and itself at once. */
void tlb_shootdown_mask(uint64_t va, uint64_t n, uint64_t stride, uint64_t mask)
{
    struct tlb_req r = {va, n, stride, NULL};
    struct tlb_batch *b = &batches[this_cpu()->id];
    if (b->active) {
        if (n == 1) {
            if (b->n < TLB_BATCH_PAGES)
                b->va[b->n++] = va;
            else
                b->all = 1;
            b->mask |= mask;
            tlb_batched_pages++;
            return;
        }
        tlb_batch_flush(b); /* not a single page: flush what was deferred first */
    }
    tlb_flush_req(&r, mask);
}
