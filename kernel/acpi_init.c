/* acpi_init.c - ACPI bring-up after the tables are parsed and mm is up: load the AML namespace,
 * enter ACPI mode, route the SCI, start GPE/PM1 events and the memory device driver, and hook
 * their polling into the worker thread (kernel/worker.c). */
#include <string.h>

#include "drivers/acpi/aml/aml.h"
#include "drivers/acpi/events.h"
#include "drivers/acpi/memhp.h"
#include "drivers/acpi/tables/tables.h"
#include "kernel/kernel.h"
#include "kernel/sched.h"

static uint32_t sci_gsi;
static bool sci_routed;
uint64_t acpi_sci_irqs; /* for gdb */

/* Mask or unmask the SCI line (the events code's hook). */
static void sci_mask(bool masked)
{
    if (sci_routed)
        ioapic_mask_gsi(sci_gsi, masked);
}

/* The SCI handler: no AML here; mask, record, EOI. */
static void sci_irq(void)
{
    acpi_sci_irqs++;
    acpi_events_sci();
    kern_work_kick();
    lapic_eoi();
}

/* Worker-thread work: GPE methods (which queue Notifies), then the memory device requests. */
static void acpi_loop(void)
{
    acpi_events_poll();
    memhp_poll();
}

/* Load one definition block; log failures. */
static void load_table(const char *sig, unsigned idx)
{
    uint64_t pa = 0;
    const struct acpi_sdt_header *h = acpi_find_table(sig, idx, &pa);
    if (!h)
        return;
    unsigned before = aml_load_errors();
    int r = aml_load_table(h, h->length);
    unsigned errs = aml_load_errors() - before;
    if (r < 0 || errs)
        plat_log(LOG_ERR, "acpi", "%s%u at 0x%llx (%u bytes): load %s, %u errors (%s)", sig, idx,
                 (unsigned long long)pa, h->length, r < 0 ? aml_strerror(r) : "ok", errs, aml_last_error());
    else
        plat_log(LOG_INFO, "acpi", "%s%u at 0x%llx (%u bytes) loaded", sig, idx, (unsigned long long)pa,
                 h->length);
}

/* Offer every usable table that is not a definition block loaded at boot to LoadTable and
 * DataTableRegion (firmware loads OEM tables at run time with them). */
static void register_tables(void)
{
    for (unsigned i = 0; i < acpi_table_count(); i++) {
        const struct acpi_table *t = acpi_table_get(i);
        if (!t->ok || !strcmp(t->signature, "DSDT") || !strcmp(t->signature, "SSDT"))
            continue;
        const void *h = acpi_map(t->pa, t->length);
        if (!h || aml_register_table(h, t->length) < 0)
            plat_log(LOG_WARN, "acpi", "%s at 0x%llx: not offered to LoadTable", t->signature,
                     (unsigned long long)t->pa);
    }
}

/* AML Sleep(ms) on a thread: let the other threads of this CPU run, or halt until the next
 * interrupt (the LAPIC tick ends each halt), until ns have passed. Never with a spinlock held. */
static void aml_sleep(uint64_t ns)
{
    plat_might_block("AML Sleep");
    uint64_t end = plat_now_ns() + ns;
    while (plat_now_ns() < end)
        sched_yield_or_halt();
}

/* From now on (the scheduler runs) AML Sleep sleeps instead of busy-waiting. */
void kern_acpi_sleep_on_threads(void)
{
    aml_sleep_fn = aml_sleep;
}

/* Route the FADT's SCI through the MADT's interrupt source override; "conforms" polarity and
 * trigger mean ACPI's default for the SCI: level, active low. */
static void route_sci(void)
{
    uint16_t flags = 0;
    uint8_t irq = (uint8_t)acpi_fadt_info.sci_int;
    sci_gsi = acpi_madt_info.valid ? acpi_madt_irq_to_gsi(&acpi_madt_info, irq, &flags) : irq;
    int pol = flags & 3, trig = (flags >> 2) & 3;
    bool level = trig != 1, low = pol == 0 || pol == 3;
    irq_set_handler(VECTOR_ACPI_SCI, sci_irq);
    ioapic_route_gsi(sci_gsi, VECTOR_ACPI_SCI, level, low);
    sci_routed = true;
    plat_log(LOG_INFO, "acpi", "SCI: IRQ %u -> GSI %u, %s, active-%s, vector %d", irq, sci_gsi,
             level ? "level" : "edge", low ? "low" : "high", VECTOR_ACPI_SCI);
}

/* Bring up ACPI events and memory hotplug (tables parsed, kmalloc works, interrupts on). */
void kern_acpi_init(void)
{
    if (!acpi_fadt_info.valid) {
        plat_log(LOG_ERR, "acpi", "no FADT: no AML, no ACPI events, no memory hotplug");
        return;
    }
    load_table("DSDT", 0);
    for (unsigned i = 0; i < ACPI_MAX_TABLES; i++) {
        if (!acpi_find_table("SSDT", i, NULL))
            break;
        load_table("SSDT", i);
    }
    register_tables();
    acpi_events_enable_acpi(&acpi_fadt_info);
    int n = acpi_events_init(&acpi_fadt_info, sci_mask);
    plat_log(LOG_INFO, "acpi", "%d GPEs enabled", n);
    memhp_init();
    route_sci();
    kern_loop_register(acpi_loop);
    /* Requests raised before boot (or before a reset) are still pending in the firmware. */
    acpi_events_boot_scan();
    memhp_poll();
}
