/* test_memmap.c - the memory map sanitizer: sorting, overlaps, zero-length and absurd entries,
 * unknown types, sources, overflow, and a randomized comparison with a page-level model. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mm/memmap.h"
#include "plat_host.h"

static struct memmap mm;

#define R MEMMAP_RAM
#define RES MEMMAP_RESERVED
#define E820 MEMMAP_SRC_E820
#define EFI MEMMAP_SRC_EFI

static void test_qemu_e820(void)
{
    memmap_init(&mm);
    /* QEMU pc -m 1G, given out of order. */
    CHECK_EQ(memmap_add(&mm, 0x100000, 0x3fee0000, R, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0, 0x9fc00, R, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0x9fc00, 0x400, RES, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0xf0000, 0x10000, RES, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0x3ffe0000, 0x20000, RES, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0xfeffc000, 0x4000, RES, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0xfffc0000, 0x40000, RES, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0xfd00000000ull, 0x300000000ull, RES, E820), 0);
    CHECK_EQ(memmap_check(&mm), 0);
    CHECK_EQ(mm.n, 8);
    CHECK_EQ(mm.r[0].base, 0);
    CHECK_EQ(mm.r[0].len, 0x9f000); /* 0x9fc00 trimmed down to a page */
    CHECK_EQ(mm.r[0].type, R);
    CHECK_EQ(mm.r[1].base, 0x9fc00);
    CHECK_EQ(mm.r[1].type, RES);
    CHECK_EQ(mm.r[3].base, 0x100000);
    CHECK_EQ(mm.r[3].len, 0x3fee0000);
    CHECK_EQ(mm.r[7].base, 0xfd00000000ull);
    CHECK_EQ(mm.stats.trimmed, 1);
    CHECK_EQ(memmap_total(&mm, R), 0x9f000 + 0x3fee0000);
    CHECK(memmap_find(&mm, 0x200000) == &mm.r[3]);
    CHECK(memmap_find(&mm, 0x9f800) == NULL); /* the trimmed piece */
    CHECK(memmap_find(&mm, 0xa0000) == NULL);
    CHECK(memmap_is_type(&mm, 0x100000, 0x1000000, R));
    CHECK(!memmap_is_type(&mm, 0x3ff00000, 0x200000, R));
    char buf[32];
    CHECK(strcmp(memmap_src_names(mm.r[3].src, buf, sizeof buf), "e820") == 0);
}

static void test_overlaps(void)
{
    memmap_init(&mm);
    CHECK_EQ(memmap_add(&mm, 0x0, 0x100000, R, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0x80000, 0x10000, RES, E820), 0); /* hole in the middle */
    CHECK_EQ(mm.n, 3);
    CHECK_EQ(mm.r[1].base, 0x80000);
    CHECK_EQ(mm.r[1].type, RES);
    CHECK_EQ(mm.r[2].base, 0x90000);
    CHECK_EQ(mm.r[2].type, R);
    CHECK_EQ(mm.stats.overlaps, 1);
    /* RAM over reserved: reserved stays. */
    CHECK_EQ(memmap_add(&mm, 0x70000, 0x40000, R, E820), 0);
    CHECK_EQ(mm.n, 3);
    CHECK_EQ(mm.r[1].type, RES);
    CHECK_EQ(mm.stats.overlaps, 2);
    /* The same RAM from the EFI map: sources merge on the overlap. */
    CHECK_EQ(memmap_add(&mm, 0x0, 0x40000, R, EFI), 0);
    CHECK_EQ(mm.r[0].len, 0x40000);
    CHECK_EQ(mm.r[0].src, E820 | EFI);
    CHECK_EQ(mm.r[1].src, E820);
    CHECK_EQ(memmap_check(&mm), 0);
    /* ACPI NVS beats RAM but loses to reserved. */
    CHECK_EQ(memmap_add(&mm, 0x7f000, 0x20000, MEMMAP_ACPI_NVS, E820), 0);
    CHECK(memmap_find(&mm, 0x7f000)->type == MEMMAP_ACPI_NVS);
    CHECK(memmap_find(&mm, 0x85000)->type == RES);
    CHECK(memmap_find(&mm, 0x9e000)->type == MEMMAP_ACPI_NVS);
    CHECK(memmap_find(&mm, 0x9f000)->type == R);
    CHECK_EQ(memmap_check(&mm), 0);
}

static void test_bad_entries(void)
{
    memmap_init(&mm);
    CHECK_EQ(memmap_add(&mm, 0x1000, 0, R, E820), 0); /* zero length */
    CHECK_EQ(mm.n, 0);
    CHECK_EQ(mm.stats.zero_len, 1);
    CHECK_EQ(memmap_add(&mm, 0xfffffffffffff000ull, 0x2000, R, E820), 0); /* wraps and absurd */
    CHECK_EQ(mm.n, 0);
    CHECK_EQ(mm.stats.wrapped, 1);
    CHECK_EQ(mm.stats.absurd, 1);
    CHECK_EQ(memmap_add(&mm, 0x1000, ~0ull, RES, E820), 0); /* wraps: clipped at 2^52 */
    CHECK_EQ(mm.n, 1);
    CHECK_EQ(mm.r[0].base + mm.r[0].len, MEMMAP_MAX_ADDR);
    memmap_init(&mm);
    CHECK_EQ(memmap_add(&mm, 0x1000, 0x800, R, E820), 0); /* less than a page of RAM */
    CHECK_EQ(mm.n, 0);
    CHECK_EQ(mm.stats.trimmed, 1);
    CHECK_EQ(memmap_add(&mm, 0x100000, 0x100000, 20, E820), 0); /* OVMF's type 20 */
    CHECK_EQ(mm.n, 1);
    CHECK_EQ(mm.r[0].type, RES);
    CHECK_EQ(mm.stats.unknown, 1);
    /* A reserved range cutting RAM mid-page takes the partial pages (found by fuzz_memmap). */
    CHECK_EQ(memmap_add(&mm, 0x400000, 0x4000, R, E820), 0);
    CHECK_EQ(memmap_add(&mm, 0x4010a1, 0x46, RES, E820), 0);
    CHECK(memmap_find(&mm, 0x400000)->len == 0x1000);
    CHECK(memmap_find(&mm, 0x401000) == NULL);
    CHECK(memmap_find(&mm, 0x402000)->base == 0x402000);
    CHECK_EQ(memmap_check(&mm), 0);
    CHECK_EQ(memmap_remove(&mm, 0x4010a1, 0x46), 0);
    CHECK_EQ(memmap_remove(&mm, 0x402800, 0x10), 0);
    CHECK(memmap_find(&mm, 0x402000) == NULL);
    CHECK(memmap_find(&mm, 0x403000) != NULL);
    CHECK_EQ(memmap_check(&mm), 0);
    CHECK_EQ(memmap_add(&mm, 0x200000, 0x100000, 0, E820), 0); /* type 0 */
    CHECK_EQ(mm.r[0].type, RES);
    CHECK_EQ(mm.r[0].len, 0x200000); /* merged with the type-20 range */
    CHECK_EQ(memmap_check(&mm), 0);
}

static void test_efi(void)
{
    memmap_init(&mm);
    CHECK_EQ(memmap_type_from_efi(7), R);
    CHECK_EQ(memmap_type_from_efi(3), R);
    CHECK_EQ(memmap_type_from_efi(4), R);
    CHECK_EQ(memmap_type_from_efi(5), RES);
    CHECK_EQ(memmap_type_from_efi(9), MEMMAP_ACPI_RECLAIM);
    CHECK_EQ(memmap_type_from_efi(10), MEMMAP_ACPI_NVS);
    CHECK_EQ(memmap_type_from_efi(11), RES);
    CHECK_EQ(memmap_type_from_efi(14), MEMMAP_PMEM);
    CHECK_EQ(memmap_type_from_efi(0x70000000), RES);
    CHECK_EQ(memmap_add_efi(&mm, 7, 0x100000, 0x100), 0);
    CHECK_EQ(memmap_add_efi(&mm, 4, 0x200000, 0x100), 0); /* adjacent, same type: merged */
    CHECK_EQ(mm.n, 1);
    CHECK_EQ(mm.r[0].len, 0x200000);
    CHECK_EQ(mm.r[0].src, EFI);
    CHECK_EQ(memmap_add_efi(&mm, 7, 0x400000, 1ull << 60), 0); /* pages overflow: clipped */
    CHECK_EQ(mm.r[mm.n - 1].base + mm.r[mm.n - 1].len, MEMMAP_MAX_ADDR);
    CHECK_EQ(memmap_check(&mm), 0);
}

static void test_remove_and_acpi(void)
{
    memmap_init(&mm);
    CHECK_EQ(memmap_add(&mm, 0x0, 0x40000000, R, E820), 0);
    /* A cold-plugged DIMM found through ACPI: not in e820. */
    CHECK_EQ(memmap_add(&mm, 0x100800000ull, 0x40000000, R, MEMMAP_SRC_ACPI), 0);
    CHECK_EQ(mm.n, 2);
    char buf[32];
    CHECK(strcmp(memmap_src_names(mm.r[1].src, buf, sizeof buf), "acpi") == 0);
    CHECK(strcmp(memmap_src_names(E820 | EFI | MEMMAP_SRC_ACPI, buf, sizeof buf), "e820+efi+acpi") == 0);
    CHECK(strcmp(memmap_src_names(0, buf, sizeof buf), "none") == 0);
    CHECK(strcmp(memmap_src_names(E820 | EFI, buf, 6), "e820") == 0); /* truncated, terminated */
    CHECK_EQ(memmap_remove(&mm, 0x100800000ull, 0x40000000), 0);
    CHECK_EQ(mm.n, 1);
    CHECK_EQ(memmap_remove(&mm, 0x1000, 0x1000), 0);
    CHECK_EQ(mm.n, 2);
    CHECK_EQ(mm.r[1].base, 0x2000);
    CHECK_EQ(memmap_remove(&mm, 0, ~0ull), 0);
    CHECK_EQ(mm.n, 0);
    CHECK_EQ(memmap_check(&mm), 0);
}

static void test_overflow(void)
{
    memmap_init(&mm);
    /* 300 disjoint, non-touching RAM ranges: 256 fit, the rest are refused with an error. */
    int refused = 0;
    for (int i = 0; i < 300; i++)
        if (memmap_add(&mm, (uint64_t)i * 0x10000, 0x8000, R, E820) < 0)
            refused++;
    CHECK_EQ(refused, 300 - MEMMAP_MAX);
    CHECK_EQ(mm.n, MEMMAP_MAX);
    CHECK_EQ(mm.stats.overflow, 300 - MEMMAP_MAX);
    CHECK_EQ(memmap_check(&mm), 0);
    /* A range that would split one into three when the map is full is refused; map unchanged. */
    CHECK_EQ(memmap_add(&mm, 0x1000, 0x1000, RES, E820), -1);
    CHECK_EQ(mm.r[0].len, 0x8000);
    CHECK_EQ(mm.r[0].type, R);
    /* But one covering everything collapses it: accepted. */
    CHECK_EQ(memmap_add(&mm, 0, 0x10000000, RES, E820), 0);
    CHECK_EQ(mm.n, 1);
    /* Hundreds of entries that merge: 600 touching pages. */
    memmap_init(&mm);
    for (int i = 599; i >= 0; i--)
        CHECK_EQ(memmap_add(&mm, (uint64_t)i * 0x1000, 0x1000, R, E820), 0);
    CHECK_EQ(mm.n, 1);
    CHECK_EQ(mm.r[0].len, 600 * 0x1000);
}

/* Randomized: compare with a page-by-page model (type = highest rank covering the page, sources =
 * OR of the sources of the covering entries of that type). */
#define PAGES 96
static void test_random(void)
{
    static const uint32_t types[] = {R,           RES, MEMMAP_ACPI_RECLAIM, MEMMAP_ACPI_NVS, MEMMAP_UNUSABLE,
                                     MEMMAP_PMEM, 99};
    srand((unsigned)check_seed("test_memmap random", 1234));
    for (int round = 0; round < 300; round++) {
        uint32_t mtype[PAGES] = {0}, msrc[PAGES] = {0};
        memmap_init(&mm);
        int n = 1 + rand() % 40;
        for (int k = 0; k < n; k++) {
            uint64_t b = (uint64_t)(rand() % PAGES), l = (uint64_t)(rand() % 12);
            if (b + l > PAGES)
                l = PAGES - b;
            uint32_t t = types[rand() % 7], s = 1u << (rand() % 3);
            memmap_add(&mm, b * 0x1000, l * 0x1000, t, s);
            uint32_t tt = (t == 99) ? RES : t;
            for (uint64_t p = b; p < b + l; p++) {
                if (!mtype[p] || memmap_type_rank(tt) > memmap_type_rank(mtype[p])) {
                    mtype[p] = tt;
                    msrc[p] = s;
                } else if (mtype[p] == tt) {
                    msrc[p] |= s;
                }
            }
        }
        int bad = memmap_check(&mm) != 0;
        for (int p = 0; p < PAGES; p++) {
            const struct memmap_range *r = memmap_find(&mm, (uint64_t)p * 0x1000);
            if (!mtype[p])
                bad |= r != NULL;
            else
                bad |= !r || r->type != mtype[p] || r->src != msrc[p];
        }
        CHECK(!bad);
        if (bad)
            break;
    }
}

int main(void)
{
    plat_host_loglevel = -1;
    test_qemu_e820();
    test_overlaps();
    test_bad_entries();
    test_efi();
    test_remove_and_acpi();
    test_overflow();
    test_random();
    CHECK_SUMMARY();
}
