/* spinlock.c - platform.h spinlocks for the kernel: ticket locks (first come, first served) with
 * interrupts off while held; a waiting CPU spins with its interrupts as they were (it still
 * answers IPIs), and after SPIN_BEFORE_HALT spins halts until the releaser's wake-up IPI.
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

uint64_t spin_halts; /* times a waiter halted (statistics) */

/* Halt until l may be free: announce this CPU in l->sleepers (the releaser sends it VECTOR_WAKE),
 * re-check, then sti;hlt, which takes an interrupt that came in between. Interrupts on on entry. */
static void halt_for(struct plat_spinlock *l, struct cpu *c, uint32_t my)
{
    cli();
    __atomic_or_fetch(&l->sleepers, 1ull << c->id, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&l->serving, __ATOMIC_SEQ_CST) != my) {
        spin_halts++;
        sti_hlt();
        cli();
    }
    __atomic_and_fetch(&l->sleepers, ~(1ull << c->id), __ATOMIC_SEQ_CST);
    sti();
}

/* Wake the CPUs halted waiting for l (just released). */
static void wake_sleepers(struct plat_spinlock *l)
{
    uint64_t m = __atomic_load_n(&l->sleepers, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; m && i < ncpus; i++)
        if (m >> i & 1)
            lapic_send_ipi(cpus[i].apic_id, 0x4000u | VECTOR_WAKE);
}

/* VECTOR_WAKE: nothing to do but end the halt. */
static void wake_irq(void)
{
    lapic_eoi();
}

/* Install the wake-up vector (boot CPU, before the APs start). */
void spinlock_init(void)
{
    irq_set_handler(VECTOR_WAKE, wake_irq);
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
    uint32_t my = __atomic_fetch_add(&l->ticket, 1, __ATOMIC_RELAXED);
    bool spun = __atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != my;
    if (spun) {
        c->preempt_off++; /* interrupts may come while spinning; no switch to another thread */
        if (f)
            sti();
        for (unsigned n = 0; __atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != my; n++) {
            cpu_pause();
            if (f && n >= SPIN_BEFORE_HALT)
                halt_for(l, c, my);
        }
        cli();
        c->preempt_off--;
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
        __atomic_store_n(&l->serving, l->serving + 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&l->sleepers, __ATOMIC_SEQ_CST))
            wake_sleepers(l);
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
