/* apic.c - the local APIC of the boot CPU and the IO APIC; the legacy PIC is remapped and masked.
 * Addresses and ISA overrides come from the MADT when kmain found one (apic_set_madt_info),
 * else from the PC defaults QEMU uses. */
#include "kernel/apic.h"
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"

#define LAPIC_DEFAULT 0xfee00000ull
#define IOAPIC_DEFAULT 0xfec00000ull
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_ICR_BUSY (1u << 12)
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LAPIC_TIMER_PERIODIC (1u << 17)

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static uint32_t ioapic_gsi_base;
static struct apic_override overrides[APIC_MAX_OVERRIDES];
static int n_overrides = -1; /* -1: no MADT, use the defaults */
static uint64_t lapic_pa = LAPIC_DEFAULT, ioapic_pa = IOAPIC_DEFAULT;
static uint32_t lapic_timer_count; /* initial count for LAPIC_TIMER_HZ (divide by 16), measured once */

/* Record what the MADT says (call before apic_init). */
void apic_set_madt_info(uint64_t lapic_addr, uint64_t ioapic_addr, uint32_t gsi_base,
                        const struct apic_override *ovr, int n)
{
    if (lapic_addr)
        lapic_pa = lapic_addr;
    if (ioapic_addr)
        ioapic_pa = ioapic_addr;
    ioapic_gsi_base = gsi_base;
    n_overrides = 0;
    for (int i = 0; i < n && i < APIC_MAX_OVERRIDES; i++)
        overrides[n_overrides++] = ovr[i];
}

static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[0] = reg;
    return ioapic[4];
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    ioapic[0] = reg;
    ioapic[4] = v;
}

/* Remap the 8259s out of the exception range and mask every line. */
static void pic_disable(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

/* Enable the local APIC and mask every IO APIC input. */
void apic_init(void)
{
    pic_disable();
    lapic = phys_to_virt(lapic_pa);
    ioapic = phys_to_virt(ioapic_pa);
    wrmsr(0x1b, (rdmsr(0x1b) & ~0xfffull) | (lapic_pa & ~0xfffull) | (1 << 11));
    lapic[LAPIC_SVR / 4] = 0x100 | VECTOR_SPURIOUS;
    int n = ((ioapic_read(1) >> 16) & 0xff) + 1;
    for (int i = 0; i < n; i++) {
        ioapic_write(0x10 + 2 * i, 1 << 16);
        ioapic_write(0x11 + 2 * i, 0);
    }
    plat_log(LOG_INFO, "apic", "lapic 0x%llx id %u, ioapic 0x%llx with %d inputs (gsi base %u), %d overrides",
             (unsigned long long)lapic_pa, lapic[LAPIC_ID / 4] >> 24, (unsigned long long)ioapic_pa, n,
             ioapic_gsi_base, n_overrides < 0 ? 0 : n_overrides);
}

/* Signal end of interrupt to the local APIC. */
void lapic_eoi(void)
{
    lapic[LAPIC_EOI / 4] = 0;
}

/* Program GSI gsi to deliver vector to this CPU. */
void ioapic_route_gsi(uint32_t gsi, int vector, bool level, bool active_low)
{
    uint32_t pin = gsi - ioapic_gsi_base;
    uint32_t lo = (uint32_t)vector | (active_low ? 1u << 13 : 0) | (level ? 1u << 15 : 0);
    uint32_t apic_id = lapic[LAPIC_ID / 4] >> 24;
    ioapic_write(0x11 + 2 * pin, apic_id << 24);
    ioapic_write(0x10 + 2 * pin, lo);
}

/* Mask or unmask GSI gsi. */
void ioapic_mask_gsi(uint32_t gsi, bool masked)
{
    uint32_t reg = 0x10 + 2 * (gsi - ioapic_gsi_base);
    uint32_t lo = ioapic_read(reg);
    ioapic_write(reg, masked ? lo | (1u << 16) : lo & ~(1u << 16));
}

/* Find the override for ISA irq: the GSI and its polarity/trigger. */
void apic_isa_to_gsi(int irq, uint32_t *gsi, bool *level, bool *active_low)
{
    *gsi = irq;
    *level = false;
    *active_low = false;
    if (n_overrides < 0) {
        /* QEMU's MADT without one: IRQ0 -> GSI2; 5, 9, 10, 11 level, active high */
        if (irq == 0)
            *gsi = 2;
        if (irq == 5 || irq == 9 || irq == 10 || irq == 11)
            *level = true;
        return;
    }
    for (int i = 0; i < n_overrides; i++) {
        if (overrides[i].irq != irq)
            continue;
        *gsi = overrides[i].gsi;
        int pol = overrides[i].flags & 3, trig = (overrides[i].flags >> 2) & 3;
        *active_low = pol == 3;
        *level = trig == 3;
    }
}

/* Route ISA irq to vector, honouring the MADT's overrides. */
void ioapic_route_isa(int irq, int vector)
{
    uint32_t gsi;
    bool level, low;
    apic_isa_to_gsi(irq, &gsi, &level, &low);
    ioapic_route_gsi(gsi, vector, level, low);
}

/* This CPU's local APIC ID. */
uint32_t lapic_id(void)
{
    return lapic[LAPIC_ID / 4] >> 24;
}

/* Software-enable this CPU's local APIC (APs; the boot CPU does it in apic_init). */
void lapic_enable(void)
{
    wrmsr(0x1b, (rdmsr(0x1b) & ~0xfffull) | (lapic_pa & ~0xfffull) | (1 << 11));
    lapic[LAPIC_TPR / 4] = 0;
    lapic[LAPIC_SVR / 4] = 0x100 | VECTOR_SPURIOUS;
}

/* Send an IPI (ICR low word: vector and delivery mode) to the CPU with apic_id; waits until the
 * APIC has accepted the previous and this one. Interrupts off around the two ICR writes. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    unsigned long f = plat_irq_save();
    while (lapic[LAPIC_ICR_LO / 4] & LAPIC_ICR_BUSY)
        cpu_pause();
    lapic[LAPIC_ICR_HI / 4] = apic_id << 24;
    lapic[LAPIC_ICR_LO / 4] = icr_low;
    while (lapic[LAPIC_ICR_LO / 4] & LAPIC_ICR_BUSY)
        cpu_pause();
    plat_irq_restore(f);
}

/* Busy-wait us microseconds (TSC). */
void lapic_udelay(uint64_t us)
{
    uint64_t end = kern_uptime_ns() + us * 1000;
    while (kern_uptime_ns() < end)
        cpu_pause();
}

/* LAPIC timer interrupt: count the tick on this CPU. */
static void lapic_timer_irq(void)
{
    this_cpu()->lapic_ticks++;
    sched_tick();
    lapic_eoi();
}

/* Start this CPU's LAPIC timer, periodic at LAPIC_TIMER_HZ (the first call measures the APIC
 * timer's rate against the TSC; every CPU's timer runs at the same bus clock). */
void lapic_timer_start(void)
{
    lapic[LAPIC_TIMER_DIV / 4] = 0x3; /* divide by 16 */
    if (!lapic_timer_count) {
        irq_set_handler(VECTOR_LAPIC_TIMER, lapic_timer_irq);
        lapic[LAPIC_LVT_TIMER / 4] = (1u << 16) | VECTOR_LAPIC_TIMER; /* masked, one-shot */
        lapic[LAPIC_TIMER_INIT / 4] = 0xffffffffu;
        lapic_udelay(LAPIC_CALIBRATE_US);
        uint32_t used = 0xffffffffu - lapic[LAPIC_TIMER_CUR / 4];
        uint64_t hz = (uint64_t)used * (1000000 / LAPIC_CALIBRATE_US);
        lapic_timer_count = hz / LAPIC_TIMER_HZ ? (uint32_t)(hz / LAPIC_TIMER_HZ) : 1;
        plat_log(LOG_INFO, "apic", "lapic timer %llu kHz (divide 16), %d Hz ticks",
                 (unsigned long long)(hz / 1000), LAPIC_TIMER_HZ);
    }
    lapic[LAPIC_LVT_TIMER / 4] = LAPIC_TIMER_PERIODIC | VECTOR_LAPIC_TIMER;
    lapic[LAPIC_TIMER_INIT / 4] = lapic_timer_count;
}
