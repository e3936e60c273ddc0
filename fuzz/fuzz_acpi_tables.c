/* fuzz_acpi_tables.c - libFuzzer target: the RSDP, RSDT/XSDT walk and table registry, then every
 * table parser and acpi_numa_init, on tables placed in simulated RAM.
 *
 * Input: chunks of [u8 flags][u16 offset][u16 len][len bytes]. The first chunk is the RSDP copy
 * given to acpi_tables_init; the others are written at AREA + offset (cut to the area). Flags
 * bit 0 clear: fix the chunk's checksum (RSDP: both checksums; table: over its header length if
 * that fits in the area). Pointers inside the tables are the input's own: seeds point into AREA
 * (0x7ff00000), mutations point anywhere, which must be handled too. */
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/srat_numa.h"
#include "drivers/acpi/tables/tables.h"
#include "tests/host/plat_host.h"

#define AREA 0x7ff00000ull
#define AREA_LEN 0x10000u

static uint8_t rsdp[64];

/* Set byte at idx so that [p, p+len) sums to 0. */
static void fix(uint8_t *p, size_t len, size_t idx)
{
    p[idx] = 0;
    p[idx] = (uint8_t)(0 - acpi_checksum(p, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    plat_host_loglevel = -1;
    if (!init) {
        plat_host_add_ram(AREA, AREA_LEN);
        init = true;
    }
    uint8_t *area = plat_phys_to_virt(AREA);
    memset(area, 0, AREA_LEN);
    size_t rsdp_len = 0;
    bool first = true;
    for (size_t off = 0; off + 5 <= size;) {
        uint8_t flags = data[off];
        uint16_t where, len;
        memcpy(&where, data + off + 1, 2);
        memcpy(&len, data + off + 3, 2);
        off += 5;
        if (len > size - off)
            len = (uint16_t)(size - off);
        const uint8_t *chunk = data + off;
        off += len;
        if (first) {
            first = false;
            rsdp_len = len < sizeof rsdp ? len : sizeof rsdp;
            memcpy(rsdp, chunk, rsdp_len);
            if (!(flags & 1) && rsdp_len >= 20) {
                fix(rsdp, 20, 8);
                uint32_t xl;
                if (rsdp_len >= 36 && (memcpy(&xl, rsdp + 20, 4), xl >= 33 && xl <= rsdp_len))
                    fix(rsdp, xl, 32);
            }
            continue;
        }
        size_t n = len < AREA_LEN - where ? len : AREA_LEN - where;
        memcpy(area + where, chunk, n);
        if (!(flags & 1) && AREA_LEN - where >= 36) {
            uint32_t tl;
            memcpy(&tl, area + where + 4, 4);
            if (tl >= 36 && tl <= AREA_LEN - where)
                fix(area + where, tl, 9);
        }
    }
    /* The boot sequence, as kmain runs it. */
    static struct memmap mm;
    memmap_init(&mm);
    memmap_add(&mm, 0, 0x7ff00000, MEMMAP_RAM, MEMMAP_SRC_E820);
    memmap_add(&mm, AREA, AREA_LEN, MEMMAP_ACPI_RECLAIM, MEMMAP_SRC_E820);
    if (acpi_tables_init(rsdp_len ? rsdp : NULL, rsdp_len) == ACPI_OK) {
        for (unsigned i = 0; i < acpi_table_count(); i++) {
            const struct acpi_table *t = acpi_table_get(i);
            if (t->ok && !acpi_map(t->pa, t->length))
                abort();
        }
        for (unsigned i = 0; i < 4; i++) {
            const struct acpi_sdt_header *h = acpi_find_table("SSDT", i, NULL);
            if (h && acpi_checksum(h, h->length) != 0)
                abort();
        }
        acpi_fadt_init();
        acpi_madt_init();
        acpi_srat_init();
        acpi_hpet_init();
        acpi_mcfg_init();
        static struct numa_info ni;
        acpi_numa_build(&ni, &acpi_srat_info, &mm);
        if (numa_check(&ni) != 0)
            abort();
    }
    return 0;
}
