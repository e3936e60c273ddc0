/* bytes.h - little-endian loads from byte buffers of any alignment (firmware tables, multiboot2
 * tags, ACPI resource templates). The caller has checked that the bytes are in bounds. */
#pragma once
#include <stdint.h>
#include <string.h>

/* The little-endian unsigned integer of n bytes (1..8) at p. */
static inline uint64_t get_le(const void *p, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, p, n); /* x86_64 is little-endian */
    return v;
}

static inline uint32_t get_le32(const void *p)
{
    return (uint32_t)get_le(p, 4);
}

static inline uint64_t get_le64(const void *p)
{
    return get_le(p, 8);
}
