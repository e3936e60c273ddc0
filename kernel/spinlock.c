/* spinlock.c - platform.h spinlocks for the kernel: test-and-set on a word with interrupts off
 * while held; a waiting CPU spins with its interrupts as they were (it still answers IPIs).
 * Always checked: a CPU re-taking a non-recursive lock it holds, releasing a lock it does not
 * hold. Debug kernels (MM_DEBUG) also check the lock order and blocking with a lock held. */
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"

/* Identifier of the calling CPU. */
unsigned plat_cpu_id(void)
{
    return this_cpu()->id;
}

/* Disable interrupts and take l. */
unsigned long plat_spin_lock_irqsave(struct plat_spinlock *l)
{
    unsigned long f = plat_irq_save();
    struct cpu *c = this_cpu();
    int me = (int)c->id + 1;
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me) {
        if (!(l->flags & PLAT_LOCK_RECURSIVE))
            panic("spinlock %s: taken again by cpu %u, which holds it", l->name, c->id);
        l->depth++;
        return f;
    }
#ifdef MM_DEBUG
    lockcheck_acquire(&c->lockcheck, l);
#endif
    bool spun = false;
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        spun = true;
        if (f)
            sti();
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            cpu_pause();
        cli();
    }
    __atomic_store_n(&l->owner, me, __ATOMIC_RELAXED);
    l->depth = 1;
    l->acquired++;
    l->contended += spun;
    return f;
}

/* Release one level of l and restore the interrupt state. */
void plat_spin_unlock_irqrestore(struct plat_spinlock *l, unsigned long flags)
{
    struct cpu *c = this_cpu();
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != (int)c->id + 1)
        panic("spinlock %s: released by cpu %u, held by %d", l->name, c->id, l->owner - 1);
    if (--l->depth == 0) {
        __atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
#ifdef MM_DEBUG
        lockcheck_release(&c->lockcheck, l);
#endif
        __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    }
    plat_irq_restore(flags);
}

/* Does this CPU hold l? */
bool plat_spin_held(const struct plat_spinlock *l)
{
    return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == (int)this_cpu()->id + 1;
}

/* Debug: panic if this CPU holds a spinlock where it may block. */
void plat_might_block(const char *what)
{
#ifdef MM_DEBUG
    lockcheck_block(&this_cpu()->lockcheck, what);
#else
    (void)what;
#endif
}
