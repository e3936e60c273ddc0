/* fuzz_acpi_madt.c - libFuzzer target: acpi_madt_parse (see fuzz_acpi_common.h for the input). */
#include "fuzz_acpi_common.h"

static struct acpi_madt m;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plat_host_loglevel = -1;
    size_t n;
    uint8_t *t = fuzz_table(data, size, "APIC", &n);
    int rc = acpi_madt_parse(t, n, &m);
    if (m.ncpus > ACPI_MAX_CPUS || m.nioapics > ACPI_MAX_IOAPICS || m.nisos > ACPI_MAX_ISOS ||
        m.nnmis > ACPI_MAX_NMIS)
        abort();
    if (m.valid != (rc == ACPI_OK || rc == ACPI_ERR_ENTRY || rc == ACPI_ERR_FULL))
        abort();
    for (unsigned irq = 0; irq < 16; irq++)
        acpi_madt_irq_to_gsi(&m, (uint8_t)irq, NULL);
    free(t);
    return 0;
}
