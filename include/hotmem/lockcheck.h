/* lockcheck.h - the debug checks of the spinlock order (platform.h, "LOCK ORDER"), shared by the
 * kernel (kernel/spinlock.c, per CPU) and the host platform (tests/host/plat_host.c, per thread).
 *
 * Invariant: held[0..n) are the locks the CPU holds, in acquisition order, and bit r of ranks is
 * set iff one of them has rank r. A recursive re-acquisition is not recorded again. */
#pragma once
#include "platform.h"

#define LOCKCHECK_MAX 8 /* locks one CPU may hold at once (the order has four ranks today) */

struct lockcheck {
    uint64_t ranks;
    unsigned n;
    const struct plat_spinlock *held[LOCKCHECK_MAX];
};

/* Record that the CPU takes l; panic if that breaks the lock order. */
static inline void lockcheck_acquire(struct lockcheck *c, const struct plat_spinlock *l)
{
    if (l->rank > PLAT_RANK_MAX)
        plat_panic("lock order: %s has rank %u (> %u)", l->name, l->rank, (unsigned)PLAT_RANK_MAX);
    if (c->ranks >> l->rank) {
        const struct plat_spinlock *h = c->held[0];
        for (unsigned i = 0; i < c->n; i++)
            if (c->held[i]->rank >= l->rank)
                h = c->held[i];
        plat_panic("lock order: taking %s (rank %u) while holding %s (rank %u)", l->name, l->rank, h->name,
                   h->rank);
    }
    if (c->n == LOCKCHECK_MAX)
        plat_panic("lock order: more than %d locks held taking %s", LOCKCHECK_MAX, l->name);
    c->held[c->n++] = l;
    c->ranks |= 1ull << l->rank;
}

/* Record that the CPU released l (the last level of it). */
static inline void lockcheck_release(struct lockcheck *c, const struct plat_spinlock *l)
{
    unsigned j = 0;
    c->ranks = 0;
    for (unsigned i = 0; i < c->n; i++) {
        if (c->held[i] == l)
            continue;
        c->held[j++] = c->held[i];
        c->ranks |= 1ull << c->held[i]->rank;
    }
    if (j == c->n)
        plat_panic("lock order: releasing %s, which this CPU does not hold", l->name);
    c->n = j;
}

/* Panic if the CPU holds any spinlock at a point where it may block (what names the point). */
static inline void lockcheck_block(const struct lockcheck *c, const char *what)
{
    if (c->n)
        plat_panic("%s with spinlock %s held (%u locks held)", what, c->held[c->n - 1]->name, c->n);
}
