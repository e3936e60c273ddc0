/* syscall.c - the system call interface (user/ulib.h has the user side; numbers must match).
 * rax = number; arguments in rdi, rsi, rdx, r10, r8; result in rax (negative: -MM_E* error).
 *
 *   0 write(buf, len)            console output, prefixed per line by nothing (the program's own)
 *   1 exit(code)
 *   2 mmap(len, prot, flags, arg) anonymous memory; MAP_SHARED: arg = key; MAP_NODE: arg = node
 *   3 munmap(addr, len)          a whole mapping
 *   4 yield()   5 sleep(ms)   6 getpid()
 *   7 pin(addr, len, name)       pin id (>= 0): the pages stay where they are until unpinned
 *   8 unpin(id)
 *   9 spawn(cmdline)             start another program ("share peer 7"): its pid
 *  10 report(passes, errors)     progress shown by `ps`
 *  11 time()                     nanoseconds since boot
 *  12 setnode(node)              node of the process's memory from now on
 */
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"

#define MSR_EFER 0xC0000080u
#define MSR_STAR 0xC0000081u
#define MSR_LSTAR 0xC0000082u
#define MSR_FMASK 0xC0000084u
#define RFLAGS_TF 0x100u
#define RFLAGS_IF 0x200u
#define RFLAGS_DF 0x400u
#define RFLAGS_AC 0x40000u

struct sysframe {
    uint64_t r15, r14, r13, r12, rbx, rax, r9, r8, r10, rdx, rsi, rdi, rbp, rip, rflags, rsp;
};

void syscall_entry(void);
uint64_t syscall_counts[13];

/* Enable SYSCALL on this CPU: kernel CS 0x08 / SS 0x10, SYSRET to GDT_USER_BASE + 16/8. */
void syscall_init_cpu(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);
    wrmsr(MSR_STAR, (0x08ull << 32) | ((uint64_t)GDT_USER_BASE << 48));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC);
}

/* Copy a user string (at most n-1 bytes) into buf; 0 or MM_EINVAL. */
static int copy_str(struct proc *p, uint64_t va, char *buf, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n; i++) {
        if (uvm_prefault(p, va + i, 1, false))
            return MM_EINVAL;
        buf[i] = *(volatile const char *)(va + i);
        if (!buf[i])
            return 0;
    }
    buf[i] = 0;
    return 0;
}

static int64_t sys_write(struct proc *p, uint64_t va, uint64_t len)
{
    char buf[256];
    if (len > SYS_WRITE_MAX || uvm_prefault(p, va, len, false))
        return MM_EINVAL;
    for (uint64_t off = 0; off < len; off += sizeof buf) {
        uint64_t n = len - off < sizeof buf ? len - off : sizeof buf;
        if (uvm_prefault(p, va + off, n, false)) /* a page may have moved meanwhile: fine */
            return MM_EINVAL;
        memcpy(buf, (const void *)(va + off), n);
        console_write_other(buf, n);
    }
    return (int64_t)len;
}

static int64_t sys_mmap(struct proc *p, uint64_t len, uint64_t prot, uint64_t flags, uint64_t arg)
{
    len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (!len || len > USER_MMAP_END - USER_MMAP_BASE || prot & ~7ull || flags & ~3ull || flags == 3 ||
        ((flags & MAP_NODE) && arg >= MAX_NODES))
        return MM_EINVAL;
    if (p->mmap_next + len > USER_MMAP_END)
        return MM_ENOMEM;
    struct shm *s = NULL;
    if ((flags & MAP_SHARED) && !(s = shm_get(arg, len / PAGE_SIZE, p->node)))
        return MM_ENOMEM;
    if (flags & MAP_NODE)
        p->node = (unsigned)arg;
    uint64_t va = p->mmap_next;
    int r = uvm_map(p, va, len, (unsigned)prot, s);
    if (r) {
        if (s)
            shm_put(s);
        return r;
    }
    p->mmap_next += len + PAGE_SIZE; /* a guard page between mappings */
    return (int64_t)va;
}

static int64_t sys_pin(struct proc *p, uint64_t va, uint64_t len, uint64_t name)
{
    int slot = -1;
    for (int i = 0; i < PIN_MAX; i++)
        if (!p->pins[i].npages && slot < 0)
            slot = i;
    if (slot < 0 || !len || (va & (PAGE_SIZE - 1)) || uvm_prefault(p, va, len, true))
        return slot < 0 ? MM_ENOMEM : MM_EINVAL;
    struct pin *pn = &p->pins[slot];
    if (copy_str(p, name, pn->name, sizeof pn->name))
        return MM_EINVAL;
    uint64_t n = (len + PAGE_SIZE - 1) / PAGE_SIZE;
    unsigned long irq = uvm_lock_settled(p, va, n); /* pages cannot move between the lookup and the pin */
    for (uint64_t i = 0; i < n; i++)
        mm_rmap_pin(uvm_pa(p, va + i * PAGE_SIZE), +1, pn->name);
    pn->va = va;
    pn->npages = n;
    mm_unlock_irqrestore(irq);
    return slot;
}

/* Release pin id of p (also used at exit). */
int proc_unpin(struct proc *p, uint64_t id)
{
    if (id >= PIN_MAX || !p->pins[id].npages)
        return MM_ENOENT;
    struct pin *pn = &p->pins[id];
    unsigned long irq = uvm_lock_settled(p, pn->va, pn->npages); /* pinned pages are never isolated */
    for (uint64_t i = 0; i < pn->npages; i++)
        mm_rmap_pin(uvm_pa(p, pn->va + i * PAGE_SIZE), -1, NULL);
    pn->npages = 0;
    mm_unlock_irqrestore(irq);
    return 0;
}

/* Sleep ms, halting when nothing else wants this CPU; a kill ends it early. */
static void sys_sleep(struct proc *p, uint64_t ms)
{
    uint64_t end = plat_now_ns() + ms * 1000000ull;
    while (plat_now_ns() < end && !p->killed)
        sched_yield_or_halt();
}

/* spawn: split a user command line and run it. */
static int64_t sys_spawn(struct proc *p, uint64_t va)
{
    char line[128], *argv[PROC_ARGS];
    int argc = 0;
    if (copy_str(p, va, line, sizeof line))
        return MM_EINVAL;
    for (char *s = line; *s && argc < PROC_ARGS;) {
        while (*s == ' ')
            *s++ = 0;
        if (*s)
            argv[argc++] = s;
        while (*s && *s != ' ')
            s++;
    }
    return argc ? proc_run(argv[0], argc, argv) : MM_EINVAL;
}

/* Run system call f->rax for the current process. */
int64_t syscall_dispatch(struct sysframe *f)
{
    struct proc *p = proc_current();
    uint64_t a = f->rdi, b = f->rsi, c = f->rdx, d = f->r10;
    int64_t r = MM_EINVAL;
    if (f->rax < sizeof syscall_counts / sizeof syscall_counts[0])
        syscall_counts[f->rax]++;
    if (p->killed)
        proc_exit(-1, "killed");
    switch (f->rax) {
    case 0:
        r = sys_write(p, a, b);
        break;
    case 1:
        proc_exit((int)a, "exit");
    case 2:
        r = sys_mmap(p, a, b, c, d);
        break;
    case 3:
        r = uvm_unmap(p, a, (b + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
        break;
    case 4:
        sched_yield();
        r = 0;
        break;
    case 5:
        sys_sleep(p, a);
        r = 0;
        break;
    case 6:
        r = p->pid;
        break;
    case 7:
        r = sys_pin(p, a, b, c);
        break;
    case 8:
        r = proc_unpin(p, a);
        break;
    case 9:
        r = sys_spawn(p, a);
        break;
    case 10:
        p->passes = a;
        p->errors = b;
        r = 0;
        break;
    case 11:
        r = (int64_t)plat_now_ns();
        break;
    case 12:
        r = a < MAX_NODES ? (p->node = (unsigned)a, 0) : MM_EINVAL;
        break;
    default:
        break;
    }
    if (p->killed)
        proc_exit(-1, "killed");
    return r;
}
