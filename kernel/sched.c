/* sched.c - kernel threads and the per-CPU round-robin scheduler (states and invariants in
 * sched.h). A switch happens with interrupts off and no lock held: the run-queue lock protects
 * the queue and the thread states, and only the thread's own CPU ever dequeues or runs it, so a
 * thread put back on the queue cannot be picked elsewhere before its context is saved. */
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"
#include "mm/mm.h"

#define ICR_FIXED 0x4000u

void sched_switch(uint64_t *save_rsp, uint64_t load_rsp);
void sched_thread_entry(void);

static struct plat_spinlock all_lock = PLAT_SPINLOCK_INIT("threads", PLAT_RANK_RUNQ, 0);
static struct thread *all_threads;
static unsigned next_tid;
uint64_t sched_create_failures;

/* Append t to the list of every thread. */
static void all_add(struct thread *t)
{
    unsigned long f = plat_spin_lock_irqsave(&all_lock);
    t->id = next_tid++;
    t->all_next = all_threads;
    all_threads = t;
    plat_spin_unlock_irqrestore(&all_lock, f);
}

/* Queue t at the tail of rq (rq locked). */
static void rq_push_locked(struct runq *rq, struct thread *t)
{
    t->rq_next = NULL;
    if (rq->tail)
        rq->tail->rq_next = t;
    else
        rq->head = t;
    rq->tail = t;
    rq->len++;
}

/* Take the head of rq, or NULL (rq locked). */
static struct thread *rq_pop_locked(struct runq *rq)
{
    struct thread *t = rq->head;
    if (t) {
        rq->head = t->rq_next;
        if (!rq->head)
            rq->tail = NULL;
        rq->len--;
    }
    return t;
}

/* A thread record for the running context (no stack of its own to free). */
static struct thread *context_thread(const char *name, struct cpu *c)
{
    struct thread *t = plat_alloc(sizeof *t);
    if (!t)
        panic("sched: no memory for the thread of cpu %u", c->id);
    t->name = name;
    t->cpu = c->id;
    t->state = T_RUNNING;
    all_add(t);
    return t;
}

static struct thread *thread_new(unsigned cpu, const char *name, void (*fn)(void *), void *arg);

/* Make the running context a thread; the boot CPU also gets an idle thread. */
void sched_init_cpu(const char *name, bool is_idle)
{
    struct cpu *c = this_cpu();
    c->rq.lock = (struct plat_spinlock)PLAT_SPINLOCK_INIT("runq", PLAT_RANK_RUNQ, 0);
    c->current = context_thread(name, c);
    c->idle = is_idle ? c->current : thread_new(c->id, "idle", (void (*)(void *))sched_idle_loop, NULL);
    if (!c->idle)
        panic("sched: no idle thread for cpu %u", c->id);
    c->idle->state = T_RUNNABLE;
}

/* Free the stacks and records of the threads that died on this CPU. Called with interrupts on
 * (never from a switch with interrupts off: mm_lock's holder may be waiting for this CPU to
 * answer a TLB shootdown). */
static void reap(void)
{
    cli();
    struct cpu *c = this_cpu();
    struct thread *z = c->zombies;
    c->zombies = NULL;
    sti();
    while (z) {
        struct thread *next = z->rq_next;
        unsigned long f = plat_spin_lock_irqsave(&all_lock);
        for (struct thread **pp = &all_threads; *pp; pp = &(*pp)->all_next)
            if (*pp == z) {
                *pp = z->all_next;
                break;
            }
        plat_spin_unlock_irqrestore(&all_lock, f);
        mm_free_pages(z->stack_pa, THREAD_STACK_ORDER);
        plat_free(z);
        z = next;
    }
}

/* Switch to the next runnable thread of this CPU (interrupts off, no spinlock held). */
static void schedule_irqoff(void)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->current;
    unsigned long f = plat_spin_lock_irqsave(&c->rq.lock);
    if (prev->state == T_RUNNING) {
        prev->state = T_RUNNABLE;
        if (prev != c->idle)
            rq_push_locked(&c->rq, prev);
    }
    struct thread *next = rq_pop_locked(&c->rq);
    if (!next)
        next = c->idle;
    next->state = T_RUNNING;
    c->need_resched = 0;
    c->slice = 0;
    plat_spin_unlock_irqrestore(&c->rq.lock, f);
    if (next == prev)
        return;
    if (prev->state == T_DEAD) {
        prev->rq_next = c->zombies;
        c->zombies = prev;
    }
    c->current = next;
    proc_switch_to(next);
    c->switches++;
    next->switches_in++;
    sched_switch(&prev->rsp, next->rsp);
}

/* Give the CPU to the next runnable thread. */
void sched_yield(void)
{
    plat_might_block("sched_yield");
    unsigned long f = plat_irq_save();
    schedule_irqoff();
    plat_irq_restore(f);
    if (f && this_cpu()->zombies)
        reap();
}

/* First code of a new thread (from sched_thread_entry, interrupts off): run fn(arg), then die. */
void sched_thread_start(void (*fn)(void *), void *arg)
{
    sti();
    reap();
    fn(arg);
    sched_exit();
}

/* Mark the calling thread DEAD and switch away for good. */
void sched_exit(void)
{
    cli();
    struct cpu *c = this_cpu();
    unsigned long f = plat_spin_lock_irqsave(&c->rq.lock);
    c->current->state = T_DEAD;
    plat_spin_unlock_irqrestore(&c->rq.lock, f);
    schedule_irqoff();
    panic("sched: a dead thread ran again");
}

/* Kernel top of t's stack. */
uint64_t sched_stack_top(const struct thread *t)
{
    return (uint64_t)phys_to_virt(t->stack_pa) + (PAGE_SIZE << THREAD_STACK_ORDER);
}

/* A new thread record and stack that will run fn(arg) on cpu (not yet runnable); NULL if no
 * memory. */
static struct thread *thread_new(unsigned cpu, const char *name, void (*fn)(void *), void *arg)
{
    struct thread *t = plat_alloc(sizeof *t);
    uint64_t pa = t ? mm_alloc_pages_owner(THREAD_STACK_ORDER, 0, MM_OWN_KERNEL, 0) : 0;
    if (!pa) {
        plat_free(t);
        sched_create_failures++;
        return NULL;
    }
    t->name = name;
    t->cpu = cpu;
    t->stack_pa = pa;
    t->state = T_SLEEPING;
    uint64_t *sp = (uint64_t *)((uint8_t *)phys_to_virt(pa) + (PAGE_SIZE << THREAD_STACK_ORDER));
    *--sp = 0;                            /* alignment: entry runs as if called */
    *--sp = (uint64_t)sched_thread_entry; /* ret target */
    *--sp = 0;                            /* rbp */
    *--sp = 0;                            /* rbx */
    *--sp = (uint64_t)fn;                 /* r12 */
    *--sp = (uint64_t)arg;                /* r13 */
    *--sp = 0;                            /* r14 */
    *--sp = 0;                            /* r15 */
    t->rsp = (uint64_t)sp;
    all_add(t);
    return t;
}

/* Start fn(arg) as a new thread on cpu. */
struct thread *thread_create(unsigned cpu, const char *name, void (*fn)(void *), void *arg)
{
    if (cpu >= ncpus || !cpus[cpu].online || !cpus[cpu].current) {
        sched_create_failures++;
        return NULL;
    }
    struct thread *t = thread_new(cpu, name, fn, arg);
    if (t)
        sched_wake(t);
    return t;
}

/* The running thread. */
struct thread *sched_current(void)
{
    return this_cpu()->current;
}

/* Make a SLEEPING thread RUNNABLE on its CPU. */
void sched_wake(struct thread *t)
{
    struct cpu *c = &cpus[t->cpu];
    unsigned long f = plat_spin_lock_irqsave(&c->rq.lock);
    bool woke = t->state == T_SLEEPING;
    if (woke) {
        t->state = T_RUNNABLE;
        if (t != c->idle)
            rq_push_locked(&c->rq, t);
    }
    plat_spin_unlock_irqrestore(&c->rq.lock, f);
    if (!woke)
        return;
    if (c == this_cpu())
        c->need_resched = 1;
    else
        lapic_send_ipi(c->apic_id, ICR_FIXED | VECTOR_RESCHED);
}

/* Is another thread runnable on this CPU? */
bool sched_others_runnable(void)
{
    return __atomic_load_n(&this_cpu()->rq.len, __ATOMIC_RELAXED) != 0;
}

/* Let another runnable thread of this CPU run, or halt until the next interrupt (interrupts on
 * while halted, the caller's state restored after). True if another thread ran. */
bool sched_yield_or_halt(void)
{
    if (sched_others_runnable()) {
        sched_yield();
        return true;
    }
    unsigned long f = plat_irq_save();
    sti_hlt();
    cli();
    plat_irq_restore(f);
    return false;
}

/* The LAPIC tick. */
void sched_tick(void)
{
    struct cpu *c = this_cpu();
    if (c->current && ++c->slice >= SCHED_SLICE_TICKS && (c->rq.len || c->current == c->idle))
        c->need_resched = 1;
}

/* Interrupt exit: preempt if due and allowed (interrupts are off here). */
void sched_irq_exit(void)
{
    struct cpu *c = this_cpu();
    if (c->need_resched && !c->preempt_off && c->current && c->irq_depth == 0)
        schedule_irqoff();
}

/* VECTOR_RESCHED: another CPU made a thread runnable here. */
static void resched_irq(void)
{
    this_cpu()->need_resched = 1;
    lapic_eoi();
}

/* Each CPU's idle thread: halt until an interrupt, run whatever became runnable. */
void sched_idle_loop(void)
{
    for (;;) {
        cli();
        if (sched_others_runnable()) {
            schedule_irqoff();
            sti();
        } else {
            tlb_lazy_begin(); /* shootdowns need not wake this CPU (tlb.c) */
            sti_hlt();
            cli();
            tlb_lazy_end();
            sti();
        }
        if (this_cpu()->zombies)
            reap();
    }
}

/* Install the reschedule IPI handler (boot CPU, before the APs start). */
void sched_init(void)
{
    irq_set_handler(VECTOR_RESCHED, resched_irq);
}

/* Sleep on wq until cond(arg). */
void waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg)
{
    struct cpu *c = this_cpu();
    struct thread *me = c->current;
    for (;;) {
        plat_might_block("waitq_wait");
        unsigned long f = plat_spin_lock_irqsave(&wq->lock);
        if (cond(arg)) {
            plat_spin_unlock_irqrestore(&wq->lock, f);
            return;
        }
        me->wq_next = wq->head;
        wq->head = me;
        unsigned long g = plat_spin_lock_irqsave(&c->rq.lock);
        me->state = T_SLEEPING;
        plat_spin_unlock_irqrestore(&c->rq.lock, g);
        plat_spin_unlock_irqrestore(&wq->lock, f);
        sched_yield(); /* returns at once if a waker already made us RUNNABLE again */
    }
}

/* Wake every sleeper of wq. */
void waitq_wake_all(struct waitq *wq)
{
    unsigned long f = plat_spin_lock_irqsave(&wq->lock);
    struct thread *t = wq->head;
    wq->head = NULL;
    while (t) {
        struct thread *n = t->wq_next;
        sched_wake(t);
        t = n;
    }
    plat_spin_unlock_irqrestore(&wq->lock, f);
}

/* Take m if free (the waitq_wait condition). */
static bool mutex_try(void *arg)
{
    struct mutex *m = arg;
    struct thread *none = NULL;
    return __atomic_compare_exchange_n((struct thread **)&m->owner, &none, sched_current(), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Take m, sleeping while another thread holds it. */
void mutex_lock(struct mutex *m)
{
    waitq_wait(&m->wq, mutex_try, m);
}

/* Release m and wake its waiters. */
void mutex_unlock(struct mutex *m)
{
    PLAT_ASSERT(m->owner == sched_current());
    __atomic_store_n((struct thread **)&m->owner, NULL, __ATOMIC_RELEASE);
    waitq_wake_all(&m->wq);
}

static const char *const state_names[] = {"runnable", "running", "sleeping", "dead"};

/* One line per thread. */
void sched_dump(void)
{
    unsigned long f = plat_spin_lock_irqsave(&all_lock);
    for (struct thread *t = all_threads; t; t = t->all_next)
        plat_printf("thread=%u name=%s cpu=%u state=%s switches=%llu\n", t->id, t->name, t->cpu,
                    state_names[t->state], (unsigned long long)t->switches_in);
    plat_spin_unlock_irqrestore(&all_lock, f);
}
