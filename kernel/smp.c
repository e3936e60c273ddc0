/* smp.c - start the application processors (APs) of the MADT with INIT-SIPI-SIPI through the
 * real-mode trampoline (boot/trampoline.asm), one at a time, and bring each up to its idle loop:
 * kernel page tables, GDT/TSS with IST stacks, IDT, per-CPU data through GS, local APIC and its
 * timer, interrupts on.
 *
 * The trampoline pages [TRAMPOLINE_PA, +TRAMPOLINE_PAGES pages) hold the code and, above it, a
 * PML4 that copies the kernel's (so the higher half is there) plus an identity map of the first
 * 2 MiB (so the code keeps running when paging comes on). Only smp_init touches them. */
#include <string.h>
#include "drivers/acpi/tables/tables.h"
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "mm/mm.h"

#define ICR_INIT 0x4500u /* INIT, level assert */
#define ICR_SIPI 0x4600u /* start-up, level assert; low byte = vector (page number) */
#define PTE_PW 0x3ull
#define PTE_PS 0x80ull

struct cpu cpus[MAX_CPUS] = {
    [0 ... MAX_CPUS - 1] = {.tlb_lock = PLAT_SPINLOCK_INIT("tlb-lazy", PLAT_RANK_TLB, 0)}};
unsigned ncpus = 1;
volatile unsigned ncpus_online = 1;
uint64_t smp_start_failures; /* APs that did not come up (counter) */

extern const char trampoline_start[], trampoline_end[], tr_params[];
extern const uint64_t tr_pa;
static uint64_t kernel_cr3; /* the kernel's PML4, loaded by each AP once in the higher half */

/* The parameter block at the end of the trampoline (boot/trampoline.asm: tr_params). */
struct tr_params {
    uint64_t cr3, stack, entry, arg;
};

/* Point GS at c (MSR IA32_GS_BASE). */
void percpu_set(struct cpu *c)
{
    c->self = c;
    wrmsr(0xc0000101, (uint64_t)c);
}

/* Mask of every online CPU. */
uint64_t smp_online_mask(void)
{
    uint64_t m = 0;
    for (unsigned i = 0; i < ncpus; i++)
        if (cpus[i].online)
            m |= 1ull << i;
    return m;
}

/* C entry of an AP (from the trampoline, on its own stack): finish the CPU setup and idle. */
static __attribute__((noreturn)) void ap_main(struct cpu *c)
{
    percpu_set(c);
    write_cr3(kernel_cr3);
    uint8_t *stk = phys_to_virt(c->stack_pa);
    uint64_t ist[3];
    for (int i = 0; i < 3; i++)
        ist[i] = (uint64_t)(stk + (uint64_t)(i + 2) * AP_STACK_SIZE);
    gdt_init_cpu(c->id, ist);
    idt_load();
    lapic_enable();
    lapic_timer_start();
    sched_init_cpu("idle", true);
    __atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
    __atomic_add_fetch(&ncpus_online, 1, __ATOMIC_ACQ_REL);
    sched_idle_loop();
}

/* Copy the trampoline to low memory and build its page tables (kernel PML4 + identity 2 MiB). */
static int trampoline_setup(void)
{
    size_t len = (size_t)(trampoline_end - trampoline_start);
    if (tr_pa != TRAMPOLINE_PA || len > PAGE_SIZE) {
        plat_log(LOG_ERR, "smp", "trampoline at 0x%llx (%zu bytes) does not match params.h",
                 (unsigned long long)tr_pa, len);
        return -1;
    }
    uint8_t *base = phys_to_virt(TRAMPOLINE_PA);
    memcpy(base, trampoline_start, len);
    uint64_t *pml4 = (uint64_t *)(base + PAGE_SIZE), *pdpt = (uint64_t *)(base + 2 * PAGE_SIZE),
             *pd = (uint64_t *)(base + 3 * PAGE_SIZE);
    memcpy(pml4, phys_to_virt(read_cr3() & ~0xfffull), PAGE_SIZE);
    memset(pdpt, 0, PAGE_SIZE);
    memset(pd, 0, PAGE_SIZE);
    pd[0] = 0 | PTE_PW | PTE_PS;
    pdpt[0] = (TRAMPOLINE_PA + 3 * PAGE_SIZE) | PTE_PW;
    pml4[0] = (TRAMPOLINE_PA + 2 * PAGE_SIZE) | PTE_PW;
    return 0;
}

/* Microseconds to wait after INIT: none on modern CPUs and under a hypervisor (CPUID). */
static uint64_t init_wait_us(void)
{
    uint32_t a, b, c, d, family;
    cpuid(0, &a, &b, &c, &d);
    bool intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; /* GenuineIntel */
    bool amd = b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;   /* AuthenticAMD */
    cpuid(1, &a, &b, &c, &d);
    family = (a >> 8) & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    if ((c >> 31 & 1) || (intel && family == 6) || (amd && family >= 0xf))
        return AP_INIT_WAIT_MODERN_US;
    return AP_INIT_WAIT_US;
}

/* Start cpus[c->id] and wait until it is online: 0, or -1 (logged, its stack given back). */
static int start_ap(struct cpu *c)
{
    c->stack_pa = mm_alloc_pages_owner(AP_STACK_ORDER, MM_ZERO, MM_OWN_KERNEL, c->id);
    if (!c->stack_pa) {
        plat_log(LOG_ERR, "smp", "cpu %u (apic %u): no memory for its stacks", c->id, c->apic_id);
        return -1;
    }
    struct tr_params *p = phys_to_virt(TRAMPOLINE_PA + (uint64_t)(tr_params - trampoline_start));
    p->cr3 = TRAMPOLINE_PA + PAGE_SIZE;
    p->stack = (uint64_t)phys_to_virt(c->stack_pa) + AP_STACK_SIZE;
    p->entry = (uint64_t)ap_main;
    p->arg = (uint64_t)c;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    lapic_send_ipi(c->apic_id, ICR_INIT);
    lapic_udelay(init_wait_us());
    uint64_t deadline = kern_uptime_ns() + AP_START_TIMEOUT_MS * 1000000ull;
    for (int sipi = 0; sipi < 2 && !__atomic_load_n(&c->online, __ATOMIC_ACQUIRE); sipi++) {
        lapic_send_ipi(c->apic_id, ICR_SIPI | (uint32_t)(TRAMPOLINE_PA >> PAGE_SHIFT));
        lapic_udelay(AP_SIPI_WAIT_US);
    }
    while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE) && kern_uptime_ns() < deadline)
        cpu_pause();
    if (c->online)
        return 0;
    /* Its stack stays allocated: a late AP might still run on it (counted, never freed). */
    smp_start_failures++;
    plat_log(LOG_ERR, "smp", "cpu %u (apic %u) did not start within %d ms", c->id, c->apic_id,
             AP_START_TIMEOUT_MS);
    return -1;
}

/* Start every enabled MADT processor; returns how many are online (the boot CPU included). */
unsigned smp_init(void)
{
    const struct acpi_madt *m = &acpi_madt_info;
    uint32_t bsp = lapic_id();
    cpus[0].apic_id = bsp;
    kernel_cr3 = read_cr3();
    ipi_init();
    sched_init();
    spinlock_init();
    if (!m->valid || trampoline_setup())
        return ncpus_online;
    for (unsigned i = 0; i < m->ncpus && i < ACPI_MAX_CPUS; i++) {
        const struct acpi_madt_cpu *mc = &m->cpu[i];
        if (!(mc->flags & 1) || mc->apic_id == bsp)
            continue;
        if (mc->apic_id >= 0xff) {
            plat_log(LOG_ERR, "smp", "apic id %u needs x2APIC mode: cpu not started", mc->apic_id);
            continue;
        }
        if (ncpus == MAX_CPUS) {
            plat_log(LOG_ERR, "smp", "more than %d cpus: apic id %u not started", MAX_CPUS, mc->apic_id);
            continue;
        }
        struct cpu *c = &cpus[ncpus];
        c->id = ncpus;
        c->apic_id = mc->apic_id;
        start_ap(c);
        ncpus++; /* a CPU that failed keeps its slot (offline): a late start finds it its own */
    }
    plat_log(LOG_INFO, "smp", "%u of %u cpus online", ncpus_online, ncpus);
    return ncpus_online;
}
