/* test_acpi_build.h - helpers for host tests and fuzzers that build ACPI tables and multiboot2
 * blocks in memory and place them in simulated physical RAM (plat_host_add_ram). */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "plat_host.h"

/* Little-endian stores into a byte buffer. */
static inline void tb_w8(uint8_t *p, uint8_t v)
{
    p[0] = v;
}
static inline void tb_w16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}
static inline void tb_w32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static inline void tb_w64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Fill a 36-byte SDT header (checksum left 0: call tb_fix after filling the body). */
static inline void tb_hdr(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memset(t, 0, 36);
    memcpy(t, sig, 4);
    tb_w32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "HOTMEM", 6);
    memcpy(t + 16, "TESTTABL", 8);
    tb_w32(t + 24, 1);
}

/* Set the checksum byte so that the table's length bytes sum to 0. */
static inline void tb_fix(uint8_t *t)
{
    uint32_t len;
    memcpy(&len, t + 4, 4);
    t[9] = 0;
    t[9] = (uint8_t)(0 - acpi_checksum(t, len));
}

/* Copy [buf, buf+len) to simulated physical address pa (which must be in added RAM). */
static inline void tb_put(uint64_t pa, const void *buf, size_t len)
{
    uint8_t *v = plat_phys_to_virt(pa);
    if (!v) {
        fprintf(stderr, "tb_put: 0x%llx not in simulated RAM\n", (unsigned long long)pa);
        abort();
    }
    memcpy(v, buf, len);
}

/* Build an RSDP (20 bytes for rev 0, 36 for rev 2) into r; checksums valid. */
static inline size_t tb_rsdp(uint8_t *r, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "HOTMEM", 6);
    r[15] = rev;
    tb_w32(r + 16, rsdt);
    r[8] = (uint8_t)(0 - acpi_checksum(r, 20));
    if (rev < 2)
        return 20;
    tb_w32(r + 20, 36);
    tb_w64(r + 24, xsdt);
    r[32] = (uint8_t)(0 - acpi_checksum(r, 36));
    return 36;
}

/* Build a root table (RSDT esize 4 or XSDT esize 8) listing n addresses; returns its length. */
static inline uint32_t tb_root(uint8_t *t, int esize, const uint64_t *pa, unsigned n)
{
    uint32_t len = 36 + (uint32_t)esize * n;
    tb_hdr(t, esize == 8 ? "XSDT" : "RSDT", len, 1);
    for (unsigned i = 0; i < n; i++) {
        if (esize == 8)
            tb_w64(t + 36 + 8 * i, pa[i]);
        else
            tb_w32(t + 36 + 4 * i, (uint32_t)pa[i]);
    }
    tb_fix(t);
    return len;
}

/* Append an SRAT memory affinity entry (40 bytes) at t+off; returns the new offset. */
static inline uint32_t tb_srat_mem(uint8_t *t, uint32_t off, uint32_t node, uint64_t base, uint64_t len,
                                   uint32_t flags)
{
    uint8_t *e = t + off;
    memset(e, 0, 40);
    e[0] = 1;
    e[1] = 40;
    tb_w32(e + 2, node);
    tb_w64(e + 8, base);
    tb_w64(e + 16, len);
    tb_w32(e + 28, flags);
    return off + 40;
}

/* Append an SRAT processor local APIC affinity entry (16 bytes). */
static inline uint32_t tb_srat_cpu(uint8_t *t, uint32_t off, uint32_t node, uint8_t apic, uint32_t flags)
{
    uint8_t *e = t + off;
    memset(e, 0, 16);
    e[0] = 0;
    e[1] = 16;
    e[2] = (uint8_t)node;
    e[3] = apic;
    tb_w32(e + 4, flags);
    e[9] = (uint8_t)(node >> 8);
    e[10] = (uint8_t)(node >> 16);
    e[11] = (uint8_t)(node >> 24);
    return off + 16;
}

/* Start an SRAT (48-byte header); finish with tb_end(t, off). */
static inline uint32_t tb_srat_begin(uint8_t *t)
{
    tb_hdr(t, "SRAT", 48, 1);
    tb_w32(t + 36, 1);
    return 48;
}

/* Set the table's length to off and fix its checksum; returns off. */
static inline uint32_t tb_end(uint8_t *t, uint32_t off)
{
    tb_w32(t + 4, off);
    tb_fix(t);
    return off;
}
