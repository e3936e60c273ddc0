/* deferred.c - frees queued for later (mm_free_pages_deferred, mm_run_deferred; see mm.h).
 *
 * Invariant: queue[0..nq) are blocks still allocated by their owner, each freed exactly once by
 * mm_run_deferred (or dropped, never freed, by mm_reset in host tests).
 */
#include "mm/mm_internal.h"

static struct {
    uint64_t pa;
    unsigned order;
} queue[MM_DEFER_MAX];
static unsigned nq;

void deferred_reset(void)
{
    nq = 0;
}

/* Queue a free of the block at pa. */
int mm_free_pages_deferred(uint64_t pa, unsigned order)
{
    unsigned long irq = mm_lock_irqsave();
    if (nq == MM_DEFER_MAX) {
        mm_unlock_irqrestore(irq);
        mm_counters.deferred_full++;
        MM_LOG(LOG_ERR, "deferred free of 0x%llx (order %u): queue full", (unsigned long long)pa, order);
        return MM_ENOMEM;
    }
    queue[nq].pa = pa;
    queue[nq].order = order;
    nq++;
    mm_unlock_irqrestore(irq);
    return 0;
}

/* Free the queued blocks, oldest first. */
unsigned mm_run_deferred(void)
{
    unsigned n = 0;
    for (;;) {
        unsigned long irq = mm_lock_irqsave();
        if (n == nq) {
            nq = 0;
            mm_unlock_irqrestore(irq);
            return n;
        }
        uint64_t pa = queue[n].pa;
        unsigned order = queue[n].order;
        n++;
        mm_unlock_irqrestore(irq);
        mm_free_pages(pa, order);
        mm_counters.deferred_freed++;
    }
}
