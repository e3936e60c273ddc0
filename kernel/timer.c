/* timer.c - the PIT at TIMER_HZ drives timer_ticks; the TSC, calibrated against PIT channel 2,
 * gives nanoseconds. */
#include "kernel/arch.h"
#include "kernel/kernel.h"

volatile uint64_t timer_ticks;
bool timer_kicks_worker = true;        /* `failinject tick off` clears it: only interrupts wake the worker */
static uint64_t tsc0, tsc_hz, ns_mult; /* ns = (cycles * ns_mult) >> 32 */

/* Count TSC cycles during TSC_CALIBRATE_MS of PIT channel 2 (gate via port 0x61). */
static uint64_t calibrate_tsc(void)
{
    uint16_t count = PIT_HZ * TSC_CALIBRATE_MS / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0); /* channel 2, lobyte/hibyte, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    uint64_t start = rdtsc();
    for (uint64_t i = 0; !(inb(0x61) & 0x20) && i < 100000000; i++)
        cpu_pause();
    uint64_t cycles = rdtsc() - start;
    return cycles * PIT_HZ / count; /* count ticks of PIT_HZ elapsed */
}

/* IRQ 0 */
static void timer_irq(void)
{
    timer_ticks++;
    if (timer_kicks_worker)
        kern_work_kick(); /* timeouts and retries of the worker's loop functions */
    lapic_eoi();
}

/* Calibrate the TSC and start the periodic PIT interrupt. */
void timer_init(void)
{
    tsc_hz = calibrate_tsc();
    if (tsc_hz < 1000000)
        tsc_hz = 1000000000; /* no usable TSC: pretend 1 GHz rather than divide by zero */
    ns_mult = (1000000000ull << 32) / tsc_hz;
    uint16_t div = PIT_HZ / TIMER_HZ;
    outb(0x43, 0x34); /* channel 0, lobyte/hibyte, rate generator */
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
    irq_set_handler(VECTOR_TIMER, timer_irq);
    ioapic_route_isa(0, VECTOR_TIMER);
    plat_log(LOG_INFO, "timer", "TSC %llu kHz, PIT %d Hz", (unsigned long long)(tsc_hz / 1000), TIMER_HZ);
}

/* Nanoseconds since the TSC was first read. */
uint64_t kern_uptime_ns(void)
{
    if (!tsc0) {
        tsc0 = rdtsc();
        return 0;
    }
    if (!ns_mult)
        return 0;
    unsigned __int128 c = (unsigned __int128)(rdtsc() - tsc0) * ns_mult;
    return (uint64_t)(c >> 32);
}
