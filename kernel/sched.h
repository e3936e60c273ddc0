/* sched.h - kernel threads, the per-CPU scheduler and wait queues.
 *
 * A thread runs on one CPU for its whole life (the CPU chosen at creation); each CPU has a run
 * queue of RUNNABLE threads (round robin, preempted by the LAPIC tick) and an idle thread that
 * runs when the queue is empty. Wait queues put a thread to sleep until a condition holds.
 *
 * Thread states (changed only under the run-queue lock of the thread's CPU):
 *   RUNNABLE --picked--> RUNNING --preempted/yield--> RUNNABLE (queued at the tail)
 *   RUNNING --waitq_wait--> SLEEPING --sched_wake--> RUNNABLE (queued)
 *   RUNNING --fn returns--> DEAD (its stack is freed by the next thread on that CPU)
 * Invariant: a thread is on its CPU's run queue iff it is RUNNABLE and not the idle thread. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "platform.h"

enum thread_state { T_RUNNABLE, T_RUNNING, T_SLEEPING, T_DEAD };

struct thread {
    uint64_t rsp; /* saved stack pointer while not running */
    enum thread_state state;
    unsigned cpu;
    unsigned id;
    const char *name;
    uint64_t stack_pa; /* 0 for the boot contexts (BSP shell, AP idle) */
    struct thread *rq_next;
    struct thread *wq_next;
    struct thread *all_next; /* every thread, for `threads` */
    uint64_t switches_in;
    struct proc *proc;   /* the user process this thread runs (NULL: a kernel thread) */
    unsigned mm_reserve; /* mm_reserve_begin nesting (plat_thread_reserve) */
};

/* A run queue (one per CPU, in struct cpu). */
struct runq {
    struct plat_spinlock lock;
    struct thread *head, *tail;
    unsigned len;
};

/* A wait queue: threads sleeping until a condition they check holds. */
struct waitq {
    struct plat_spinlock lock;
    struct thread *head;
};
#define WAITQ_INIT(wname)                                                                                    \
    {                                                                                                        \
        PLAT_SPINLOCK_INIT(wname, PLAT_RANK_WAITQ, 0), 0                                                     \
    }

/* Make the calling CPU's current context a thread (name) and give the CPU an idle thread
 * (the boot CPU) or make the context itself the idle thread (is_idle: APs). */
void sched_init_cpu(const char *name, bool is_idle);
/* Install the reschedule IPI (boot CPU, before smp_init). */
void sched_init(void);
/* The idle loop (each CPU's idle thread; APs enter it at the end of their bring-up). */
__attribute__((noreturn)) void sched_idle_loop(void);
/* Start fn(arg) as a new thread on cpu; NULL if no memory. */
struct thread *thread_create(unsigned cpu, const char *name, void (*fn)(void *), void *arg);
/* The running thread. */
struct thread *sched_current(void);
/* Give the CPU to the next runnable thread (returns at once if there is none). */
void sched_yield(void);
/* The LAPIC tick: count the slice, ask for a reschedule when it is used up. */
void sched_tick(void);
/* At the end of an interrupt: switch if a reschedule is due and preemption is allowed. */
void sched_irq_exit(void);
/* Make a SLEEPING thread RUNNABLE on its CPU (IPI if another CPU). */
void sched_wake(struct thread *t);
/* Is another thread than the current one runnable on this CPU? */
bool sched_others_runnable(void);
/* Let another runnable thread of this CPU run, or halt until the next interrupt; true if one ran. */
bool sched_yield_or_halt(void);
/* Sleep on wq until cond(arg) is true (checked under the wait queue's lock). */
void waitq_wait(struct waitq *wq, bool (*cond)(void *arg), void *arg);
/* Wake every thread sleeping on wq (callable from interrupt handlers). */
void waitq_wake_all(struct waitq *wq);
/* A sleeping lock (mutex): waiters sleep on its wait queue. */
struct mutex {
    struct waitq wq;
    volatile struct thread *owner;
};
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* End the calling thread (its stack is freed by the next thread on its CPU). */
__attribute__((noreturn)) void sched_exit(void);
/* Kernel top of t's stack. */
uint64_t sched_stack_top(const struct thread *t);
/* Print one line per thread. */
void sched_dump(void);
