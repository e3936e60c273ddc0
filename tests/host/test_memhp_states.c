/* test_memhp_states.c - the memory-device states an add or eject can end in, on a device with two
 * memory ranges (tests/host/two_range.asl; QEMU's devices have one): "nothing was added" (FAILED)
 * is not "added, the undo failed, memory still online" (PARTIAL); an eject of a PARTIAL device
 * offlines what is there or reports failure, and never reports _OST success and calls _EJ0 while
 * memory is online. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/aml/aml.h"
#include "drivers/acpi/memhp.h"
#include "mm/memmap.h"
#include "mm/mm.h"
#include "tests/host/check.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define R0 0x100000000ull /* the device's two ranges, 128 MiB each */
#define R1 0x110000000ull
#define SLOT 7

/* The device's table: tests/host/two_range.asl compiled by iasl (acpica-tools) into build/host/. */
static uint8_t *load_table(size_t *len)
{
    if (system("iasl -p build/host/two_range tests/host/two_range.asl > /dev/null") != 0)
        return NULL;
    FILE *f = fopen("build/host/two_range.aml", "rb");
    if (!f)
        return NULL;
    static uint8_t buf[4096];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return *len ? buf : NULL;
}

static uint64_t aml_int(const char *path)
{
    uint64_t v = ~0ull;
    CHECK_EQ(aml_eval_int(NULL, path, &v), 0);
    return v;
}

static uint32_t pin_id;
/* Map hook: when the add reaches range 1, pin a page of range 0 (the undo cannot offline it) and
 * fail the mapping (the add of range 1 fails). */
static int pin_r0_fail_r1(uint64_t pa, uint64_t len)
{
    (void)len;
    if (pa != R1)
        return 0;
    CHECK_EQ(mm_obj_pin(R0, R0 + 128 * MiB, &pin_id), 0);
    return 1;
}

static void request(int (*fn)(unsigned), unsigned slot)
{
    CHECK_EQ(fn(slot), 0);
    CHECK_EQ(memhp_poll(), 1);
}

int main(void)
{
    plat_host_add_ram(0, 256 * MiB);
    plat_host_add_ram(R0, 512 * MiB);
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 256 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    mm_set_offline_timeout_ms(0);
    memmap_init(&memmap_boot);
    memmap_add(&memmap_boot, 0, 256 * MiB, MEMMAP_RAM, MEMMAP_SRC_E820);
    size_t len = 0;
    const uint8_t *table = load_table(&len);
    CHECK(table != NULL);
    if (!table)
        CHECK_SUMMARY();
    CHECK_EQ(aml_load_table(table, len), 0);

    /* boot: both ranges added */
    CHECK_EQ(memhp_init(), 1);
    const struct memdev *d = memhp_by_slot(SLOT);
    CHECK(d != NULL);
    if (!d)
        CHECK_SUMMARY();
    CHECK_EQ(d->state, MEMDEV_ONLINE);
    CHECK_EQ(d->nranges, 2);
    CHECK_EQ(mm_section_state(32), MM_SECT_ONLINE);
    CHECK_EQ(mm_section_state(34), MM_SECT_ONLINE);

    /* eject: both offline and removed, _OST success then _EJ0; _STA stays present: FAILED with
     * nothing in mm */
    request(memhp_request_eject, SLOT);
    CHECK_EQ(aml_int("\\OSTS"), MEMDEV_OST_SUCCESS);
    CHECK_EQ(aml_int("\\EJ0C"), 1);
    CHECK_EQ(d->state, MEMDEV_FAILED);
    CHECK_EQ(d->nranges, 0);
    CHECK_EQ(mm_section_state(32), MM_SECT_ABSENT);

    /* device check: range 0 added, range 1 fails, the undo of range 0 fails (pinned): PARTIAL,
     * range 0 online and listed, range 1 not */
    plat_host_map_hook = pin_r0_fail_r1;
    request(memhp_request_check, SLOT);
    plat_host_map_hook = NULL;
    CHECK_EQ(d->state, MEMDEV_PARTIAL);
    CHECK(strcmp(memhp_state_name(d->state), "partial") == 0);
    CHECK_EQ(d->nranges, 1);
    CHECK_EQ(d->r[0].base, R0);
    CHECK_EQ(memhp_counters.partial, 1);
    CHECK_EQ(aml_int("\\OSTS"), MEMDEV_OST_FAILURE);
    CHECK_EQ(mm_section_state(32), MM_SECT_ONLINE);
    CHECK_EQ(mm_section_state(34), MM_SECT_ABSENT);
    CHECK(memmap_is_type(&memmap_boot, R0, 128 * MiB, MEMMAP_RAM));
    CHECK_EQ(mm_verify(), 0);

    /* a device check does not add it again */
    request(memhp_request_check, SLOT);
    CHECK_EQ(d->state, MEMDEV_PARTIAL);
    CHECK_EQ(aml_int("\\OSTS"), MEMDEV_OST_FAILURE);

    /* eject while the pin holds range 0: busy, no _EJ0, still PARTIAL and online */
    uint64_t ost0 = aml_int("\\OSTC");
    request(memhp_request_eject, SLOT);
    CHECK_EQ(aml_int("\\OSTS"), MEMDEV_OST_EJECT_BUSY);
    CHECK(aml_int("\\OSTC") > ost0);
    CHECK_EQ(aml_int("\\EJ0C"), 1);
    CHECK_EQ(d->state, MEMDEV_PARTIAL);
    CHECK_EQ(mm_section_state(32), MM_SECT_ONLINE);

    /* the pin goes: the eject takes range 0 back, _OST success, _EJ0 */
    CHECK_EQ(mm_obj_drop(pin_id), 0);
    request(memhp_request_eject, SLOT);
    CHECK_EQ(aml_int("\\OSTS"), MEMDEV_OST_SUCCESS);
    CHECK_EQ(aml_int("\\EJ0C"), 2);
    CHECK_EQ(mm_section_state(32), MM_SECT_ABSENT);
    CHECK(!memmap_is_type(&memmap_boot, R0, 128 * MiB, MEMMAP_RAM));
    CHECK_EQ(d->state, MEMDEV_FAILED);
    CHECK_EQ(mm_verify(), 0);

    /* and a device check adds both ranges again */
    request(memhp_request_check, SLOT);
    CHECK_EQ(d->state, MEMDEV_ONLINE);
    CHECK_EQ(d->nranges, 2);
    CHECK_EQ(aml_int("\\OSTS"), MEMDEV_OST_SUCCESS);
    memhp_dump_counters();
    memhp_reset();
    aml_reset();
    CHECK_SUMMARY();
}
