/* tlb.c - TLB shootdown: after a kernel mapping changed (a page unmapped, remapped elsewhere, or
 * made inaccessible for a migration), flush it on this CPU and, by a cross-call, on every other
 * online CPU before going on. Kernel mappings are global (PTE_G), so a full flush toggles
 * CR4.PGE rather than reloading CR3. */
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"

struct tlb_req {
    uint64_t va, n, stride;
};

uint64_t tlb_shootdowns, tlb_remote_flushes;

/* Flush the request's pages on this CPU. */
static void flush_local(void *arg)
{
    const struct tlb_req *r = arg;
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

/* The same on the CPUs of mask only (the caller knows no other CPU can have used the mapping). */
void tlb_shootdown_mask(uint64_t va, uint64_t n, uint64_t stride, uint64_t mask)
{
    struct tlb_req r = {va, n, stride};
    unsigned me = this_cpu()->id;
    if (mask >> me & 1)
        flush_local(&r);
    tlb_shootdowns++;
    if (ncpus_online < 2)
        return;
    uint64_t others = smp_online_mask() & mask & ~(1ull << me);
    if (others) {
        ipi_call_mask(others, flush_local, &r);
        tlb_remote_flushes++;
    }
}
