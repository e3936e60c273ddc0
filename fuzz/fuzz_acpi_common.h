/* fuzz_acpi_common.h - for the per-parser ACPI fuzzers: the first input byte is a control byte,
 * the rest a table; bit 0 set: keep the table's own length field, else set it to the size;
 * bit 1 set: keep its checksum, else fix it; the signature is forced to sig (bit 2 clear). The
 * table is parsed from an exact-size heap copy so ASan catches any read past it. */
#pragma once
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "tests/host/plat_host.h"

/* A heap copy of the table part of the input, patched per the control byte; *n gets its size. */
static inline uint8_t *fuzz_table(const uint8_t *data, size_t size, const char *sig, size_t *n)
{
    uint8_t ctl = size ? data[0] : 0;
    *n = size ? size - 1 : 0;
    uint8_t *t = malloc(*n ? *n : 1);
    if (*n)
        memcpy(t, data + 1, *n);
    if (*n >= 36) {
        if (!(ctl & 4))
            memcpy(t, sig, 4);
        if (!(ctl & 1)) {
            uint32_t len = (uint32_t)*n;
            memcpy(t + 4, &len, 4);
        }
        if (!(ctl & 2)) {
            uint32_t len;
            memcpy(&len, t + 4, 4);
            if (len <= *n) {
                t[9] = 0;
                t[9] = (uint8_t)(0 - acpi_checksum(t, len));
            }
        }
    }
    return t;
}
