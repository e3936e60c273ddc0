/* tables.h - ACPI static tables: RSDP, RSDT/XSDT, the table registry, and the parsers of FADT,
 * MADT, SRAT, HPET and MCFG.
 *
 * Every table is reached through plat_phys_to_virt(pa). A table's header (36 bytes) is checked
 * to be mapped before its length is read, and the whole length to be mapped (contiguously)
 * before anything else is read; then its checksum. A bad table is logged with the reason, listed
 * by acpi_table_get() with ok = false, and never returned by acpi_find_table(); boot continues.
 * The parsers take (table, size) where size is how many bytes may be read; they check the
 * header's length against it, and every entry's length against the table's end.
 *
 * Limits (overflow is a logged error; what fits is kept): ACPI_MAX_TABLES tables in the registry,
 * ACPI_MAX_CPUS / ACPI_MAX_IOAPICS / ACPI_MAX_ISOS / ACPI_MAX_NMIS MADT entries,
 * ACPI_SRAT_MAX_MEM memory and ACPI_SRAT_MAX_CPU processor SRAT entries, ACPI_MAX_MCFG segments.
 * Single-threaded: called at boot, before interrupts; the results are global and read-only after.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_TABLES 64
#define ACPI_HDR_LEN 36
/* Largest table accepted (QEMU's DSDT is ~8 KiB; real firmware's rarely exceeds 1 MiB). */
#define ACPI_MAX_TABLE_LEN (16u << 20)

/* Error codes returned by the parsers (negative). */
enum {
    ACPI_OK = 0,
    ACPI_ERR_NOT_FOUND = -1, /* no such table / no RSDP */
    ACPI_ERR_UNMAPPED = -2,  /* part of the table is not reachable through the direct map */
    ACPI_ERR_LENGTH = -3,    /* length too small, too large, or past the available bytes */
    ACPI_ERR_CHECKSUM = -4,  /* checksum (or RSDP extended checksum) wrong */
    ACPI_ERR_SIGNATURE = -5, /* not the expected signature */
    ACPI_ERR_ENTRY = -6,     /* an entry was malformed (the rest of the table was still used) */
    ACPI_ERR_FULL = -7,      /* a fixed-size array overflowed (what fitted is kept) */
    ACPI_ERR_REVISION = -8,  /* unsupported revision */
};

/* The common header of every system description table (36 bytes). */
struct acpi_sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));

/* One table seen by acpi_tables_init (valid or not). */
struct acpi_table {
    char signature[5];
    char oem_id[7];
    uint64_t pa;
    uint32_t length; /* as in its header (0 if the header was unreachable) */
    uint8_t revision;
    bool checksum_ok;
    bool ok;            /* usable: mapped, length sane, checksum ok */
    const char *reason; /* why not ok ("" if ok) */
};

/* What acpi_tables_init found about the RSDP and root table. */
struct acpi_rsdp_info {
    uint8_t revision; /* 0 = ACPI 1.0 (RSDT only), 2+ = XSDT */
    char oem_id[7];
    uint32_t rsdt_pa;
    uint64_t xsdt_pa;
    bool use_xsdt; /* the root table walked was the XSDT */
    uint64_t root_pa;
};

/* ---- tables.c ---- */
/* Validate the RSDP copy [rsdp, rsdp+len) (checksum; v2: length and extended checksum). */
int acpi_rsdp_validate(const void *rsdp, size_t len);
/* Search the BIOS areas (EBDA first KiB, 0xE0000-0xFFFFF) for a valid RSDP; its pa, or 0. */
uint64_t acpi_rsdp_scan(void);
/* Forget every table, then validate the RSDP copy and register every table of the XSDT (or
 * RSDT), plus the DSDT (and FACS) that the FADT points to. ACPI_OK, or an error if the RSDP or
 * the root table is unusable (then no table is available). */
int acpi_tables_init(const void *rsdp, size_t len);
/* Reach [pa, pa+len) through the direct map if all of it is mapped contiguously, else NULL. */
const void *acpi_map(uint64_t pa, uint64_t len);
/* The index-th (0-based) valid table with signature sig, or NULL; *pa_out gets its address. */
const struct acpi_sdt_header *acpi_find_table(const char *sig, unsigned index, uint64_t *pa_out);
/* Number of tables registered (valid or not) and the i-th of them (NULL if out of range). */
unsigned acpi_table_count(void);
const struct acpi_table *acpi_table_get(unsigned i);
/* The RSDP found by the last acpi_tables_init. */
const struct acpi_rsdp_info *acpi_rsdp_info(void);
/* Sum of the bytes [p, p+len) modulo 256 (0 for a valid table). */
uint8_t acpi_checksum(const void *p, size_t len);
/* Check a table of at most size readable bytes: size >= 36, length in [min_len, size], checksum,
 * and (if sig) the signature. ACPI_OK or an ACPI_ERR_*; *why gets a reason. */
int acpi_check_table(const void *table, size_t size, const char *sig, uint32_t min_len, const char **why);

/* Next subtable (1-byte type, 1-byte length) of table t at or after *off, advancing *off; NULL at
 * the end. Malformed entries are logged under tag and counted in *nbad (see tables.c). */
const uint8_t *acpi_subtable_next(const uint8_t *t, uint32_t len, uint32_t *off,
                                  unsigned (*min_len)(uint8_t type), const char *tag, unsigned *nbad);

/* ---- fadt.c ---- */
/* A generic address structure (ACPI 5.2.3.2). */
struct acpi_gas {
    uint8_t space_id; /* 0 memory, 1 system I/O, ... */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};
enum { ACPI_GAS_MEMORY = 0, ACPI_GAS_IO = 1 };

/* A register block as the events code uses it: address, space and length in bytes. */
struct acpi_block {
    uint64_t address; /* 0: absent */
    uint8_t space_id;
    uint8_t len;
};

/* What the kernel needs from the FADT. X_ fields are preferred when their address is non-zero;
 * lengths come from the legacy *_LEN fields, else from the X_ bit width. */
struct acpi_fadt {
    bool valid;
    uint8_t revision;
    uint32_t length;
    uint64_t dsdt;    /* X_DSDT if non-zero, else DSDT */
    uint64_t facs;    /* X_FIRMWARE_CTRL if non-zero, else FIRMWARE_CTRL */
    uint16_t sci_int; /* SCI interrupt (an ISA IRQ: map through MADT overrides) */
    uint32_t smi_cmd; /* 0: ACPI already enabled / no SMM */
    uint8_t acpi_enable, acpi_disable;
    struct acpi_block pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt, pm2_cnt, pm_tmr;
    struct acpi_block gpe0, gpe1;
    uint8_t gpe1_base;
    uint16_t iapc_boot_arch;
    uint32_t flags;
    bool has_reset; /* RESET_REG valid (rev >= 2 and flags bit 10) */
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    struct acpi_gas sleep_control, sleep_status; /* rev >= 5 (zero if absent) */
};
#define ACPI_FADT_MIN_LEN 116 /* ACPI 1.0 */

/* Parse the FADT at [table, table+size) into *out. ACPI_OK or ACPI_ERR_*. */
int acpi_fadt_parse(const void *table, size_t size, struct acpi_fadt *out);
/* Find and parse the FADT ("FACP") into the global acpi_fadt_info. */
int acpi_fadt_init(void);
extern struct acpi_fadt acpi_fadt_info;

/* ---- madt.c ---- */
#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 16
#define ACPI_MAX_ISOS 32
#define ACPI_MAX_NMIS 32
struct acpi_madt_cpu {
    uint32_t apic_id;
    uint32_t uid;   /* ACPI processor id (type 0) or UID (type 9) */
    uint32_t flags; /* bit 0 enabled, bit 1 online capable */
    bool x2apic;
};
struct acpi_madt_ioapic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};
struct acpi_madt_iso {
    uint8_t bus, source;
    uint32_t gsi;
    uint16_t flags; /* bits 0-1 polarity (1 high, 3 low), bits 2-3 trigger (1 edge, 3 level) */
};
struct acpi_madt_nmi {
    uint32_t uid; /* 0xff / 0xffffffff: all processors */
    uint16_t flags;
    uint8_t lint;
};
struct acpi_madt {
    bool valid;
    uint64_t lapic_addr; /* the override (type 5) if present */
    uint32_t flags;      /* bit 0: PC-AT dual 8259 present */
    unsigned ncpus, nioapics, nisos, nnmis;
    unsigned nbad; /* malformed entries skipped */
    struct acpi_madt_cpu cpu[ACPI_MAX_CPUS];
    struct acpi_madt_ioapic ioapic[ACPI_MAX_IOAPICS];
    struct acpi_madt_iso iso[ACPI_MAX_ISOS];
    struct acpi_madt_nmi nmi[ACPI_MAX_NMIS];
};
/* Parse the MADT at [table, table+size) into *out. ACPI_OK, ACPI_ERR_ENTRY/FULL (partial), or
 * another ACPI_ERR_* (nothing usable). */
int acpi_madt_parse(const void *table, size_t size, struct acpi_madt *out);
/* Find and parse the MADT ("APIC") into the global acpi_madt_info. */
int acpi_madt_init(void);
extern struct acpi_madt acpi_madt_info;
/* The GSI and MPS flags an ISA IRQ is delivered on (identity, flags 0, if no override). */
uint32_t acpi_madt_irq_to_gsi(const struct acpi_madt *madt, uint8_t irq, uint16_t *flags);

/* ---- srat.c ---- */
#define ACPI_SRAT_MAX_MEM 128
#define ACPI_SRAT_MAX_CPU 256
enum {
    ACPI_SRAT_MEM_ENABLED = 1u << 0,
    ACPI_SRAT_MEM_HOTPLUGGABLE = 1u << 1,
    ACPI_SRAT_MEM_NONVOLATILE = 1u << 2,
};
struct acpi_srat_mem {
    uint32_t node; /* proximity domain */
    uint64_t base, len;
    uint32_t flags;
};
struct acpi_srat_cpu {
    uint32_t node;
    uint32_t apic_id;
    uint32_t flags; /* bit 0 enabled */
    bool x2apic;
};
/* Every affinity entry as in the table, disabled ones included (the shell lists them); users
 * skip entries without the enabled bit. Malformed entries are not stored. */
struct acpi_srat {
    bool valid;
    unsigned nmem, ncpu;
    unsigned nbad; /* malformed entries skipped */
    struct acpi_srat_mem mem[ACPI_SRAT_MAX_MEM];
    struct acpi_srat_cpu cpu[ACPI_SRAT_MAX_CPU];
};
/* Parse the SRAT at [table, table+size) into *out. ACPI_OK, ACPI_ERR_ENTRY/FULL (partial), or
 * another ACPI_ERR_* (nothing usable). */
int acpi_srat_parse(const void *table, size_t size, struct acpi_srat *out);
/* Find and parse the SRAT into the global acpi_srat_info (ACPI_ERR_NOT_FOUND if none). */
int acpi_srat_init(void);
extern struct acpi_srat acpi_srat_info;
/* "enabled,hotpluggable,non-volatile" (or "disabled") for memory affinity flags, into buf. */
char *acpi_srat_flags_str(uint32_t flags, char *buf, size_t size);

/* ---- hpet.c / mcfg.c ---- */
struct acpi_hpet {
    bool valid;
    uint32_t block_id;
    struct acpi_gas base;
    uint8_t number;
    uint16_t min_tick;
};
/* Parse the HPET table at [table, table+size). ACPI_OK or ACPI_ERR_*. */
int acpi_hpet_parse(const void *table, size_t size, struct acpi_hpet *out);
/* Find and parse the HPET table into acpi_hpet_info (ACPI_ERR_NOT_FOUND if none). */
int acpi_hpet_init(void);
extern struct acpi_hpet acpi_hpet_info;

#define ACPI_MAX_MCFG 16
struct acpi_mcfg_seg {
    uint64_t base;
    uint16_t segment;
    uint8_t bus_start, bus_end;
};
struct acpi_mcfg {
    bool valid;
    unsigned n;
    struct acpi_mcfg_seg seg[ACPI_MAX_MCFG];
};
/* Parse the MCFG at [table, table+size). ACPI_OK, ACPI_ERR_ENTRY/FULL (partial) or ACPI_ERR_*. */
int acpi_mcfg_parse(const void *table, size_t size, struct acpi_mcfg *out);
/* Find and parse the MCFG into acpi_mcfg_info (ACPI_ERR_NOT_FOUND if none: pc has none). */
int acpi_mcfg_init(void);
extern struct acpi_mcfg acpi_mcfg_info;
