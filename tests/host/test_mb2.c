/* test_mb2.c - the multiboot2 tag parser: a GRUB-like block (SeaBIOS and OVMF flavours), and
 * truncated / malformed blocks, each parsed from an exact-size heap copy so ASan sees any read
 * past its end. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernel/mb2.h"
#include "plat_host.h"
#include "test_acpi_build.h"

static uint8_t blk[8192];
static uint32_t blen;

/* Start a block (total_size fixed by end_block). */
static void begin(void)
{
    memset(blk, 0, sizeof blk);
    blen = 8;
}

/* Append a tag with a payload of n bytes; returns the payload's offset. */
static uint32_t tag(uint32_t type, const void *payload, uint32_t n)
{
    uint32_t off = blen;
    tb_w32(blk + off, type);
    tb_w32(blk + off + 4, 8 + n);
    if (payload)
        memcpy(blk + off + 8, payload, n);
    blen = (off + 8 + n + 7) & ~7u;
    return off + 8;
}

static void end_block(void)
{
    tag(MB2_TAG_END, NULL, 0);
    tb_w32(blk, blen);
}

/* Parse a heap copy of exactly n bytes of the block. */
static int parse_copy(uint32_t n, struct mb2_info *mi, uint8_t **copy)
{
    *copy = malloc(n ? n : 1);
    memcpy(*copy, blk, n);
    return mb2_parse(*copy, n, mi);
}

/* A SeaBIOS-like block: cmdline, bootloader, mmap tag 6, old RSDP. */
static void build_seabios(void)
{
    begin();
    tag(MB2_TAG_CMDLINE, "loglevel=3", 11);
    tag(MB2_TAG_BOOTLOADER, "GRUB 2.06", 10);
    uint8_t mm[8 + 4 * 24] = {0};
    tb_w32(mm, 24);
    tb_w32(mm + 4, 0);
    uint64_t ents[4][3] = {{0, 0x9fc00, 1},
                           {0x9fc00, 0x400, 2},
                           {0x100000, 0x3fee0000, 1},
                           {0xfd00000000ull, 0x300000000ull, 2}};
    for (int i = 0; i < 4; i++) {
        tb_w64(mm + 8 + 24 * i, ents[i][0]);
        tb_w64(mm + 8 + 24 * i + 8, ents[i][1]);
        tb_w32(mm + 8 + 24 * i + 16, (uint32_t)ents[i][2]);
    }
    tag(MB2_TAG_MMAP, mm, sizeof mm);
    tag(4, "\x80\x02\0\0\0\0\x10\0", 8); /* basic meminfo: ignored */
    uint8_t r[36];
    tb_rsdp(r, 0, 0x7ffe1000, 0);
    tag(MB2_TAG_ACPI_OLD, r, 20);
    end_block();
}

static void test_seabios(void)
{
    build_seabios();
    struct mb2_info mi;
    uint8_t *c;
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_OK);
    CHECK_EQ(mi.total_size, blen);
    CHECK_EQ(mi.ntags, 6);
    CHECK_EQ(mi.nbad, 0);
    CHECK(mi.cmdline && strcmp(mi.cmdline, "loglevel=3") == 0);
    CHECK(mi.bootloader && strcmp(mi.bootloader, "GRUB 2.06") == 0);
    CHECK_EQ(mi.mmap_count, 4);
    CHECK_EQ(mi.mmap_entry_size, 24);
    uint64_t b, l;
    uint32_t t;
    CHECK_EQ(mb2_mmap_entry(&mi, 3, &b, &l, &t), 0);
    CHECK_EQ(b, 0xfd00000000ull);
    CHECK_EQ(l, 0x300000000ull);
    CHECK_EQ(t, 2);
    CHECK_EQ(mb2_mmap_entry(&mi, 4, &b, &l, &t), -1);
    CHECK(mi.rsdp_old != NULL && mi.rsdp_new == NULL);
    size_t rl;
    CHECK(mb2_rsdp(&mi, &rl) == mi.rsdp_old);
    CHECK_EQ(rl, 20);
    CHECK_EQ(acpi_rsdp_validate(mi.rsdp_old, rl), ACPI_OK);
    CHECK(!mi.efi_mmap && !mi.has_efi64);
    static struct memmap m;
    memmap_init(&m);
    CHECK_EQ(mb2_fill_memmap(&mi, &m), 0);
    CHECK_EQ(m.n, 4);
    CHECK_EQ(memmap_check(&m), 0);
    free(c);
}

static void test_ovmf(void)
{
    begin();
    tag(MB2_TAG_BOOTLOADER, "GRUB 2.06", 10);
    uint8_t mm[8 + 3 * 24] = {0};
    tb_w32(mm, 24);
    uint64_t ents[3][3] = {{0, 0xa0000, 1}, {0x100000, 0x700000, 1}, {0x800000, 0x8000, 20}};
    for (int i = 0; i < 3; i++) {
        tb_w64(mm + 8 + 24 * i, ents[i][0]);
        tb_w64(mm + 8 + 24 * i + 8, ents[i][1]);
        tb_w32(mm + 8 + 24 * i + 16, (uint32_t)ents[i][2]);
    }
    tag(MB2_TAG_MMAP, mm, sizeof mm);
    uint8_t em[8 + 4 * 48] = {0};
    tb_w32(em, 48);
    tb_w32(em + 4, 1);
    uint64_t d[4][3] = {{7, 0, 0xa0}, {4, 0x100000, 0x300}, {2, 0x400000, 0x400}, {5, 0x800000, 8}};
    for (int i = 0; i < 4; i++) {
        tb_w32(em + 8 + 48 * i, (uint32_t)d[i][0]);
        tb_w64(em + 8 + 48 * i + 8, d[i][1]);
        tb_w64(em + 8 + 48 * i + 24, d[i][2]);
    }
    tag(MB2_TAG_EFI_MMAP, em, sizeof em);
    uint64_t st = 0x7f9ee018;
    tag(MB2_TAG_EFI64, &st, 8);
    uint8_t r[36];
    tb_rsdp(r, 2, 0x7fb7e074, 0x7fb7e0e8);
    tag(MB2_TAG_ACPI_OLD, r, 20);
    tag(MB2_TAG_ACPI_NEW, r, 36);
    tag(99, "whatever", 8); /* unknown tag: skipped */
    end_block();
    struct mb2_info mi;
    uint8_t *c;
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_OK);
    CHECK_EQ(mi.efi_count, 4);
    CHECK_EQ(mi.efi_desc_size, 48);
    CHECK_EQ(mi.efi_desc_version, 1);
    CHECK(mi.has_efi64);
    CHECK_EQ(mi.efi64_systab, 0x7f9ee018);
    size_t rl;
    CHECK(mb2_rsdp(&mi, &rl) == mi.rsdp_new);
    CHECK_EQ(rl, 36);
    CHECK_EQ(acpi_rsdp_validate(mi.rsdp_new, rl), ACPI_OK);
    uint32_t t;
    uint64_t p, n;
    CHECK_EQ(mb2_efi_entry(&mi, 1, &t, &p, &n), 0);
    CHECK_EQ(t, 4);
    CHECK_EQ(p, 0x100000);
    CHECK_EQ(n, 0x300);
    static struct memmap m;
    memmap_init(&m);
    CHECK_EQ(mb2_fill_memmap(&mi, &m), 0);
    CHECK_EQ(memmap_check(&m), 0);
    /* [0, 0xa0000) ram e820+efi; [0x100000, 0x800000) ram e820+efi; [0x800000, 0x808000) reserved. */
    CHECK_EQ(m.n, 3);
    CHECK_EQ(m.r[0].src, MEMMAP_SRC_E820 | MEMMAP_SRC_EFI);
    CHECK_EQ(m.r[1].base, 0x100000);
    CHECK_EQ(m.r[1].len, 0x700000);
    CHECK_EQ(m.r[1].src, MEMMAP_SRC_E820 | MEMMAP_SRC_EFI);
    CHECK_EQ(m.r[2].type, MEMMAP_RESERVED);
    CHECK_EQ(m.r[2].src, MEMMAP_SRC_E820 | MEMMAP_SRC_EFI);
    free(c);

    /* Every truncation of the block (total_size left as is): an error, never a read past it. */
    int errors = 0;
    for (uint32_t sz = 0; sz < blen; sz++) {
        int rc = parse_copy(sz, &mi, &c);
        errors += rc == MB2_ERR_SIZE;
        free(c);
    }
    CHECK_EQ(errors, blen);
    /* Every truncation with total_size rewritten to match: no end tag, or a tag past the end. */
    uint8_t save[sizeof blk];
    memcpy(save, blk, sizeof blk);
    int bad = 0;
    for (uint32_t sz = 8; sz < blen; sz++) {
        tb_w32(blk, sz);
        int rc = parse_copy(sz, &mi, &c);
        bad += rc == MB2_ERR_TAG || rc == MB2_ERR_NO_END;
        free(c);
    }
    CHECK_EQ(bad, blen - 8);
    memcpy(blk, save, sizeof blk);
}

static void test_malformed(void)
{
    struct mb2_info mi;
    uint8_t *c;
    CHECK_EQ(mb2_parse(NULL, 100, &mi), MB2_ERR_NULL);
    /* total_size smaller than the header, or larger than the buffer. */
    begin();
    end_block();
    tb_w32(blk, 4);
    CHECK_EQ(parse_copy(16, &mi, &c), MB2_ERR_SIZE);
    free(c);
    tb_w32(blk, 17);
    CHECK_EQ(parse_copy(16, &mi, &c), MB2_ERR_SIZE);
    free(c);
    /* A tag whose size runs past the end: what came before is kept. */
    begin();
    tag(MB2_TAG_CMDLINE, "ok", 3);
    uint32_t off = blen;
    tag(MB2_TAG_BOOTLOADER, "GRUB", 5);
    end_block();
    tb_w32(blk + off + 4, 0x1000);
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_ERR_TAG);
    CHECK(mi.cmdline && strcmp(mi.cmdline, "ok") == 0);
    CHECK(mi.bootloader == NULL);
    free(c);
    /* A tag size below 8 (would loop forever). */
    tb_w32(blk + off + 4, 0);
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_ERR_TAG);
    free(c);
    tb_w32(blk + off + 4, 7);
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_ERR_TAG);
    free(c);
    /* No end tag. */
    begin();
    tag(MB2_TAG_CMDLINE, "ok", 3);
    tb_w32(blk, blen);
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_ERR_NO_END);
    free(c);
    /* Strings without NUL; mmap with bad entry sizes; short RSDP and EFI64 tags. */
    begin();
    tag(MB2_TAG_CMDLINE, "abcd", 4);
    tag(MB2_TAG_BOOTLOADER, NULL, 0);
    uint8_t mm[8 + 40] = {0};
    tb_w32(mm, 20);
    tag(MB2_TAG_MMAP, mm, sizeof mm);
    tag(MB2_TAG_MMAP, mm, 4);
    tb_w32(mm, 0);
    tag(MB2_TAG_MMAP, mm, sizeof mm);
    tb_w32(mm, 24); /* 40 bytes of entries with 24-byte entries: one entry and 16 trailing bytes */
    uint32_t mmoff = tag(MB2_TAG_MMAP, mm, sizeof mm);
    (void)mmoff;
    tag(MB2_TAG_EFI_MMAP, mm, sizeof mm); /* descriptor size 24 < 40 */
    tag(MB2_TAG_ACPI_OLD, "RSD PTR ", 8);
    tag(MB2_TAG_ACPI_NEW, "RSD PTR ", 8);
    tag(MB2_TAG_EFI64, "1234", 4);
    end_block();
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_OK);
    CHECK(mi.cmdline == NULL && mi.bootloader == NULL);
    CHECK_EQ(mi.mmap_count, 1);
    CHECK(!mi.efi_mmap && !mi.rsdp_old && !mi.rsdp_new && !mi.has_efi64);
    CHECK_EQ(mi.nbad, 2 + 3 + 1 + 2 + 1);
    static struct memmap m;
    memmap_init(&m);
    CHECK_EQ(mb2_fill_memmap(&mi, &m), 0);
    CHECK_EQ(m.n, 0); /* the one entry is all zero: zero length, dropped */
    free(c);
    /* Hundreds of memory map entries: all read, the map keeps what fits. */
    begin();
    static uint8_t big[8 + 300 * 24];
    memset(big, 0, sizeof big);
    tb_w32(big, 24);
    for (int i = 0; i < 300; i++) {
        tb_w64(big + 8 + 24 * i, (uint64_t)i * 0x20000);
        tb_w64(big + 8 + 24 * i + 8, 0x10000);
        tb_w32(big + 8 + 24 * i + 16, 1);
    }
    tag(MB2_TAG_MMAP, big, sizeof big);
    end_block();
    CHECK_EQ(parse_copy(blen, &mi, &c), MB2_OK);
    CHECK_EQ(mi.mmap_count, 300);
    memmap_init(&m);
    CHECK_EQ(mb2_fill_memmap(&mi, &m), 300 - MEMMAP_MAX);
    CHECK_EQ(m.n, MEMMAP_MAX);
    CHECK_EQ(memmap_check(&m), 0);
    free(c);
}

int main(void)
{
    plat_host_loglevel = -1;
    test_seabios();
    test_ovmf();
    test_malformed();
    CHECK_SUMMARY();
}
