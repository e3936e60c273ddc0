/* acpi_shell.c - shell commands showing what discovery found: memmap, acpi, srat, numa.
 * Kernel only. Addresses are hex with 0x; ranges are [mem 0xFIRST-0xLAST] with LAST inclusive
 * (as Linux prints e820), followed by base/len where a test needs them. */
#include "drivers/acpi/srat_numa.h"
#include "drivers/acpi/tables/tables.h"
#include "kernel/shell.h"
#include "mm/memmap.h"
#include "platform.h"

/* `memmap`: the sanitized memory map with the source(s) of each range. */
static int cmd_memmap(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("usage: memmap");
    const struct memmap *m = &memmap_boot;
    plat_printf("memmap: %u ranges, ram 0x%llx bytes\n", m->n,
                (unsigned long long)memmap_total(m, MEMMAP_RAM));
    for (unsigned i = 0; i < m->n; i++) {
        const struct memmap_range *r = &m->r[i];
        char src[48];
        plat_printf("[mem 0x%016llx-0x%016llx] %-12s %s\n", (unsigned long long)r->base,
                    (unsigned long long)(r->base + r->len - 1), memmap_type_name(r->type),
                    memmap_src_names(r->src, src, sizeof src));
    }
    const struct memmap_stats *s = &m->stats;
    plat_printf("fixed: %u zero-length, %u wrapped, %u absurd, %u overlaps, %u duplicates, %u trimmed, "
                "%u unknown types, %u refused (full)\n",
                s->zero_len, s->wrapped, s->absurd, s->overlaps, s->duplicates, s->trimmed, s->unknown,
                s->overflow);
    return 0;
}
SHELL_COMMAND("memmap", "", "sanitized physical memory map and where each range came from", cmd_memmap);

/* `acpi`: every table seen, with address, length, revision, OEM id and checksum state. */
static int cmd_acpi(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("usage: acpi");
    const struct acpi_rsdp_info *ri = acpi_rsdp_info();
    if (!ri->root_pa)
        return shell_error("no ACPI tables (no valid RSDP or root table)");
    plat_printf("RSDP rev %u oem %s root %s at 0x%llx\n", ri->revision, ri->oem_id,
                ri->use_xsdt ? "XSDT" : "RSDT", (unsigned long long)ri->root_pa);
    for (unsigned i = 0; i < acpi_table_count(); i++) {
        const struct acpi_table *t = acpi_table_get(i);
        plat_printf("%-4s at 0x%016llx len %-6u rev %-2u oem %-6s checksum %s%s%s\n", t->signature,
                    (unsigned long long)t->pa, t->length, t->revision, t->oem_id,
                    t->checksum_ok ? "ok" : "bad", t->ok ? "" : " IGNORED: ", t->ok ? "" : t->reason);
    }
    return 0;
}
SHELL_COMMAND("acpi", "", "ACPI tables: signature, address, length, revision, OEM, checksum", cmd_acpi);

/* `srat`: every SRAT affinity entry, disabled ones included. */
static int cmd_srat(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("usage: srat");
    const struct acpi_srat *s = &acpi_srat_info;
    if (!s->valid)
        return shell_error("no usable SRAT");
    plat_printf("srat: %u memory, %u processor entries, %u bad\n", s->nmem, s->ncpu, s->nbad);
    for (unsigned i = 0; i < s->nmem; i++) {
        char fl[64];
        plat_printf("mem node %u base 0x%llx len 0x%llx flags %s\n", s->mem[i].node,
                    (unsigned long long)s->mem[i].base, (unsigned long long)s->mem[i].len,
                    acpi_srat_flags_str(s->mem[i].flags, fl, sizeof fl));
    }
    for (unsigned i = 0; i < s->ncpu; i++)
        plat_printf("cpu node %u %s 0x%x flags %s\n", s->cpu[i].node, s->cpu[i].x2apic ? "x2apic" : "apic",
                    s->cpu[i].apic_id, (s->cpu[i].flags & 1) ? "enabled" : "disabled");
    return 0;
}
SHELL_COMMAND("srat", "", "SRAT affinity entries: node, base, length, flags", cmd_srat);

/* `numa`: nodes, their memory, and their hotpluggable ranges. */
static int cmd_numa(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("usage: numa");
    const struct numa_info *ni = &numa_boot;
    plat_printf("numa: %u nodes (%s)\n", ni->nnodes, ni->from_srat ? "srat" : "no srat");
    for (unsigned n = 0; n < ni->nnodes; n++) {
        const struct numa_node *nd = &ni->node[n];
        if (!nd->online)
            continue;
        plat_printf("node %u: cpus %u present 0x%llx hotplug-present 0x%llx hotplug-absent 0x%llx\n", n,
                    nd->ncpus, (unsigned long long)nd->present, (unsigned long long)nd->hotplug,
                    (unsigned long long)nd->hotplug_absent);
        for (unsigned i = 0; i < ni->n; i++) {
            const struct numa_range *r = &ni->r[i];
            if (r->node != n)
                continue;
            plat_printf("  [mem 0x%016llx-0x%016llx] base 0x%llx len 0x%llx %s%s%s%s\n",
                        (unsigned long long)r->base, (unsigned long long)(r->base + r->len - 1),
                        (unsigned long long)r->base, (unsigned long long)r->len,
                        (r->flags & NUMA_PRESENT) ? "present" : "absent",
                        (r->flags & NUMA_HOTPLUG) ? ",hotplug" : "",
                        (r->flags & NUMA_NONVOLATILE) ? ",non-volatile" : "",
                        (r->flags & NUMA_NO_SRAT) ? ",no-srat" : "");
        }
    }
    return 0;
}
SHELL_COMMAND("numa", "", "NUMA nodes with their memory and hotpluggable ranges", cmd_numa);
