/* test_memhp.c - the PNP0C80 driver (drivers/acpi/memhp.c) and GPE handling end to end on the
 * host: QEMU's own pc DSDT (fetched by tests/aml/qemu_tables.py; path in argv[1] or
 * build/qemu-acpi/pc/dsdt.aml, fetched on demand) runs in the AML interpreter against a fake of
 * QEMU's memory hotplug controller (ports 0xA00-0xA17, hw/acpi/memory_hotplug.c semantics) and
 * GPE0 block (pc: 0xAFE0), over the host mm.
 *
 * Covers: cold DIMM added at boot; insert flag -> Notify 1 -> added; remove flag -> offline ->
 * _OST (MOEV then MOSC) -> eject bit; failure (a pinned page) -> _OST 0x82, memory online,
 * mm_verify passes, then success after the pin is dropped; duplicate requests handled once; an
 * eject waiting for a hot-add; movable objects migrated intact; the shell's eject path; _CRS
 * parsing of QWord / DWord / Memory32Fixed and of malformed templates; the event path at the
 * zones' minimum; every kind of _CRS range refused; _PXM through the SRAT. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "drivers/acpi/aml/aml.h"
#include "drivers/acpi/events.h"
#include "drivers/acpi/memhp.h"
#include "drivers/acpi/tables/tables.h"
#include "mm/memmap.h"
#include "mm/mm.h"
#include "tests/host/check.h"
#include "tests/host/fake_mhpc.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define NSLOTS 4 /* MDNR of the DSDT qemu_tables.py fetches (-m 1G,slots=4,maxmem=8G) */
#define GPE0 0xafe0

/* ---- the fake QEMU: the hotplug controller (fake_mhpc.h), an _OST log, GPE0 ----------------- */
static struct fake_mhpc_slot slots[NSLOTS];
struct ost_rec {
    unsigned slot, event, status;
};
static struct ost_rec osts[256];
static unsigned nost;
static unsigned deleted[64]; /* "DEVICE_DELETED": slots whose eject bit was written */
static unsigned ndeleted;
static uint8_t gpe_sts[2], gpe_en[2];
static int bad_io;

/* QEMU's ACPI_DEVICE_OST and DEVICE_DELETED, recorded. */
static void record_ost(unsigned slot, uint32_t event, uint32_t status)
{
    if (nost < 256)
        osts[nost++] = (struct ost_rec){slot, event, status};
}

static void record_eject(unsigned slot)
{
    if (ndeleted < 64)
        deleted[ndeleted++] = slot;
}

static struct fake_mhpc hpc = {slots, NSLOTS, 0, 0, record_ost, record_eject};

static uint32_t io_rd(uint16_t port, int width)
{
    if (port >= GPE0 && port < GPE0 + 2)
        return gpe_sts[port - GPE0];
    if (port >= GPE0 + 2 && port < GPE0 + 4)
        return gpe_en[port - GPE0 - 2];
    if (fake_mhpc_owns(port))
        return fake_mhpc_read(&hpc, port, width);
    /* Anything else (CPU hotplug 0xAF00, PCI hotplug 0xAE00: \_GPE._E02/_E01 run at the boot
     * scan) reads 0: no events pending there. */
    bad_io++;
    return 0;
}

static void io_wr(uint16_t port, int width, uint32_t v)
{
    (void)width;
    if (port >= GPE0 && port < GPE0 + 2) {
        gpe_sts[port - GPE0] &= (uint8_t)~v;
        return;
    }
    if (port >= GPE0 + 2 && port < GPE0 + 4) {
        gpe_en[port - GPE0 - 2] = (uint8_t)v;
        return;
    }
    if (!fake_mhpc_owns(port)) {
        bad_io++;
        return;
    }
    fake_mhpc_write(&hpc, port, v);
}

/* What device_add / device_del do: set the flag, GPE 3 status, SCI if enabled. */
static void qemu_device_add(unsigned n, uint64_t addr, uint64_t size, uint32_t node)
{
    slots[n] = (struct fake_mhpc_slot){addr, size, node, true, true, false};
    gpe_sts[0] |= 1u << 3;
    if (gpe_en[0] & (1u << 3))
        acpi_events_sci();
}

static void qemu_device_del(unsigned n)
{
    slots[n].removing = true;
    gpe_sts[0] |= 1u << 3;
    if (gpe_en[0] & (1u << 3))
        acpi_events_sci();
}

/* One main-loop pass. */
static void loop(void)
{
    acpi_events_poll();
    memhp_poll();
}

static bool ost_seen(unsigned from, unsigned slot, unsigned event, unsigned status)
{
    for (unsigned i = from; i < nost; i++)
        if (osts[i].slot == slot && osts[i].event == event && osts[i].status == status)
            return true;
    return false;
}

static unsigned deleted_count(unsigned slot)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ndeleted; i++)
        n += deleted[i] == slot;
    return n;
}

static uint64_t online_pages(void)
{
    struct mm_zone_stats t;
    mm_total_stats(&t);
    return t.online;
}

/* ---- the table -------------------------------------------------------------------------------- */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = n > 0 ? malloc((size_t)n) : NULL;
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static uint8_t *load_dsdt(int argc, char **argv, size_t *len)
{
    const char *path = argc > 1 ? argv[1] : "build/qemu-acpi/pc/dsdt.aml";
    struct stat st;
    if (argc <= 1 && stat(path, &st) != 0) {
        fprintf(stderr, "%s missing: fetching QEMU's tables\n", path);
        if (system("/usr/bin/python3 tests/aml/qemu_tables.py pc build/qemu-acpi > /dev/null") != 0)
            return NULL;
    }
    return read_file(path, len);
}

/* ---- tests -------------------------------------------------------------------------------------- */
static struct acpi_fadt pc_fadt(void)
{
    struct acpi_fadt f;
    memset(&f, 0, sizeof f);
    f.valid = true;
    f.revision = 1;
    f.sci_int = 9;
    f.gpe0 = (struct acpi_block){GPE0, ACPI_GAS_IO, 4};
    return f;
}

static int masks;
static void mask_hook(bool m)
{
    masks += m ? 1 : 0;
}

static void test_crs_parse(void)
{
    struct memhp_range r[4];
    /* QWordMemory as QEMU's MCRS builds it, then the end tag. */
    uint8_t q[46 + 2] = {0x8a, 43, 0, 0, 0x0c, 0x03};
    uint64_t min = 0x100800000ull, len = 0x40000000ull, max = min + len - 1;
    memcpy(q + 3 + 11, &min, 8);
    memcpy(q + 3 + 19, &max, 8);
    memcpy(q + 3 + 35, &len, 8);
    q[46] = 0x79;
    q[47] = 0;
    CHECK_EQ(memhp_parse_crs(q, sizeof q, r, 4), 1);
    CHECK_EQ(r[0].base, min);
    CHECK_EQ(r[0].size, len);
    /* Truncated anywhere: malformed, never read past the end. */
    bool all_bad = true;
    for (uint32_t n = 1; n < 46; n++) {
        uint8_t *t = malloc(n);
        memcpy(t, q, n);
        all_bad &= memhp_parse_crs(t, n, r, 4) < 0;
        free(t);
    }
    CHECK(all_bad);
    CHECK_EQ(memhp_parse_crs(q, 0, r, 4), 0);
    CHECK_EQ(memhp_parse_crs(NULL, 4, r, 4), -1);
    /* DWordMemory + Memory32Fixed + an IO descriptor + a zero-length range, no end tag. */
    uint8_t d[26 + 12 + 8 + 12];
    memset(d, 0, sizeof d);
    d[0] = 0x87;
    d[1] = 23;
    uint32_t dmin = 0x80000000u, dlen = 0x200000u;
    memcpy(d + 3 + 7, &dmin, 4);
    memcpy(d + 3 + 19, &dlen, 4);
    uint8_t *m = d + 26;
    m[0] = 0x86;
    m[1] = 9;
    m[3] = 1;
    uint32_t mb = 0xfed00000u, ml = 0x1000u;
    memcpy(m + 4, &mb, 4);
    memcpy(m + 8, &ml, 4);
    uint8_t *io = m + 12;
    io[0] = 0x47; /* small IO descriptor, 7 bytes */
    uint8_t *z = io + 8;
    z[0] = 0x86;
    z[1] = 9; /* Memory32Fixed of length 0: skipped */
    CHECK_EQ(memhp_parse_crs(d, sizeof d, r, 4), 2);
    CHECK_EQ(r[0].base, dmin);
    CHECK_EQ(r[0].size, dlen);
    CHECK_EQ(r[1].base, mb);
    CHECK_EQ(r[1].size, ml);
    /* An I/O (type 1) DWord address space is not memory. */
    d[3] = 1;
    CHECK_EQ(memhp_parse_crs(d, sizeof d, r, 4), 1);
    /* More ranges than room: counted, only max stored. */
    d[3] = 0;
    CHECK_EQ(memhp_parse_crs(d, sizeof d, r, 1), 2);
    /* A large descriptor whose length runs past the buffer. */
    uint8_t bad[] = {0x8a, 0xff, 0xff, 0};
    CHECK_EQ(memhp_parse_crs(bad, sizeof bad, r, 4), -1);
    /* Short fixed descriptors. */
    uint8_t shortm[] = {0x86, 3, 0, 1, 2, 3};
    CHECK_EQ(memhp_parse_crs(shortm, sizeof shortm, r, 4), -1);
    /* A 64-bit range that wraps. */
    uint64_t wrap = ~0ull - 10;
    memcpy(q + 3 + 11, &wrap, 8);
    CHECK_EQ(memhp_parse_crs(q, sizeof q, r, 4), -1);
}

static void test_boot_enumeration(void)
{
    /* slot 0 cold-plugged (no insert flag, as QEMU does for -device at start-up) */
    slots[0] = (struct fake_mhpc_slot){0x100000000ull, 128 * MiB, 0, true, false, false};
    uint64_t on0 = online_pages();
    struct acpi_fadt f = pc_fadt();
    int n = acpi_events_init(&f, mask_hook);
    CHECK(n >= 1);
    CHECK(acpi_events_gpe_enabled(3, NULL));
    CHECK(gpe_en[0] & (1u << 3));
    CHECK_EQ(memhp_init(), NSLOTS);
    CHECK_EQ(memhp_counters.boot_present, 1);
    const struct memdev *d = memhp_by_slot(0);
    CHECK(d && d->state == MEMDEV_ONLINE);
    CHECK(d && d->nranges == 1 && d->r[0].base == 0x100000000ull && d->r[0].size == 128 * MiB);
    CHECK(d && d->sta == 0xf);
    CHECK_EQ(online_pages(), on0 + 128 * MiB / PAGE_SIZE);
    CHECK(memmap_is_type(&memmap_boot, 0x100000000ull, 128 * MiB, MEMMAP_RAM));
    const struct memdev *d1 = memhp_by_slot(1);
    CHECK(d1 && d1->state == MEMDEV_ABSENT && d1->sta == 0);
    CHECK(memhp_by_slot(NSLOTS) == NULL);
    CHECK_EQ(nost, 0); /* no _OST at boot */
    /* The boot scan finds no flags. */
    CHECK_EQ(acpi_events_boot_scan(), 0);
    CHECK_EQ(memhp_poll(), 0);
    CHECK_EQ(mm_verify(), 0);
    memhp_dump();
}

static void test_hot_add(void)
{
    uint64_t on0 = online_pages();
    unsigned o0 = nost;
    /* A small DIMM, then one 2 MiB-aligned but not 128 MiB-aligned right after it. */
    qemu_device_add(1, 0x108000000ull, 2 * MiB, 0);
    CHECK(masks >= 1);
    loop();
    CHECK(!slots[1].inserting);
    CHECK(!(gpe_sts[0] & 8));
    CHECK_EQ(memhp_by_slot(1)->state, MEMDEV_ONLINE);
    CHECK(ost_seen(o0, 1, 1, 0)); /* _OST(device check, success) */
    qemu_device_add(2, 0x108200000ull, 256 * MiB, 0);
    loop();
    const struct memdev *d = memhp_by_slot(2);
    CHECK_EQ(d->state, MEMDEV_ONLINE);
    CHECK_EQ(d->r[0].base, 0x108200000ull);
    CHECK_EQ(online_pages(), on0 + 258 * MiB / PAGE_SIZE);
    const struct acpi_event_counters *c = acpi_events_counters();
    CHECK_EQ(c->gpe[3], 2);
    CHECK_EQ(c->notify[1], 2);
    CHECK_EQ(c->gpe_reruns, 2); /* each MSCN run once more, finding nothing */
    CHECK_EQ(mm_verify(), 0);
    /* Movable allocations can land there. */
    uint64_t pa = mm_alloc_pages_in(0x108200000ull, 0x118200000ull, 0, MM_MOVABLE, MM_OWN_KERNEL, 0);
    CHECK(pa != 0);
    if (pa)
        mm_free_pages(pa, 0);
}

static void test_eject_idle(void)
{
    uint64_t on0 = online_pages();
    unsigned o0 = nost;
    qemu_device_del(2);
    loop();
    CHECK_EQ(deleted_count(2), 1);
    CHECK(!slots[2].enabled);
    CHECK(ost_seen(o0, 2, 3, MEMDEV_OST_EJECT_IN_PROGRESS));
    CHECK(ost_seen(o0, 2, 3, MEMDEV_OST_SUCCESS));
    /* _OST success strictly before the eject write: the last OST of slot 2 is success. */
    CHECK(nost > o0 && osts[nost - 1].slot == 2 && osts[nost - 1].status == 0);
    const struct memdev *d = memhp_by_slot(2);
    CHECK_EQ(d->state, MEMDEV_ABSENT);
    CHECK_EQ(d->sta, 0);
    CHECK_EQ(online_pages(), on0 - 256 * MiB / PAGE_SIZE);
    CHECK(!memmap_is_type(&memmap_boot, 0x108200000ull, 256 * MiB, MEMMAP_RAM));
    CHECK_EQ(mm_verify(), 0);
    /* The same slot can be plugged again. */
    qemu_device_add(2, 0x108200000ull, 256 * MiB, 0);
    loop();
    CHECK_EQ(memhp_by_slot(2)->state, MEMDEV_ONLINE);
    CHECK_EQ(online_pages(), on0);
}

static void test_eject_pinned(void)
{
    uint32_t pin;
    CHECK_EQ(mm_obj_pin(0x108200000ull, 0x118200000ull, &pin), 0);
    uint64_t on0 = online_pages();
    unsigned o0 = nost, del0 = ndeleted;
    qemu_device_del(2);
    loop();
    CHECK_EQ(ndeleted, del0);
    CHECK(slots[2].enabled);
    CHECK(ost_seen(o0, 2, 3, MEMDEV_OST_EJECT_BUSY));
    CHECK(!ost_seen(o0, 2, 3, MEMDEV_OST_SUCCESS));
    const struct memdev *d = memhp_by_slot(2);
    CHECK_EQ(d->state, MEMDEV_ONLINE);
    CHECK_EQ(d->last_err, MM_EBUSY); /* a pinned page: nothing can free it, the offline fails at once */
    CHECK_EQ(d->last_rep.block_owner, MM_OWN_TEST_PIN);
    CHECK_EQ(online_pages(), on0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    /* Still usable. */
    uint64_t pa = mm_alloc_pages_in(0x108200000ull, 0x118200000ull, 0, MM_MOVABLE, MM_OWN_KERNEL, 0);
    CHECK(pa != 0);
    if (pa)
        mm_free_pages(pa, 0);
    /* Drop the pin: the next device_del succeeds. */
    CHECK_EQ(mm_obj_drop(pin), 0);
    o0 = nost;
    qemu_device_del(2);
    loop();
    CHECK_EQ(deleted_count(2), 2);
    CHECK(ost_seen(o0, 2, 3, MEMDEV_OST_SUCCESS));
    CHECK_EQ(memhp_by_slot(2)->state, MEMDEV_ABSENT);
    CHECK_EQ(mm_verify(), 0);
}

static void test_duplicates_and_order(void)
{
    const struct memdev *d1 = memhp_by_slot(1);
    uint64_t dup0 = memhp_counters.dup_requests, ej0 = d1->ejects;
    /* device_del twice before the driver runs: two MSCN passes, two Notify 3, one eject. */
    qemu_device_del(1);
    acpi_events_poll();
    qemu_device_del(1);
    acpi_events_poll();
    CHECK_EQ(memhp_counters.dup_requests, dup0 + 1);
    memhp_poll();
    CHECK_EQ(d1->ejects, ej0 + 1);
    CHECK_EQ(deleted_count(1), 1);
    /* The shell asks too while the firmware's request is queued: handled once. */
    qemu_device_add(1, 0x108000000ull, 2 * MiB, 0);
    loop();
    qemu_device_del(1);
    acpi_events_poll();
    CHECK_EQ(memhp_request_eject(1), 1);
    memhp_poll();
    CHECK_EQ(deleted_count(1), 2);
    /* A late request for the ejected device is ignored. */
    CHECK_EQ(memhp_request_eject(1), 0);
    uint64_t absent0 = memhp_counters.eject_absent;
    memhp_poll();
    CHECK_EQ(memhp_counters.eject_absent, absent0 + 1);
    CHECK_EQ(deleted_count(1), 2);
    CHECK_EQ(memhp_request_eject(99), -1);

    /* An eject arriving while a hot-add is pending waits its turn: add slot 2, then before the
     * driver runs, device_del slot 0. Slot 2's device check is processed (and _OST'd) first. */
    unsigned o0 = nost;
    qemu_device_add(2, 0x108200000ull, 256 * MiB, 0);
    acpi_events_poll();
    qemu_device_del(0);
    acpi_events_poll();
    memhp_poll();
    int add_at = -1, ej_at = -1;
    for (unsigned i = o0; i < nost; i++) {
        if (osts[i].slot == 2 && osts[i].event == 1 && add_at < 0)
            add_at = (int)i;
        if (osts[i].slot == 0 && osts[i].event == 3 && ej_at < 0)
            ej_at = (int)i;
    }
    CHECK(add_at >= 0 && ej_at > add_at);
    CHECK_EQ(memhp_by_slot(2)->state, MEMDEV_ONLINE);
    CHECK_EQ(memhp_by_slot(0)->state, MEMDEV_ABSENT);
    CHECK_EQ(deleted_count(0), 1);
    CHECK_EQ(mm_verify(), 0);
}

static void test_movable_fill(void)
{
    /* Fill most of slot 2 with movable objects (movable allocations prefer hot-added memory),
     * eject it: everything migrates to boot RAM, intact. */
    uint32_t ids[8];
    for (int i = 0; i < 8; i++)
        CHECK_EQ(mm_obj_create(16 * MiB, true, -1, &ids[i]), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    unsigned o0 = nost;
    qemu_device_del(2);
    loop();
    CHECK(ost_seen(o0, 2, 3, MEMDEV_OST_SUCCESS));
    CHECK_EQ(memhp_by_slot(2)->state, MEMDEV_ABSENT);
    /* every object page was in slot 2 and moved (so the eject really migrated something) */
    CHECK_EQ(memhp_by_slot(2)->last_rep.pages_migrated, 8 * 16 * MiB / PAGE_SIZE);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_obj_drop_all();
}

static void test_shell_eject(void)
{
    qemu_device_add(3, 0x108200000ull, 64 * MiB, 0);
    loop();
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ONLINE);
    uint64_t on0 = online_pages();
    CHECK_EQ(memhp_request_eject(3), 0);
    CHECK_EQ(memhp_poll(), 1);
    CHECK_EQ(deleted_count(3), 1);
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ABSENT);
    CHECK_EQ(online_pages(), on0 - 64 * MiB / PAGE_SIZE);
    CHECK_EQ(mm_verify(), 0);
}

static void test_unmovable_nowhere(void)
{
    /* Movable data with nowhere to go: fill boot RAM's free memory so migration fails; the eject
     * ends with a failure _OST in bounded time and the data stays intact. */
    qemu_device_add(3, 0x108200000ull, 64 * MiB, 0);
    loop();
    uint32_t id;
    CHECK_EQ(mm_obj_create(48 * MiB, true, -1, &id), 0);
    /* eat every free page outside slot 3 */
    uint64_t *eaten = malloc(sizeof(uint64_t) * 300000);
    unsigned ne = 0;
    uint64_t pa;
    while (ne < 300000 && (pa = mm_alloc_pages(0, 0)) != 0)
        eaten[ne++] = pa;
    unsigned o0 = nost;
    qemu_device_del(3);
    loop();
    CHECK(ost_seen(o0, 3, 3, MEMDEV_OST_EJECT_BUSY));
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ONLINE);
    CHECK(slots[3].enabled);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    for (unsigned i = 0; i < ne; i++)
        mm_free_pages(eaten[i], 0);
    free(eaten);
    mm_obj_drop_all();
    o0 = nost;
    qemu_device_del(3);
    loop();
    CHECK(ost_seen(o0, 3, 3, MEMDEV_OST_SUCCESS));
    CHECK_EQ(mm_verify(), 0);
}

/* The event path may use the zones' minimum, as in the kernel, where the AML interpreter's memory
 * comes from kmalloc: with every page above the minimum taken and every slab full, an eject
 * request (GPE method, Notify, _STA, _OST 0x84, the offline refused for lack of room, _OST busy)
 * still runs and QEMU hears its outcome. */
static void *heap_alloc(size_t size)
{
    return kmalloc(size);
}

static void test_event_path_uses_minimum(void)
{
    qemu_device_add(3, 0x108200000ull, 64 * MiB, 0);
    loop();
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ONLINE);
    uint32_t id;
    CHECK_EQ(mm_obj_create(48 * MiB, true, -1, &id), 0);
    plat_host_alloc_hook = heap_alloc;
    plat_host_free_hook = kfree;
    static uint64_t eaten[300000];
    static void *objs[16][4096];
    unsigned ne = 0, nobj[16] = {0};
    uint64_t pa;
    while (ne < 300000 && (pa = mm_alloc_pages(0, 0)) != 0)
        eaten[ne++] = pa;
    for (unsigned c = 0; c < 16; c++) /* fill every slab of every size class */
        while (nobj[c] < 4096 && (objs[c][nobj[c]] = kmalloc(16u << (c % 7))) != NULL)
            nobj[c]++;
    CHECK(mm_alloc_pages(0, 0) == 0 && kmalloc(32) == NULL);
    unsigned o0 = nost;
    qemu_device_del(3);
    loop();
    CHECK(ost_seen(o0, 3, 3, MEMDEV_OST_EJECT_IN_PROGRESS));
    CHECK(ost_seen(o0, 3, 3, MEMDEV_OST_EJECT_BUSY));
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ONLINE);
    plat_host_alloc_hook = NULL; /* the free hook stays: AML memory from kmalloc goes back there */
    for (unsigned c = 0; c < 16; c++)
        while (nobj[c])
            kfree(objs[c][--nobj[c]]);
    while (ne)
        mm_free_pages(eaten[--ne], 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    mm_obj_drop_all();
    o0 = nost;
    qemu_device_del(3);
    loop();
    CHECK(ost_seen(o0, 3, 3, MEMDEV_OST_SUCCESS));
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ABSENT);
    CHECK_EQ(mm_verify(), 0);
}

/* A device_add of a range that is not ours is refused before anything is mapped: a log line,
 * _OST(device check, failure), the device FAILED, no memory added, the memory map unchanged. */
static void refused(unsigned slot, uint64_t base, uint64_t size, const char *why, const char *logged)
{
    uint64_t on0 = online_pages(), ref0 = memhp_counters.crs_refused, maps0 = plat_host_map_calls;
    unsigned o0 = nost, nmap0 = memmap_boot.n;
    plat_host_log_clear();
    plat_host_log_record = true;
    qemu_device_add(slot, base, size, 0);
    loop();
    plat_host_log_record = false;
    printf("refused (%s): ", why);
    fflush(stdout);
    /* the log names the range and the reason it was refused for (not just any reason) */
    char line[200];
    snprintf(line, sizeof line, "slot %u: _CRS range 0x%llx-0x%llx refused: %s", slot,
             (unsigned long long)base, (unsigned long long)(base + size), logged);
    CHECK(strstr(plat_host_log_text, line) != NULL);
    if (!strstr(plat_host_log_text, line))
        fprintf(stderr, "expected \"%s\" in the log:\n%s", line, plat_host_log_text);
    CHECK_EQ(memhp_counters.crs_refused, ref0 + 1);
    CHECK(ost_seen(o0, slot, 1, MEMDEV_OST_FAILURE));
    CHECK(!ost_seen(o0, slot, 1, MEMDEV_OST_SUCCESS));
    CHECK_EQ(memhp_by_slot(slot)->state, MEMDEV_FAILED);
    CHECK_EQ(online_pages(), on0);
    CHECK_EQ(plat_host_map_calls, maps0);
    CHECK_EQ(memmap_boot.n, nmap0);
    CHECK_EQ(mm_verify(), 0);
    slots[slot] = (struct fake_mhpc_slot){0};
    qemu_device_del(slot); /* QEMU would not let it go; the driver finds it absent and forgets it */
    loop();
    slots[slot].removing = false;
    CHECK_EQ(memhp_by_slot(slot)->state, MEMDEV_ABSENT);
    printf("ok\n");
}

/* Every kind of range a _CRS must not name. */
static void test_bad_ranges(void)
{
    plat_host_map_fail_at = -1;
    plat_host_map_calls = 0;
    refused(3, 0x0e000000ull, 64 * MiB, "over boot RAM", "overlaps the memory map's ram range");
    static const struct {
        uint32_t type;
        const char *why, *logged;
    } other[] = {
        {MEMMAP_RESERVED, "over a reserved range", "overlaps the memory map's reserved range"},
        {MEMMAP_ACPI_RECLAIM, "over ACPI tables", "overlaps the memory map's acpi-reclaim range"},
        {MEMMAP_ACPI_NVS, "over ACPI NVS", "overlaps the memory map's acpi-nvs range"},
        {MEMMAP_PMEM, "over persistent memory", "overlaps the memory map's pmem range"},
    };
    for (unsigned i = 0; i < sizeof other / sizeof other[0]; i++) {
        memmap_add(&memmap_boot, 0x140000000ull + 64 * MiB, 2 * MiB, other[i].type, MEMMAP_SRC_E820);
        refused(3, 0x140000000ull, 128 * MiB, other[i].why, other[i].logged);
        memmap_remove(&memmap_boot, 0x140000000ull + 64 * MiB, 2 * MiB);
    }
    qemu_device_add(2, 0x1d0000000ull, 64 * MiB, 0);
    loop();
    CHECK_EQ(memhp_by_slot(2)->state, MEMDEV_ONLINE);
    memmap_remove(&memmap_boot, 0x1d0000000ull, 64 * MiB); /* so that only the device check sees it */
    refused(3, 0x1d0000000ull + 32 * MiB, 128 * MiB, "over slot 2's DIMM",
            "overlaps another memory device's range");
    memmap_add(&memmap_boot, 0x1d0000000ull, 64 * MiB, MEMMAP_RAM, MEMMAP_SRC_ACPI);
    qemu_device_del(2);
    loop();
    CHECK_EQ(memhp_by_slot(2)->state, MEMDEV_ABSENT);
    refused(3, 0xfe000000ull, 32 * MiB, "over the default LAPIC and I/O APIC", "overlaps the local APIC");
    refused(3, 0xfec00000ull, 2 * MiB, "over the default I/O APIC alone", "overlaps an I/O APIC");
    acpi_madt_info = (struct acpi_madt){.valid = true, .lapic_addr = 0x180000000ull, .nioapics = 1};
    acpi_madt_info.ioapic[0].address = 0xd0000000u;
    refused(3, 0x180000000ull, 2 * MiB, "over the MADT's LAPIC", "overlaps the local APIC");
    refused(3, 0xcfe00000ull, 4 * MiB, "over the MADT's I/O APIC", "overlaps an I/O APIC");
    acpi_hpet_info = (struct acpi_hpet){.valid = true, .base = {.address = 0x1a0000000ull}};
    refused(3, 0x1a0000000ull, 2 * MiB, "over the HPET", "overlaps the HPET");
    acpi_mcfg_info = (struct acpi_mcfg){.valid = true, .n = 1};
    acpi_mcfg_info.seg[0] = (struct acpi_mcfg_seg){0x1b0000000ull, 0, 0, 255};
    refused(3, 0x1bfe00000ull, 2 * MiB, "over PCI ECAM", "overlaps PCI ECAM (MCFG)");
    /* a segment whose buses start at 16: its window starts 16 MiB above the MCFG's base (the base
     * address is bus 0's), so the 16 MiB below that are not ECAM */
    acpi_mcfg_info.seg[0] = (struct acpi_mcfg_seg){0x1b0000000ull, 0, 16, 31};
    refused(3, 0x1b1000000ull, 2 * MiB, "over PCI ECAM of buses 16-31", "overlaps PCI ECAM (MCFG)");
    for (uint64_t base = 0x1b0000000ull; base <= 0x1b2000000ull; base += 32 * MiB) { /* below, above it */
        qemu_device_add(3, base, 16 * MiB, 0);
        loop();
        CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ONLINE);
        qemu_device_del(3);
        loop();
        CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ABSENT);
    }
    refused(3, MAX_PHYS_ADDR - 2 * MiB, 4 * MiB, "beyond the address width",
            "beyond the physical address width");
    plat_host_phys_bits = 32; /* a CPU that addresses 4 GiB: a DIMM above it cannot be mapped */
    refused(3, 0x1c0000000ull, 64 * MiB, "beyond the CPU's address width",
            "beyond the physical address width");
    plat_host_phys_bits = MAX_PHYS_BITS;
    acpi_srat_info = (struct acpi_srat){.valid = true, .nmem = 2};
    acpi_srat_info.mem[0] = (struct acpi_srat_mem){0, 0, 256 * MiB, ACPI_SRAT_MEM_ENABLED};
    acpi_srat_info.mem[1] = (struct acpi_srat_mem){0, 0x100000000ull, 4 * GiB, 3};
    refused(3, 0x200000000ull - 2 * MiB, 4 * MiB, "outside the SRAT's hot-pluggable window",
            "outside every hot-pluggable SRAT memory range");
    /* inside the window, clear of everything: added */
    uint64_t maps_before_ok = plat_host_map_calls;
    qemu_device_add(3, 0x1c0000000ull, 64 * MiB, 0);
    loop();
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ONLINE);
    CHECK(plat_host_map_calls > maps_before_ok);
    qemu_device_del(3);
    loop();
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ABSENT);
    acpi_srat_info = (struct acpi_srat){0};
    acpi_madt_info = (struct acpi_madt){0};
    acpi_hpet_info = (struct acpi_hpet){0};
    acpi_mcfg_info = (struct acpi_mcfg){0};
}

/* _PXM is a proximity domain, mapped to a node through the SRAT: a domain the SRAT declares is
 * that node; one it does not know gives the node of the SRAT range holding the DIMM. */
static void test_pxm(void)
{
    acpi_srat_info = (struct acpi_srat){.valid = true, .nmem = 2};
    acpi_srat_info.mem[0] = (struct acpi_srat_mem){0, 0, 256 * MiB, ACPI_SRAT_MEM_ENABLED};
    acpi_srat_info.mem[1] = (struct acpi_srat_mem){1, 0x100000000ull, 4 * GiB, 3};
    CHECK_EQ(memhp_pxm_to_node(1), 1);
    CHECK_EQ(memhp_pxm_to_node(0), 0);
    CHECK_EQ(memhp_pxm_to_node(3), -1);
    /* a domain that only a processor entry declares (a node with CPUs and no boot memory) */
    acpi_srat_info.ncpu = 1;
    acpi_srat_info.cpu[0] = (struct acpi_srat_cpu){.node = 3, .apic_id = 1, .flags = 1};
    CHECK_EQ(memhp_pxm_to_node(3), 2); /* domains 0, 1, 3: nodes 0, 1, 2 */
    acpi_srat_info.cpu[0].flags = 0;   /* disabled: not a domain */
    CHECK_EQ(memhp_pxm_to_node(3), -1);
    acpi_srat_info.ncpu = 0;
    qemu_device_add(3, 0x1c0000000ull, 64 * MiB, 3); /* _PXM 3: no such domain */
    loop();
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ONLINE);
    CHECK_EQ(memhp_by_slot(3)->pxm, 1); /* the SRAT's node for 0x1c0000000 */
    qemu_device_del(3);
    loop();
    CHECK_EQ(memhp_by_slot(3)->state, MEMDEV_ABSENT);
    acpi_srat_info.mem[1].node = 20;
    qemu_device_add(3, 0x1c0000000ull, 64 * MiB, 20); /* _PXM 20: declared by the SRAT, node 1 */
    loop();
    CHECK_EQ(memhp_by_slot(3)->pxm, 1);
    qemu_device_del(3);
    loop();
    acpi_srat_info = (struct acpi_srat){0};
    CHECK_EQ(memhp_pxm_to_node(5), 0); /* no SRAT: one node */
}

int main(int argc, char **argv)
{
    size_t len = 0;
    uint8_t *dsdt = load_dsdt(argc, argv, &len);
    CHECK(dsdt != NULL);
    if (!dsdt)
        CHECK_SUMMARY();
    test_crs_parse();

    plat_host_add_ram(0, 512 * MiB);
    plat_host_add_ram(0x100000000ull, 4 * GiB);
    plat_host_set_io(io_rd, io_wr);
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 256 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_reserve(0, 1 * MiB, MM_OWN_FIRMWARE), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    mm_set_offline_timeout_ms(50);
    memmap_init(&memmap_boot);
    memmap_add(&memmap_boot, 0, 256 * MiB, MEMMAP_RAM, MEMMAP_SRC_E820);

    int r = aml_load_table(dsdt, len);
    CHECK_EQ(r, 0);
    CHECK_EQ(aml_load_errors(), 0);

    test_boot_enumeration();
    test_hot_add();
    test_eject_idle();
    test_eject_pinned();
    test_duplicates_and_order();
    test_movable_fill();
    test_shell_eject();
    test_unmovable_nowhere();
    test_event_path_uses_minimum();
    test_bad_ranges();
    test_pxm();

    memhp_dump();
    memhp_dump_counters();
    acpi_events_dump();
    printf("accesses to other ports: %d\n", bad_io);
    memhp_reset();
    acpi_events_reset();
    aml_reset();
    free(dsdt);
    CHECK_SUMMARY();
}
