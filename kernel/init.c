/* init.c - the boot steps between the CPU setup and the shell: read what the loader handed over,
 * find the ACPI tables, then bring up the memory manager and ACPI events. */
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi/srat_numa.h"
#include "drivers/acpi/tables/tables.h"
#include "kernel/apic.h"
#include "kernel/arch.h"
#include "kernel/heap.h"
#include "kernel/kernel.h"
#include "kernel/mb2.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "mm/memmap.h"
#include "mm/mm.h"

extern const char *kern_boot_loader;
struct mb2_info kern_mb2;
static uint64_t mb2_phys_addr;

/* Parse the multiboot2 block: command line, loader name, memory maps, RSDP. */
void kern_boot_info(uint64_t mb2_phys)
{
    mb2_phys_addr = mb2_phys;
    const void *p = phys_to_virt(mb2_phys);
    uint32_t total = *(const uint32_t *)p;
    int r = mb2_parse(p, total, &kern_mb2);
    if (kern_mb2.cmdline)
        kern_cmdline = kern_mb2.cmdline;
    kern_boot_loader = kern_mb2.bootloader;
    const char *lv;
    if (cmdline_has("loglevel", &lv) && lv && *lv >= '0' && *lv <= '3' && (lv[1] == 0 || lv[1] == ' '))
        kern_loglevel = *lv - '0';
    if (r != MB2_OK)
        plat_log(LOG_ERR, "boot", "multiboot2 information malformed (error %d); using what came before", r);
    plat_log(LOG_INFO, "boot",
             "loader '%s', command line '%s', multiboot2 info at 0x%llx (%u bytes, %u tags)",
             kern_boot_loader ? kern_boot_loader : "?", kern_cmdline, (unsigned long long)mb2_phys, total,
             kern_mb2.ntags);
    memmap_init(&memmap_boot);
    if (mb2_fill_memmap(&kern_mb2, &memmap_boot))
        plat_log(LOG_ERR, "boot", "memory map: some entries did not fit");
}

/* Find the ACPI tables (RSDP from the loader, else the BIOS areas) and read the FADT, MADT,
 * SRAT, HPET and MCFG; hand the MADT's interrupt facts to the APIC code. */
void kern_acpi_tables(void)
{
    size_t len = 0;
    const void *rsdp = mb2_rsdp(&kern_mb2, &len);
    if (!rsdp) {
        uint64_t pa = acpi_rsdp_scan();
        if (pa) {
            rsdp = phys_to_virt(pa);
            len = 36;
        }
    }
    if (!rsdp || acpi_tables_init(rsdp, len) != ACPI_OK) {
        plat_log(LOG_ERR, "acpi", "no usable RSDP: running without ACPI tables");
        return;
    }
    acpi_fadt_init();
    acpi_madt_init();
    acpi_srat_init();
    acpi_hpet_init();
    acpi_mcfg_init();
    const struct acpi_madt *m = &acpi_madt_info;
    if (m->valid && m->nioapics) {
        struct apic_override ovr[APIC_MAX_OVERRIDES];
        int n = 0;
        for (unsigned i = 0; i < m->nisos && n < APIC_MAX_OVERRIDES; i++)
            if (m->iso[i].bus == 0)
                ovr[n++] = (struct apic_override){m->iso[i].source, m->iso[i].gsi, m->iso[i].flags};
        apic_set_madt_info(m->lapic_addr, m->ioapic[0].address, m->ioapic[0].gsi_base, ovr, n);
    }
}

/* A zeroed page for page tables from the buddy allocator (0 if none). */
static uint64_t alloc_pagetable_page(void)
{
    return mm_alloc_pages_owner(0, MM_ZERO | MM_RESERVE, MM_OWN_PAGETABLE, 0); /* may use the minimum */
}

/* Return a page-table page to the buddy allocator. */
static void free_pagetable_page(uint64_t pa)
{
    mm_free_pages(pa, 0);
}

/* The offline wait's poll hook. Other CPUs and threads may free pages of the caged range at any
 * time (the cage takes them), so while another CPU is online or another thread is runnable the
 * wait goes on, bounded by the offline timeout: yield to those threads, or halt until the next
 * interrupt. On one CPU with nothing else runnable only mm's deferred frees can free a page, and
 * the offline fails at once when there were none (mm_set_poll_hook). */
static bool offline_wait_idle(void *arg)
{
    (void)arg;
    plat_might_block("offline wait for unmovable pages");
    if (!sched_others_runnable() && ncpus_online < 2)
        return false;
    sched_yield_or_halt();
    return true;
}

/* Worker pass: the frees queued by mm_free_pages_deferred. */
static void run_deferred(void)
{
    mm_run_deferred();
}

/* Direct-map all RAM, give it to the memory manager by node, reserve what the kernel uses. */
static void kern_mm_init(void)
{
    acpi_numa_init();
    const struct numa_info *ni = &numa_boot;
    for (unsigned i = 0; i < ni->n; i++) {
        const struct numa_range *r = &ni->r[i];
        if (!(r->flags & NUMA_PRESENT))
            continue;
        if (paging_map_direct(r->base, r->len))
            panic("mm: no page tables to direct-map 0x%llx-0x%llx", (unsigned long long)r->base,
                  (unsigned long long)(r->base + r->len));
        if (mm_boot_add_range(r->base, r->len, r->node, r->flags & NUMA_HOTPLUG))
            plat_log(LOG_ERR, "mm", "boot range 0x%llx-0x%llx refused", (unsigned long long)r->base,
                     (unsigned long long)(r->base + r->len));
    }
    mm_boot_reserve(0, 0x100000, MM_OWN_FIRMWARE); /* real-mode IVT, BDA, EBDA, option ROMs */
    mm_boot_reserve((uint64_t)__kernel_phys_start,
                    (uint64_t)__kernel_phys_end - (uint64_t)__kernel_phys_start, MM_OWN_KERNEL_IMAGE);
    mm_boot_reserve(mb2_phys_addr, kern_mb2.total_size, MM_OWN_MULTIBOOT);
    for (unsigned i = 0; i < kern_mb2.nmods; i++) /* user programs (kernel/proc.c) */
        mm_boot_reserve(kern_mb2.mods[i].start, kern_mb2.mods[i].end - kern_mb2.mods[i].start,
                        MM_OWN_MULTIBOOT);
    if (mm_boot_finish())
        panic("mm: boot failed: not enough memory for the frame database");
    kheap_set_backend(kmalloc, kfree);
    mm_pcp_enable(true);
    paging_set_table_allocator(alloc_pagetable_page, free_pagetable_page);
    mm_set_poll_hook(offline_wait_idle, NULL);
    kern_loop_register(run_deferred);
    struct mm_zone_stats st;
    mm_total_stats(&st);
    plat_log(LOG_INFO, "mm", "%llu MiB online, %llu MiB free, %u nodes", (unsigned long long)(st.online >> 8),
             (unsigned long long)(st.free >> 8), ni->nnodes);
}

/* ACPI events and memory devices (drivers/acpi, kernel/acpi_init.c); absent in reduced builds. */
__attribute__((weak)) void kern_acpi_init(void)
{
}

/* AML Sleep on threads (kernel/acpi_init.c); absent in reduced builds. */
__attribute__((weak)) void kern_acpi_sleep_on_threads(void)
{
}

/* PCI enumeration and the PCI drivers (drivers/pci, drivers/virtio); absent in reduced builds. */
__attribute__((weak)) void kern_pci_init(void)
{
}

/* Memory manager, ACPI and PCI bring-up (after interrupts are on). */
void kern_late_init(void)
{
    kern_mm_init();
    kern_acpi_init();
    kern_pci_init();
}
