/* proc.c - the process table, program start (`run`), exit and kill, the scheduler's address
 * space switch, and the programs shipped as multiboot2 modules (states in proc.h). */
#include <stdio.h>
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/mb2.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"

void user_enter(uint64_t rip, uint64_t rsp, uint64_t argc, uint64_t argv);
int proc_unpin(struct proc *p, uint64_t id);
extern struct mb2_info kern_mb2;

struct proc procs[PROC_MAX];
static struct plat_spinlock proc_lock = PLAT_SPINLOCK_INIT("procs", PLAT_RANK_MM - 1, 0);
static unsigned next_pid = 1;
uint64_t proc_started, proc_start_failures, proc_faulted, proc_killed;

/* Find program name among the modules. */
int prog_find(const char *name, const uint8_t **data, uint64_t *size)
{
    for (unsigned i = 0; i < kern_mb2.nmods; i++) {
        const char *c = kern_mb2.mods[i].cmdline, *base = c;
        for (const char *q = c; *q; q++)
            if (*q == '/')
                base = q + 1;
        if (!strcmp(base, name)) {
            *data = phys_to_virt(kern_mb2.mods[i].start);
            *size = kern_mb2.mods[i].end - kern_mb2.mods[i].start;
            return 0;
        }
    }
    return MM_ENOENT;
}

/* One line per program. */
void prog_dump(void)
{
    for (unsigned i = 0; i < kern_mb2.nmods; i++)
        plat_printf("prog=%s bytes=%u\n", kern_mb2.mods[i].cmdline,
                    kern_mb2.mods[i].end - kern_mb2.mods[i].start);
}

struct proc *proc_current(void)
{
    struct thread *t = sched_current();
    return t ? t->proc : NULL;
}

void proc_describe(void *holder, char *buf, size_t n)
{
    const struct proc *p = holder;
    snprintf(buf, n, "pid=%u,prog=%s", p->pid, p->name);
}

/* Scheduler hook (interrupts off): run next on its address space and kernel stack. */
void proc_switch_to(struct thread *next)
{
    struct proc *p = next->proc;
    uint64_t want = p ? p->pml4 : paging_kernel_pml4();
    if (p) {
        gdt_set_rsp0(p->kstack_top);
        this_cpu()->syscall_kstack = p->kstack_top;
        __atomic_or_fetch(&p->cpus, 1ull << this_cpu()->id, __ATOMIC_RELAXED);
    }
    if (read_cr3() != want)
        write_cr3(want);
}

/* Push argv strings and the argv array on p's stack (under mm_lock: pages cannot move). */
static int push_args(struct proc *p, uint64_t *rsp, uint64_t *argv_va)
{
    uint64_t top = USER_STACK_TOP - PAGE_SIZE;
    const char *why;
    if (uvm_fault(p, top, 2, &why))
        return MM_ENOMEM;
    unsigned long irq = uvm_lock_settled(p, top, 1);
    uint8_t *page = phys_to_virt(uvm_pa(p, top));
    uint64_t off = PAGE_SIZE, ptrs[PROC_ARGS + 1] = {0};
    for (int i = p->argc - 1; i >= 0; i--) {
        size_t n = strlen(p->args[i]) + 1;
        off -= n;
        memcpy(page + off, p->args[i], n);
        ptrs[i] = top + off;
    }
    off = (off - sizeof ptrs) & ~15ull;
    memcpy(page + off, ptrs, sizeof ptrs);
    mm_unlock_irqrestore(irq);
    *argv_va = top + off;
    *rsp = top + off - 8; /* as if called: rsp + 8 is 16-byte aligned */
    return 0;
}

/* The process thread: set up the address space switch, then enter user mode for good. */
static void proc_thread(void *arg)
{
    struct proc *p = arg;
    struct thread *t = sched_current();
    uint64_t rsp, argv;
    p->kstack_top = sched_stack_top(t);
    cli();
    p->thread = t;
    t->proc = p;
    proc_switch_to(t);
    sti();
    if (push_args(p, &rsp, &argv))
        proc_exit(-1, "no memory for the arguments");
    cli();
    user_enter(p->entry, rsp, (uint64_t)p->argc, argv);
}

/* A CPU for a new process: the least used of CPUs 1..n-2 (0 runs the shell, n-1 the worker). */
static unsigned pick_cpu(void)
{
    unsigned lo = ncpus > 2 ? 1 : 0, hi = ncpus > 2 ? ncpus - 2 : ncpus - 1, best = lo, load[MAX_CPUS] = {0};
    for (int i = 0; i < PROC_MAX; i++)
        if (procs[i].state == P_RUNNING)
            load[procs[i].cpu]++;
    for (unsigned c = lo; c <= hi; c++)
        if (cpus[c].online && load[c] < load[best])
            best = c;
    return best;
}

/* A free slot (zombies are reused oldest pid first), marked RUNNING; NULL if all are running. */
static struct proc *slot_alloc(void)
{
    struct proc *best = NULL;
    unsigned long f = plat_spin_lock_irqsave(&proc_lock);
    for (int i = 0; i < PROC_MAX && !(best && best->state == P_FREE); i++) {
        struct proc *p = &procs[i];
        if (p->state == P_FREE || (p->state == P_ZOMBIE && (!best || p->pid < best->pid)))
            best = p;
    }
    if (best) {
        memset(best, 0, sizeof *best);
        best->state = P_RUNNING;
        best->pid = next_pid++;
    }
    plat_spin_unlock_irqrestore(&proc_lock, f);
    return best;
}

/* Start program name with its arguments. */
int proc_run(const char *name, int argc, char **argv)
{
    const uint8_t *img;
    uint64_t size, entry;
    const char *why = NULL;
    struct proc *p = NULL;
    int r = prog_find(name, &img, &size);
    if (r)
        why = "no such program (see `progs`)";
    else if (argc > PROC_ARGS)
        why = "too many arguments", r = MM_EINVAL;
    else if (!(p = slot_alloc()))
        why = "process table full", r = MM_ENOMEM;
    if (!r) {
        snprintf(p->name, sizeof p->name, "%s", name);
        p->argc = argc;
        for (int i = 0; i < argc; i++)
            snprintf(p->args[i], sizeof p->args[i], "%s", argv[i]);
        r = uvm_create(p);
        if (r)
            why = "no memory for page tables";
    }
    if (!r && (r = elf_load(p, img, size, &entry, &why)) == 0)
        r = uvm_map(p, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PROT_READ | PROT_WRITE, NULL);
    if (!r) {
        p->entry = entry;
        p->cpu = pick_cpu();
        if (!thread_create(p->cpu, p->name, proc_thread, p)) /* it sets p->thread itself */
            r = MM_ENOMEM, why = "cannot start its thread";
    }
    unsigned pid = p ? p->pid : 0, cpu = p ? p->cpu : 0; /* p may be a zombie already */
    if (r) {
        if (p && p->pml4)
            uvm_destroy(p);
        if (p)
            p->state = P_FREE;
        proc_start_failures++;
        plat_log(LOG_ERR, "proc", "run %s: %s", name, why ? why : "failed");
        return r;
    }
    proc_started++;
    plat_log(LOG_INFO, "proc", "pid %u: %s started on cpu %u", pid, name, cpu);
    return (int)pid;
}

/* End the calling process: drop its pins and address space, keep its record as a zombie. */
void proc_exit(int code, const char *msg)
{
    struct proc *p = proc_current();
    struct thread *t = sched_current();
    sti();
    p->exit_code = code;
    if (msg)
        snprintf(p->exit_msg, sizeof p->exit_msg, "%s", msg);
    for (int i = 0; i < PIN_MAX; i++)
        proc_unpin(p, (uint64_t)i);
    cli();
    t->proc = NULL;
    proc_switch_to(t);
    sti();
    uvm_destroy(p);
    plat_log(code < 0 ? LOG_WARN : LOG_INFO, "proc", "pid %u (%s) ended: %s (code %d)", p->pid, p->name,
             p->exit_msg, code);
    p->thread = NULL;
    p->state = P_ZOMBIE;
    sched_exit();
}

/* A fault of the current process (vector named name): 0 when resolved (retry the access), -1
 * when the process must end (the reason is in its exit message and the log). */
int proc_trap(uint64_t vector, const char *name, uint64_t err, uint64_t rip, uint64_t cr2)
{
    struct proc *p = proc_current();
    const char *why = NULL;
    if (vector == 14) {
        struct cpu *c = this_cpu();
        c->preempt_off++; /* on the #PF IST stack: no switch until we leave it */
        sti();
        int r = uvm_fault(p, cr2, err, &why);
        cli();
        c->preempt_off--;
        if (!r)
            return 0;
        snprintf(p->exit_msg, sizeof p->exit_msg, "page fault at 0x%llx (%s, %s) rip 0x%llx",
                 (unsigned long long)cr2,
                 err & 16  ? "exec"
                 : err & 2 ? "write"
                           : "read",
                 why, (unsigned long long)rip);
    } else {
        snprintf(p->exit_msg, sizeof p->exit_msg, "%s (error 0x%llx) at rip 0x%llx", name,
                 (unsigned long long)err, (unsigned long long)rip);
    }
    proc_faulted++;
    plat_log(LOG_ERR, "proc", "pid %u (%s) killed: %s", p->pid, p->name, p->exit_msg);
    return -1;
}

/* Where a faulting or killed process's thread resumes (its own stack, interrupts off). */
void proc_exit_trap(void)
{
    proc_exit(-1, proc_current()->killed ? "killed" : NULL);
}

/* Ask process pid to end (it does at its next kernel entry). */
int proc_kill(unsigned pid)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (procs[i].state == P_RUNNING && procs[i].pid == pid) {
            procs[i].killed = 1;
            proc_killed++;
            return 0;
        }
    return MM_ENOENT;
}

static const char *const pstate_names[] = {"free", "running", "exited"};

/* `ps`: one line per process with its resident pages per node and zone. */
void proc_dump(void)
{
    for (int i = 0; i < PROC_MAX; i++) {
        struct proc *p = &procs[i];
        if (p->state == P_FREE)
            continue;
        uint64_t res[MAX_NODES][MM_NR_ZONES], total = 0;
        char rbuf[MAX_NODES * 48] = "";
        size_t off = 0;
        uvm_resident(p, res);
        for (unsigned n = 0; n < MAX_NODES; n++)
            for (unsigned z = 0; z < MM_NR_ZONES; z++) {
                total += res[n][z];
                if (res[n][z])
                    off += (size_t)snprintf(rbuf + off, sizeof rbuf - off, " n%u_%s=%llu", n,
                                            z ? "movable" : "normal", (unsigned long long)res[n][z]);
            }
        plat_printf("pid=%u name=%s state=%s cpu=%d resident=%llu%s passes=%llu errors=%llu faults=%llu "
                    "migration_waits=%llu stall_max_us=%llu exit=\"%s\"\n",
                    p->pid, p->name, p->killed && p->state == P_RUNNING ? "killing" : pstate_names[p->state],
                    p->state == P_RUNNING ? (int)p->cpu : -1, (unsigned long long)total, rbuf,
                    (unsigned long long)p->passes, (unsigned long long)p->errors,
                    (unsigned long long)p->faults, (unsigned long long)p->migration_waits,
                    (unsigned long long)(p->stall_max_ns / 1000), p->exit_msg);
    }
}

/* Boot: the kernel half of every address space exists from now on. */
void proc_init(void)
{
    paging_kernel_pml4();
    plat_log(LOG_INFO, "proc", "%u programs", kern_mb2.nmods);
}
