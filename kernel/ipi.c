/* ipi.c - cross-calls: run a function on other CPUs through the VECTOR_IPI_CALL interrupt.
 *
 * One call at a time machine-wide (call_lock). The caller fills each target's slot (call_fn,
 * call_arg, then call_pending = 1), sends the IPIs and spins until every target has cleared its
 * call_pending. While it waits for call_lock, a CPU runs calls aimed at itself, so two CPUs
 * calling each other with interrupts off cannot deadlock. */
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"

#define ICR_FIXED 0x4000u /* fixed delivery, level assert */

static volatile int call_lock;
static int call_owner = -1; /* id of the CPU holding call_lock, -1 if none */
uint64_t ipi_calls_sent;

/* Run this CPU's pending cross-call, if any. */
void ipi_run_pending(void)
{
    struct cpu *c = this_cpu();
    if (!__atomic_load_n(&c->call_pending, __ATOMIC_ACQUIRE))
        return;
    c->call_fn(c->call_arg);
    c->ipi_calls++;
    __atomic_store_n(&c->call_pending, 0, __ATOMIC_RELEASE);
}

/* VECTOR_IPI_CALL handler. */
static void ipi_call_irq(void)
{
    ipi_run_pending();
    lapic_eoi();
}

/* Install the cross-call vector (boot CPU, before any AP starts). */
void ipi_init(void)
{
    irq_set_handler(VECTOR_IPI_CALL, ipi_call_irq);
}

/* Run fn(arg) on every online CPU in mask and return when all have. A caller whose interrupts
 * are on waits for the other CPUs with interrupts on (preemption off: call_lock stays with this
 * CPU); so an interrupt handler must never make a cross-call (asserted). */
void ipi_call_mask(uint64_t mask, void (*fn)(void *arg), void *arg)
{
    unsigned long f = plat_irq_save();
    struct cpu *me = this_cpu();
    mask &= smp_online_mask();
    PLAT_ASSERT(__atomic_load_n(&call_owner, __ATOMIC_RELAXED) != (int)me->id);
    while (__atomic_exchange_n(&call_lock, 1, __ATOMIC_ACQUIRE)) {
        ipi_run_pending();
        cpu_pause();
    }
    __atomic_store_n(&call_owner, (int)me->id, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < ncpus; i++) {
        if (!(mask & (1ull << i)) || &cpus[i] == me)
            continue;
        cpus[i].call_fn = fn;
        cpus[i].call_arg = arg;
        __atomic_store_n(&cpus[i].call_pending, 1, __ATOMIC_RELEASE);
        lapic_send_ipi(cpus[i].apic_id, ICR_FIXED | VECTOR_IPI_CALL);
        ipi_calls_sent++;
    }
    if (mask & (1ull << me->id)) {
        fn(arg);
        me->ipi_calls++;
    }
    me->preempt_off++;
    plat_irq_restore(f); /* the wait: interrupts as the caller had them */
    for (unsigned i = 0; i < ncpus; i++)
        while ((mask & (1ull << i)) && &cpus[i] != me &&
               __atomic_load_n(&cpus[i].call_pending, __ATOMIC_ACQUIRE))
            cpu_pause();
    f = plat_irq_save();
    me->preempt_off--;
    __atomic_store_n(&call_owner, -1, __ATOMIC_RELAXED);
    __atomic_store_n(&call_lock, 0, __ATOMIC_RELEASE);
    plat_irq_restore(f);
}

uint64_t ipi_syncs; /* plat_cpu_sync cross-calls */

static void sync_noop(void *arg)
{
    (void)arg;
}

/* platform.h: a cross-call that does nothing to the CPUs of mask - a CPU takes it only between
 * local sections (interrupts off), so when every target has answered, each has left the section
 * it was in, and its later sections see the caller's stores (the IPI orders them). A CPU that
 * is offline is in no section; the calling CPU is in none either (it is running this). */
void plat_cpu_sync(uint64_t mask)
{
    plat_preempt_disable(); /* "this CPU" stays the one excluded; interrupts stay as they were */
    mask &= smp_online_mask() & ~(1ull << this_cpu()->id);
    if (mask) {
        ipi_call_mask(mask, sync_noop, NULL);
        __atomic_add_fetch(&ipi_syncs, 1, __ATOMIC_RELAXED);
    }
    plat_preempt_enable();
}
