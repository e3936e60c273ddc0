/* tables.c - RSDP, RSDT/XSDT and the registry of ACPI tables (see tables.h). */
#include "drivers/acpi/tables/tables.h"

#include <string.h>

#include "hotmem/bytes.h"
#include "platform.h"

#define TAG "acpi"

/* The registry: every table seen (valid or not), in the order found. Reset by acpi_tables_init. */
static struct acpi_table tables[ACPI_MAX_TABLES];
static unsigned ntables;
static struct acpi_rsdp_info rsdp_info;

/* Sum of the bytes [p, p+len) modulo 256 (0 for a valid table). */
uint8_t acpi_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum;
}

/* Reach [pa, pa+len) through the direct map if all of it is mapped contiguously, else NULL. */
const void *acpi_map(uint64_t pa, uint64_t len)
{
    if (len == 0 || pa + (len - 1) < pa)
        return NULL;
    const uint8_t *first = plat_phys_to_virt(pa), *last = plat_phys_to_virt(pa + (len - 1));
    if (!first || !last || (uint64_t)(last - first) != len - 1 || last < first)
        return NULL;
    return first;
}

/* Copy n printable characters of src into dst (NUL-terminated), '?' for the others. */
static void copy_name(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        dst[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    dst[n] = 0;
}

/* Check a table of at most size readable bytes (see tables.h). ACPI_OK or an ACPI_ERR_*. */
int acpi_check_table(const void *table, size_t size, const char *sig, uint32_t min_len, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = "";
    if (!table || size < ACPI_HDR_LEN) {
        *why = "shorter than its header";
        return ACPI_ERR_LENGTH;
    }
    const uint8_t *t = table;
    uint32_t len = get_le32(t + 4);
    if (sig && memcmp(t, sig, 4) != 0) {
        *why = "wrong signature";
        return ACPI_ERR_SIGNATURE;
    }
    if (len < ACPI_HDR_LEN || len < min_len) {
        *why = "length too small";
        return ACPI_ERR_LENGTH;
    }
    if (len > size) {
        *why = "length runs past the table";
        return ACPI_ERR_LENGTH;
    }
    if (acpi_checksum(t, len) != 0) {
        *why = "bad checksum";
        return ACPI_ERR_CHECKSUM;
    }
    return ACPI_OK;
}

/* Validate the RSDP copy [rsdp, rsdp+len) (checksum; v2: length and extended checksum). */
int acpi_rsdp_validate(const void *rsdp, size_t len)
{
    const uint8_t *r = rsdp;
    if (!r || len < 20)
        return ACPI_ERR_LENGTH;
    if (memcmp(r, "RSD PTR ", 8) != 0)
        return ACPI_ERR_SIGNATURE;
    if (acpi_checksum(r, 20) != 0)
        return ACPI_ERR_CHECKSUM;
    if (r[15] >= 2) {
        if (len < 36)
            return ACPI_ERR_LENGTH;
        uint32_t xlen = get_le32(r + 20);
        if (xlen < 36 || xlen > len)
            return ACPI_ERR_LENGTH;
        if (acpi_checksum(r, xlen) != 0)
            return ACPI_ERR_CHECKSUM;
    }
    return ACPI_OK;
}

/* The pa of a valid RSDP in [pa, pa+len) at 16-byte steps, or 0. */
static uint64_t scan_area(uint64_t pa, uint64_t len)
{
    for (uint64_t a = pa; a + 20 <= pa + len; a += 16) {
        const uint8_t *r = acpi_map(a, 20);
        if (!r || memcmp(r, "RSD PTR ", 8) != 0 || acpi_checksum(r, 20) != 0)
            continue;
        if (r[15] >= 2) {
            const uint8_t *x = acpi_map(a, 36);
            uint32_t xlen = x ? get_le32(x + 20) : 0;
            if (!x || xlen < 36 || xlen > 4096 || !acpi_map(a, xlen) ||
                acpi_checksum(acpi_map(a, xlen), xlen))
                continue;
        }
        return a;
    }
    return 0;
}

/* Search the BIOS areas (EBDA first KiB, 0xE0000-0xFFFFF) for a valid RSDP; its pa, or 0. */
uint64_t acpi_rsdp_scan(void)
{
    const uint8_t *bda = acpi_map(0x40e, 2);
    if (bda) {
        uint64_t ebda = (uint64_t)(bda[0] | bda[1] << 8) << 4;
        if (ebda >= 0x80000 && ebda < 0xa0000) {
            uint64_t pa = scan_area(ebda, 1024);
            if (pa)
                return pa;
        }
    }
    return scan_area(0xe0000, 0x20000);
}

/* Find a registry slot for pa; NULL (logged) if the registry is full or pa is already there. */
static struct acpi_table *new_entry(uint64_t pa)
{
    for (unsigned i = 0; i < ntables; i++) {
        if (tables[i].pa == pa) {
            plat_log(LOG_WARN, TAG, "table at 0x%llx listed twice: second ignored", (unsigned long long)pa);
            return NULL;
        }
    }
    if (ntables >= ACPI_MAX_TABLES) {
        plat_log(LOG_ERR, TAG, "more than %d tables: table at 0x%llx ignored", ACPI_MAX_TABLES,
                 (unsigned long long)pa);
        return NULL;
    }
    struct acpi_table *t = &tables[ntables++];
    memset(t, 0, sizeof *t);
    t->pa = pa;
    memcpy(t->signature, "????", 5);
    return t;
}

/* Register the table at pa (expected signature sig, or any if NULL); the entry, or NULL if the
 * registry refused it. The entry's ok says whether the table is usable. */
static struct acpi_table *register_table(uint64_t pa, const char *sig)
{
    struct acpi_table *t = new_entry(pa);
    if (!t)
        return NULL;
    const uint8_t *h = pa ? acpi_map(pa, ACPI_HDR_LEN) : NULL;
    if (!h) {
        t->reason = pa ? "header not mapped" : "null address";
    } else {
        copy_name(t->signature, (const char *)h, 4);
        copy_name(t->oem_id, (const char *)h + 10, 6);
        t->length = get_le32(h + 4);
        t->revision = h[8];
        const uint8_t *all = NULL;
        if (t->length >= ACPI_HDR_LEN && t->length <= ACPI_MAX_TABLE_LEN)
            all = acpi_map(pa, t->length);
        if (all)
            t->checksum_ok = acpi_checksum(all, t->length) == 0;
        if (t->length < ACPI_HDR_LEN)
            t->reason = "length smaller than the header";
        else if (t->length > ACPI_MAX_TABLE_LEN)
            t->reason = "length absurdly large";
        else if (!all)
            t->reason = "length runs past mapped memory";
        else if (!t->checksum_ok)
            t->reason = "bad checksum";
        else if (sig && memcmp(h, sig, 4) != 0)
            t->reason = "unexpected signature";
        else
            t->ok = true;
    }
    if (!t->ok) {
        t->reason = t->reason ? t->reason : "invalid";
        plat_log(LOG_ERR, TAG, "table %s at 0x%llx (length %u): %s: ignored", t->signature,
                 (unsigned long long)pa, t->length, t->reason);
    } else {
        t->reason = "";
        plat_log(LOG_INFO, TAG, "%s at 0x%llx length %u rev %u oem %s", t->signature, (unsigned long long)pa,
                 t->length, t->revision, t->oem_id);
    }
    return t;
}

/* Register every table the root table at root (entries of esize bytes) lists. */
static void walk_root(const struct acpi_table *root, unsigned esize)
{
    const uint8_t *r = acpi_map(root->pa, root->length);
    uint32_t payload = root->length - ACPI_HDR_LEN;
    if (payload % esize)
        plat_log(LOG_WARN, TAG, "%s: %u trailing bytes ignored", root->signature, payload % esize);
    for (uint32_t i = 0; i < payload / esize; i++) {
        const uint8_t *e = r + ACPI_HDR_LEN + (size_t)i * esize;
        uint64_t pa = esize == 8 ? get_le64(e) : get_le32(e);
        if (!pa) {
            plat_log(LOG_WARN, TAG, "%s entry %u: null address: ignored", root->signature, i);
            continue;
        }
        register_table(pa, NULL);
    }
}

/* Forget every table, then validate the RSDP copy and register every table (see tables.h). */
int acpi_tables_init(const void *rsdp, size_t len)
{
    ntables = 0;
    memset(&rsdp_info, 0, sizeof rsdp_info);
    int rc = acpi_rsdp_validate(rsdp, len);
    const uint8_t *r = rsdp;
    bool v1_only = false;
    if (rc != ACPI_OK) {
        /* A v2 RSDP whose extended part is bad still has a usable v1 part (RSDT). */
        if (r && len >= 20 && memcmp(r, "RSD PTR ", 8) == 0 && acpi_checksum(r, 20) == 0 && r[15] >= 2) {
            plat_log(LOG_ERR, TAG, "RSDP v%u: bad extended length or checksum: using the RSDT only", r[15]);
            v1_only = true;
        } else {
            plat_log(LOG_ERR, TAG, "no valid RSDP (%s)",
                     rc == ACPI_ERR_SIGNATURE  ? "bad signature"
                     : rc == ACPI_ERR_CHECKSUM ? "bad checksum"
                                               : "too short");
            return rc;
        }
    }
    rsdp_info.revision = r[15];
    copy_name(rsdp_info.oem_id, (const char *)r + 9, 6);
    rsdp_info.rsdt_pa = get_le32(r + 16);
    if (r[15] >= 2 && !v1_only)
        rsdp_info.xsdt_pa = get_le64(r + 24);

    const struct acpi_table *root = NULL;
    if (rsdp_info.xsdt_pa) {
        root = register_table(rsdp_info.xsdt_pa, "XSDT");
        if (root && root->ok) {
            rsdp_info.use_xsdt = true;
        } else {
            plat_log(LOG_ERR, TAG, "XSDT unusable: falling back to the RSDT");
            root = NULL;
        }
    }
    if (!root && rsdp_info.rsdt_pa) {
        root = register_table(rsdp_info.rsdt_pa, "RSDT");
        if (root && !root->ok)
            root = NULL;
    }
    if (!root) {
        plat_log(LOG_ERR, TAG, "no usable RSDT or XSDT: no ACPI tables");
        return ACPI_ERR_NOT_FOUND;
    }
    rsdp_info.root_pa = root->pa;
    walk_root(root, rsdp_info.use_xsdt ? 8 : 4);

    /* The DSDT is not in the root table: the FADT points to it. */
    uint64_t fpa;
    const struct acpi_sdt_header *f = acpi_find_table("FACP", 0, &fpa);
    struct acpi_fadt fadt;
    if (f && acpi_fadt_parse(f, f->length, &fadt) == ACPI_OK && fadt.dsdt)
        register_table(fadt.dsdt, "DSDT");
    else
        plat_log(LOG_ERR, TAG, "no usable FADT: no DSDT");
    return ACPI_OK;
}

/* The index-th (0-based) valid table with signature sig, or NULL; *pa_out gets its address. */
const struct acpi_sdt_header *acpi_find_table(const char *sig, unsigned index, uint64_t *pa_out)
{
    for (unsigned i = 0; i < ntables; i++) {
        const struct acpi_table *t = &tables[i];
        if (!t->ok || memcmp(t->signature, sig, 4) != 0)
            continue;
        if (index--)
            continue;
        if (pa_out)
            *pa_out = t->pa;
        return acpi_map(t->pa, t->length);
    }
    return NULL;
}

/* Number of tables registered (valid or not). */
unsigned acpi_table_count(void)
{
    return ntables;
}

/* The i-th registered table, or NULL. */
const struct acpi_table *acpi_table_get(unsigned i)
{
    return i < ntables ? &tables[i] : NULL;
}

/* The RSDP found by the last acpi_tables_init. */
const struct acpi_rsdp_info *acpi_rsdp_info(void)
{
    return &rsdp_info;
}

/* Next subtable (1-byte type, 1-byte length) of table t at or after *off, advancing *off; NULL at
 * the end. An entry whose header or length runs past len ends the walk; one shorter than
 * min_len(type) is skipped; both are logged under tag and counted in *nbad. Types with min_len 0
 * are skipped silently (types the caller does not use). */
const uint8_t *acpi_subtable_next(const uint8_t *t, uint32_t len, uint32_t *off,
                                  unsigned (*min_len)(uint8_t type), const char *tag, unsigned *nbad)
{
    while (*off < len) {
        if (len - *off < 2) {
            plat_log(LOG_ERR, tag, "entry at offset %u: header runs past the table (length %u)", *off, len);
            ++*nbad;
            return NULL;
        }
        const uint8_t *e = t + *off;
        uint8_t type = e[0], elen = e[1];
        if (elen < 2 || elen > len - *off) {
            plat_log(LOG_ERR, tag, "entry type %u at offset %u: length %u %s: rest of the table ignored",
                     type, *off, elen, elen < 2 ? "too small" : "runs past the table");
            ++*nbad;
            return NULL;
        }
        *off += elen;
        unsigned need = min_len(type);
        if (!need)
            continue;
        if (elen < need) {
            plat_log(LOG_ERR, tag, "entry type %u at offset %u: length %u < %u: skipped", type,
                     (unsigned)(e - t), elen, need);
            ++*nbad;
            continue;
        }
        return e;
    }
    return NULL;
}
