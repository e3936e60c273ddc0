/* fuzz_acpi_srat.c - libFuzzer target: acpi_srat_parse, then acpi_numa_build of the result against a
 * QEMU-like memory map (see fuzz_acpi_common.h for the input). */
#include "drivers/acpi/srat_numa.h"
#include "fuzz_acpi_common.h"

static struct acpi_srat s;
static struct memmap mm;
static struct numa_info ni;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plat_host_loglevel = -1;
    if (!mm.n) {
        memmap_init(&mm);
        memmap_add(&mm, 0, 0x9fc00, MEMMAP_RAM, MEMMAP_SRC_E820);
        memmap_add(&mm, 0x9fc00, 0x400, MEMMAP_RESERVED, MEMMAP_SRC_E820);
        memmap_add(&mm, 0xf0000, 0x10000, MEMMAP_RESERVED, MEMMAP_SRC_E820);
        memmap_add(&mm, 0x100000, 0x3fee0000, MEMMAP_RAM, MEMMAP_SRC_E820);
        memmap_add(&mm, 0x3ffe0000, 0x20000, MEMMAP_RESERVED, MEMMAP_SRC_E820);
        memmap_add(&mm, 0x100000000ull, 0x40000000, MEMMAP_RAM, MEMMAP_SRC_ACPI);
        memmap_add(&mm, 0xfd00000000ull, 0x300000000ull, MEMMAP_RESERVED, MEMMAP_SRC_E820);
    }
    size_t n;
    uint8_t *t = fuzz_table(data, size, "SRAT", &n);
    int rc = acpi_srat_parse(t, n, &s);
    if (s.nmem > ACPI_SRAT_MAX_MEM || s.ncpu > ACPI_SRAT_MAX_CPU)
        abort();
    if (s.valid != (rc == ACPI_OK || rc == ACPI_ERR_ENTRY || rc == ACPI_ERR_FULL))
        abort();
    acpi_numa_build(&ni, &s, &mm);
    if (numa_check(&ni) != 0)
        abort();
    /* Present memory is exactly RAM of the map: never more than the map has. */
    uint64_t present = 0;
    for (unsigned i = 0; i < ni.n; i++) {
        if (ni.r[i].flags & NUMA_PRESENT) {
            if (!memmap_is_type(&mm, ni.r[i].base, ni.r[i].len, MEMMAP_RAM))
                abort();
            present += ni.r[i].len;
        } else if (memmap_find(&mm, ni.r[i].base)) {
            abort(); /* absent hotplug ranges are where the map has nothing */
        }
    }
    if (present > memmap_total(&mm, MEMMAP_RAM))
        abort();
    free(t);
    return 0;
}
