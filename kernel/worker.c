/* worker.c - the worker thread: runs the registered loop functions (ACPI events, memory-device
 * add and eject) after every SCI and timer tick, on the last CPU, so that a long eject never
 * holds up the shell (which runs on the boot CPU). The loop functions' state is shared with a
 * few shell commands: both use it only under kern_work_mutex. */
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"

#define MAX_LOOP_FNS 8
static void (*loop_fns[MAX_LOOP_FNS])(void);
static int n_loop_fns;
static struct waitq work_wq = WAITQ_INIT("work");
static volatile uint64_t work_kicks;
struct mutex kern_work_mutex = {WAITQ_INIT("work-mutex"), NULL};
uint64_t kern_worker_passes;

/* Register fn to run on every pass of the worker. */
void kern_loop_register(void (*fn)(void))
{
    PLAT_ASSERT(n_loop_fns < MAX_LOOP_FNS);
    loop_fns[n_loop_fns++] = fn;
}

/* Ask the worker for a pass (interrupt handlers: SCI, timer). */
void kern_work_kick(void)
{
    __atomic_add_fetch(&work_kicks, 1, __ATOMIC_RELAXED);
    waitq_wake_all(&work_wq);
}

/* Wait condition: a kick since *seen. */
static bool kicked(void *seen)
{
    return __atomic_load_n(&work_kicks, __ATOMIC_RELAXED) != *(uint64_t *)seen;
}

/* The worker: one pass of every loop function per batch of kicks. */
static void worker_main(void *arg)
{
    (void)arg;
    uint64_t seen = 0;
    for (;;) {
        waitq_wait(&work_wq, kicked, &seen);
        seen = __atomic_load_n(&work_kicks, __ATOMIC_RELAXED);
        mutex_lock(&kern_work_mutex);
        for (int i = 0; i < n_loop_fns; i++)
            loop_fns[i]();
        mutex_unlock(&kern_work_mutex);
        kern_worker_passes++;
    }
}

/* Start the worker thread on the last online CPU. */
void kern_worker_start(void)
{
    unsigned cpu = 0;
    for (unsigned i = 0; i < ncpus; i++)
        if (cpus[i].online)
            cpu = i;
    if (!thread_create(cpu, "worker", worker_main, NULL))
        panic("worker: cannot start the worker thread");
    plat_log(LOG_INFO, "sched", "worker thread on cpu %u", cpu);
}
