/* percpu.h - per-CPU data. Each CPU's GS base points at its struct cpu (whose first field points
 * at itself), so this_cpu() is one load from %gs:0 whatever the CPU.
 *
 * cpus[0] is the boot CPU. cpus[i] for i < ncpus describe the enabled MADT processors in MADT
 * order; a CPU is usable once its online flag is set (by itself, at the end of its bring-up). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "hotmem/lockcheck.h"
#include "hotmem/params.h"
#include "kernel/sched.h"

struct cpu {
    struct cpu *self; /* %gs:0 */
    /* syscall entry (kernel/syscall_entry.asm) reads these at fixed offsets: */
    uint64_t syscall_kstack;   /* %gs:8: kernel stack top of the running user thread */
    uint64_t syscall_user_rsp; /* %gs:16: user rsp saved at syscall entry */
    unsigned id;               /* index in cpus[] */
    uint32_t apic_id;
    volatile int online; /* set by the CPU itself when it takes interrupts */
    uint64_t stack_pa;   /* APs: the AP_STACK_ORDER block holding its stacks */
    volatile uint64_t lapic_ticks;
    volatile uint64_t ipi_calls; /* cross-calls run on this CPU */
    /* cross-call slot (ipi.c): written by the caller holding the IPI lock */
    void (*call_fn)(void *arg);
    void *call_arg;
    volatile int call_pending;
    int irq_depth;              /* > 0 inside an interrupt handler */
    struct lockcheck lockcheck; /* spinlocks held (debug lock-order checks) */
    /* scheduler (sched.c) */
    struct thread *current, *idle;
    struct runq rq;
    volatile int need_resched;
    int preempt_off;        /* > 0: no preemption at interrupt exit (spinning on a lock) */
    unsigned slice;         /* ticks the current thread has run */
    struct thread *zombies; /* DEAD threads (linked by rq_next) whose stacks are not freed yet */
    uint64_t switches;      /* context switches on this CPU */
    /* lazy TLB (tlb.c): tlb_lazy while the idle thread halts; the shootdowns that skipped this
     * CPU leave their pages in tlb_pending (more than TLB_LAZY_PAGES: flush everything) */
    int tlb_lazy;
    struct plat_spinlock tlb_lock; /* PLAT_RANK_TLB: tlb_lazy's clear, tlb_pending */
    unsigned tlb_npending;
    uint64_t tlb_pending[TLB_LAZY_PAGES];
    uint64_t tlb_lazy_flushes, tlb_lazy_pages; /* on leaving lazy mode: full flushes, single pages */
};

_Static_assert(__builtin_offsetof(struct cpu, syscall_kstack) == 8, "syscall_entry.asm uses %gs:8");
_Static_assert(__builtin_offsetof(struct cpu, syscall_user_rsp) == 16, "syscall_entry.asm uses %gs:16");

extern struct cpu cpus[MAX_CPUS];
extern unsigned ncpus; /* entries of cpus[] in use */
extern volatile unsigned ncpus_online;

/* The struct cpu of the CPU running this code. */
static inline struct cpu *this_cpu(void)
{
    struct cpu *c;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

/* Point GS at c (MSR IA32_GS_BASE). */
void percpu_set(struct cpu *c);
/* Start every enabled MADT processor; returns how many are online (the boot CPU included). */
unsigned smp_init(void);
/* Run fn(arg) on every online CPU in mask (the caller's own CPU included, run directly) and
 * return when all have run it. Interrupts may be on or off; callable from any CPU. */
void ipi_call_mask(uint64_t mask, void (*fn)(void *arg), void *arg);
/* spinlock.c: install the wake-up vector of halted lock waiters (before smp_init starts APs). */
void spinlock_init(void);
extern uint64_t spin_halts;
/* Install the cross-call interrupt handler (before smp_init starts APs). */
void ipi_init(void);
extern uint64_t ipi_calls_sent, smp_start_failures;
extern uint64_t ipi_syncs; /* plat_cpu_sync cross-calls that reached other CPUs */
/* Run this CPU's pending cross-call, if any (code spinning with interrupts off calls it). */
void ipi_run_pending(void);
/* tlb.c: flush n mappings of stride bytes from va on every online CPU. */
void tlb_shootdown(uint64_t va, uint64_t n, uint64_t stride);
void tlb_shootdown_mask(uint64_t va, uint64_t n, uint64_t stride, uint64_t mask);
extern uint64_t tlb_shootdowns, tlb_remote_flushes, tlb_batched_pages, tlb_lazy_skips;
/* Lazy TLB mode (tlb.c) for the idle halt: begin before it (interrupts off); end after it and at
 * the entry of every interrupt handler - it flushes the pages the shootdowns that skipped this CPU
 * meanwhile left it (the whole TLB past TLB_LAZY_PAGES). */
void tlb_lazy_begin(void);
void tlb_lazy_end(void);
/* Defer this CPU's single-page shootdowns from begin to end, then flush them by one cross-call
 * (a migration batch: plat_tlb_batch_begin/end). Not nested. */
void tlb_batch_begin(void);
void tlb_batch_end(void);
/* End the batch without waiting: its pages are queued under a ticket (0: none) that tlb_wait
 * flushes later, from any CPU (plat_tlb_batch_queue / plat_tlb_wait). */
uint64_t tlb_batch_queue(void);
void tlb_wait(uint64_t ticket);
extern uint64_t tlb_queued, tlb_queue_full;
/* Mask of every online CPU. */
uint64_t smp_online_mask(void);
/* Local APIC of this CPU: its ID, timer start, enable on an AP, an IPI to another CPU. */
uint32_t lapic_id(void);
void lapic_timer_start(void);
void lapic_enable(void);
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);
void lapic_udelay(uint64_t us);
/* gdt.c: this CPU's GDT and TSS with its three IST stacks (tops). */
void gdt_init_cpu(unsigned id, const uint64_t ist_top[3]);
/* trap.c: load the (shared) IDT on this CPU. */
void idt_load(void);
