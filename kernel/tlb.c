/* tlb.c - TLB shootdown: after a kernel mapping changed (a page unmapped, remapped elsewhere, or
 * made inaccessible for a migration), flush it on this CPU and, by a cross-call, on every other
 * online CPU before going on. Kernel mappings are global (PTE_G), so a full flush toggles
 * CR4.PGE rather than reloading CR3. */
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"

struct tlb_req {
    uint64_t va, n, stride;
    const uint64_t *list; /* a batch: n addresses (va and stride unused) */
};

/* Shootdowns of single pages deferred by this CPU between tlb_batch_begin and tlb_batch_end (a
 * migration batch: every page is made inaccessible, then one cross-call flushes them all before
 * any is copied). */
struct tlb_batch {
    int active;
    unsigned n;
    uint64_t mask;
    uint64_t va[TLB_BATCH_PAGES];
};
static struct tlb_batch batches[MAX_CPUS];

uint64_t tlb_shootdowns, tlb_remote_flushes, tlb_batched_pages;

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
        uint64_t cr4;
        __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~(1ull << 7)) : "memory");
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
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

/* Flush request r on the CPUs of mask (this one directly, the others by one cross-call). */
static void tlb_flush_req(struct tlb_req *r, uint64_t mask)
{
    unsigned me = this_cpu()->id;
    if (mask >> me & 1)
        flush_local(r);
    tlb_shootdowns++;
    if (ncpus_online < 2)
        return;
    uint64_t others = smp_online_mask() & mask & ~(1ull << me);
    if (others) {
        ipi_call_mask(others, flush_local, r);
        tlb_remote_flushes++;
    }
}

/* Flush this CPU's deferred pages on every CPU any of them named; the batch stays open. */
static void tlb_batch_flush(struct tlb_batch *b)
{
    if (!b->n)
        return;
    struct tlb_req r = {0, b->n, 0, b->va};
    tlb_flush_req(&r, b->mask);
    b->n = 0;
    b->mask = 0;
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

/* Flush n mappings of stride bytes from va on the CPUs of mask only (the caller knows no other CPU
 * can have used the mapping); single pages are deferred while this CPU has a batch open. */
void tlb_shootdown_mask(uint64_t va, uint64_t n, uint64_t stride, uint64_t mask)
{
    struct tlb_req r = {va, n, stride, NULL};
    struct tlb_batch *b = &batches[this_cpu()->id];
    if (b->active) {
        if (n == 1 && b->n == TLB_BATCH_PAGES)
            tlb_batch_flush(b); /* full: flush what was deferred, then defer this one */
        if (n == 1) {
            b->va[b->n++] = va;
            b->mask |= mask;
            tlb_batched_pages++;
            return;
        }
        tlb_batch_flush(b); /* not a single page: flush what was deferred first */
    }
    tlb_flush_req(&r, mask);
}
