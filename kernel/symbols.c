/* symbols.c - address to function name, from the table that scripts/gen-ksyms.sh links in. */
#include "kernel/kernel.h"

struct ksym {
    uint64_t addr, name_off;
};
/* Weak so that the first link (without the table) resolves them to zero. */
extern const uint64_t ksym_count __attribute__((weak));
extern const struct ksym ksym_table[] __attribute__((weak));
extern const char ksym_names[] __attribute__((weak));

/* Name of the function containing addr (binary search over sorted addresses), or NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    if (!&ksym_count || !ksym_count || addr < (uint64_t)__text_start || addr < ksym_table[0].addr ||
        addr >= (uint64_t)__text_end)
        return NULL;
    uint64_t lo = 0, hi = ksym_count;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksym_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (offset)
        *offset = addr - ksym_table[lo].addr;
    return ksym_names + ksym_table[lo].name_off;
}
