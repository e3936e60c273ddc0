/* test_events.c - GPE/PM1/SCI handling of drivers/acpi/events.c against a fake register file:
 * block discovery, enable of GPEs with methods, edge (status cleared before the method) versus
 * level (after), reruns while a method notifies (bounded), SCI masking, counters, errors. */
#include <stdlib.h>
#include <string.h>

#include "drivers/acpi/aml/aml.h"
#include "drivers/acpi/events.h"
#include "tests/host/check.h"
#include "tests/host/plat_host.h"

/* ASL compiled once with iasl 2022 (`iasl ev.asl`), kept here so the test needs no iasl:
 *   Device (\_SB.DEV0) { Name (_HID, "HOTM0001") }
 *   OperationRegion (TREG, SystemIO, 0x0700, 0x10)
 *   Field (TREG, ByteAcc, NoLock, Preserve) { MARK, 8, Offset (0x04), CNT, 8 }
 *   Scope (\_GPE) {
 *     Method (_E04) { MARK = 0x04 }          Method (_L05) { MARK = 0x05 }
 *     Method (_E06) { If (CNT != Zero) { Notify (\_SB.DEV0, One) } }
 *     Method (_L11) { MARK = 0x11 }          Method (_E07) { Local0 = 1 / MARK }
 *   } */
static const unsigned char ev_aml[] = {
    0x44, 0x53, 0x44, 0x54, 0xbc, 0x00, 0x00, 0x00, 0x02, 0xf0, 0x48, 0x4f, 0x54, 0x4d, 0x45, 0x4d,
    0x45, 0x56, 0x54, 0x45, 0x53, 0x54, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x49, 0x4e, 0x54, 0x4c,
    0x25, 0x09, 0x20, 0x20, 0x10, 0x1b, 0x5f, 0x53, 0x42, 0x5f, 0x5b, 0x82, 0x14, 0x44, 0x45, 0x56,
    0x30, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0d, 0x48, 0x4f, 0x54, 0x4d, 0x30, 0x30, 0x30, 0x31, 0x00,
    0x5b, 0x80, 0x54, 0x52, 0x45, 0x47, 0x01, 0x0b, 0x00, 0x07, 0x0a, 0x10, 0x5b, 0x81, 0x12, 0x54,
    0x52, 0x45, 0x47, 0x01, 0x4d, 0x41, 0x52, 0x4b, 0x08, 0x00, 0x18, 0x43, 0x4e, 0x54, 0x5f, 0x08,
    0x10, 0x4b, 0x05, 0x5f, 0x47, 0x50, 0x45, 0x14, 0x0d, 0x5f, 0x45, 0x30, 0x34, 0x00, 0x70, 0x0a,
    0x04, 0x4d, 0x41, 0x52, 0x4b, 0x14, 0x0d, 0x5f, 0x4c, 0x30, 0x35, 0x00, 0x70, 0x0a, 0x05, 0x4d,
    0x41, 0x52, 0x4b, 0x14, 0x1b, 0x5f, 0x45, 0x30, 0x36, 0x00, 0xa0, 0x14, 0x92, 0x93, 0x43, 0x4e,
    0x54, 0x5f, 0x00, 0x86, 0x5c, 0x2e, 0x5f, 0x53, 0x42, 0x5f, 0x44, 0x45, 0x56, 0x30, 0x01, 0x14,
    0x0d, 0x5f, 0x4c, 0x31, 0x31, 0x00, 0x70, 0x0a, 0x11, 0x4d, 0x41, 0x52, 0x4b, 0x14, 0x0e, 0x5f,
    0x45, 0x30, 0x37, 0x00, 0x78, 0x01, 0x4d, 0x41, 0x52, 0x4b, 0x00, 0x60};

/* The fake machine: GPE0 at 0x1000 (2 status + 2 enable bytes, GPEs 0-15), GPE1 at 0x1010
 * (GPEs 16-31), PM1a event at 0x1020 (16-bit status + enable), PM1a control at 0x1030, SMI_CMD
 * at 0x10b2; test port MARK at 0x700 (records writes and the GPE status seen then), CNT at 0x704
 * (reads count down). */
#define GPE0 0x1000
#define GPE1 0x1010
#define PM1A 0x1020
#define PM1CNT 0x1030
#define SMI 0x10b2
static uint8_t gpe_sts[4], gpe_en[4]; /* [0..1] GPE0, [2..3] GPE1 */
static uint16_t pm1_sts, pm1_en, pm1_cnt;
static int mark_writes, mark_last, mark_sts_bit_then;
static int mark_watch_gpe = -1;
static unsigned cnt_left;
static int smi_writes, smi_value;
static int masked_calls, unmasked_calls;
static bool sci_masked;
static int io_unknown;

static int gpe_idx(unsigned gpe)
{
    return gpe < 16 ? (int)(gpe / 8) : 2 + (int)((gpe - 16) / 8);
}

static bool gpe_sts_bit(unsigned gpe)
{
    return (gpe_sts[gpe_idx(gpe)] >> (gpe % 8)) & 1;
}

static uint32_t io_rd(uint16_t port, int width)
{
    (void)width;
    if (port >= GPE0 && port < GPE0 + 2)
        return gpe_sts[port - GPE0];
    if (port >= GPE0 + 2 && port < GPE0 + 4)
        return gpe_en[port - GPE0 - 2];
    if (port >= GPE1 && port < GPE1 + 2)
        return gpe_sts[2 + port - GPE1];
    if (port >= GPE1 + 2 && port < GPE1 + 4)
        return gpe_en[2 + port - GPE1 - 2];
    if (port == PM1A)
        return pm1_sts;
    if (port == PM1A + 2)
        return pm1_en;
    if (port == PM1CNT)
        return pm1_cnt;
    if (port == 0x700)
        return (uint32_t)mark_last;
    if (port == 0x704) {
        if (cnt_left)
            return cnt_left--;
        return 0;
    }
    io_unknown++;
    return 0xffffffffu;
}

static void io_wr(uint16_t port, int width, uint32_t v)
{
    (void)width;
    if (port >= GPE0 && port < GPE0 + 2)
        gpe_sts[port - GPE0] &= (uint8_t)~v;
    else if (port >= GPE0 + 2 && port < GPE0 + 4)
        gpe_en[port - GPE0 - 2] = (uint8_t)v;
    else if (port >= GPE1 && port < GPE1 + 2)
        gpe_sts[2 + port - GPE1] &= (uint8_t)~v;
    else if (port >= GPE1 + 2 && port < GPE1 + 4)
        gpe_en[2 + port - GPE1 - 2] = (uint8_t)v;
    else if (port == PM1A)
        pm1_sts &= (uint16_t)~v;
    else if (port == PM1A + 2)
        pm1_en = (uint16_t)v;
    else if (port == PM1CNT)
        pm1_cnt = (uint16_t)v;
    else if (port == SMI) {
        smi_writes++;
        smi_value = (int)v;
        pm1_cnt |= 1; /* firmware sets SCI_EN */
    } else if (port == 0x700) {
        mark_writes++;
        mark_last = (int)(v & 0xff);
        mark_sts_bit_then = mark_watch_gpe >= 0 ? gpe_sts_bit((unsigned)mark_watch_gpe) : -1;
    } else
        io_unknown++;
}

static void mask_hook(bool m)
{
    sci_masked = m;
    if (m)
        masked_calls++;
    else
        unmasked_calls++;
}

/* What the hardware does: set status; the SCI fires if enabled (the handler runs). */
static void raise_gpe(unsigned gpe)
{
    gpe_sts[gpe_idx(gpe)] |= (uint8_t)(1u << (gpe % 8));
    if ((gpe_en[gpe_idx(gpe)] >> (gpe % 8)) & 1)
        acpi_events_sci();
}

static struct acpi_fadt fadt(void)
{
    struct acpi_fadt f;
    memset(&f, 0, sizeof f);
    f.valid = true;
    f.revision = 3;
    f.sci_int = 9;
    f.smi_cmd = SMI;
    f.acpi_enable = 0xf1;
    f.pm1a_evt = (struct acpi_block){PM1A, ACPI_GAS_IO, 4};
    f.pm1a_cnt = (struct acpi_block){PM1CNT, ACPI_GAS_IO, 2};
    f.gpe0 = (struct acpi_block){GPE0, ACPI_GAS_IO, 4};
    f.gpe1 = (struct acpi_block){GPE1, ACPI_GAS_IO, 4};
    f.gpe1_base = 16;
    return f;
}

static void test_enable_acpi(void)
{
    struct acpi_fadt f = fadt();
    pm1_cnt = 0;
    CHECK_EQ(acpi_events_enable_acpi(&f), 0);
    CHECK_EQ(smi_writes, 1);
    CHECK_EQ(smi_value, 0xf1);
    /* Already enabled: nothing written. */
    CHECK_EQ(acpi_events_enable_acpi(&f), 0);
    CHECK_EQ(smi_writes, 1);
    /* No SMI_CMD (KVM without SMM): nothing to do. */
    f.smi_cmd = 0;
    pm1_cnt = 0;
    CHECK_EQ(acpi_events_enable_acpi(&f), 0);
    CHECK_EQ(smi_writes, 1);
}

static void test_init(void)
{
    struct acpi_fadt f = fadt();
    memset(gpe_sts, 0xff, sizeof gpe_sts);
    memset(gpe_en, 0xff, sizeof gpe_en); /* firmware left junk: must be cleared */
    pm1_sts = 0xffff;
    pm1_en = 0xffff;
    int n = acpi_events_init(&f, mask_hook);
    CHECK_EQ(n, 5); /* _E04 _L05 _E06 _E07 _L11 */
    CHECK_EQ(gpe_sts[0], 0);
    CHECK_EQ(gpe_sts[1], 0);
    CHECK_EQ(gpe_sts[2], 0);
    CHECK_EQ(pm1_sts, 0);
    CHECK_EQ(pm1_en, 0);
    CHECK_EQ(gpe_en[0], 0xf0); /* GPEs 4, 5, 6, 7 */
    CHECK_EQ(gpe_en[1], 0);
    CHECK_EQ(gpe_en[2], 0x02); /* GPE 17: bit 1 of GPE1's first byte */
    CHECK_EQ(gpe_en[3], 0);
    bool level = false;
    CHECK(acpi_events_gpe_enabled(4, &level) && !level);
    CHECK(acpi_events_gpe_enabled(5, &level) && level);
    CHECK(acpi_events_gpe_enabled(17, &level) && level);
    CHECK(!acpi_events_gpe_enabled(3, NULL));
    CHECK(!acpi_events_gpe_enabled(300, NULL));
    CHECK_EQ(acpi_events_poll(), 0); /* nothing pending */
}

static void test_edge_and_level(void)
{
    const struct acpi_event_counters *c = acpi_events_counters();
    uint64_t sci0 = c->sci;
    /* Edge: status cleared before the method runs. */
    mark_watch_gpe = 4;
    raise_gpe(4);
    CHECK_EQ(c->sci, sci0 + 1);
    CHECK(sci_masked);
    CHECK_EQ(acpi_events_poll(), 1);
    CHECK(!sci_masked);
    CHECK_EQ(mark_last, 4);
    CHECK_EQ(mark_sts_bit_then, 0);
    CHECK(!gpe_sts_bit(4));
    CHECK_EQ(c->gpe[4], 1);
    CHECK_EQ(gpe_en[0], 0xf0); /* re-enabled */
    /* Level: status still set while the method runs, cleared after. */
    mark_watch_gpe = 5;
    raise_gpe(5);
    CHECK_EQ(acpi_events_poll(), 1);
    CHECK_EQ(mark_last, 5);
    CHECK_EQ(mark_sts_bit_then, 1);
    CHECK(!gpe_sts_bit(5));
    CHECK_EQ(c->gpe[5], 1);
    /* GPE1 block, level GPE 17. */
    mark_watch_gpe = 17;
    raise_gpe(17);
    CHECK_EQ(acpi_events_poll(), 1);
    CHECK_EQ(mark_last, 0x11);
    CHECK_EQ(mark_sts_bit_then, 1);
    CHECK(!gpe_sts_bit(17));
    CHECK_EQ(gpe_en[2], 0x02);
    /* Two at once in one poll. */
    raise_gpe(4);
    raise_gpe(17);
    CHECK_EQ(acpi_events_poll(), 2);
    CHECK_EQ(c->gpe[4], 2);
    CHECK_EQ(c->gpe[17], 2);
    mark_watch_gpe = -1;
}

static void test_disabled_and_spurious(void)
{
    const struct acpi_event_counters *c = acpi_events_counters();
    /* A GPE without a method stays disabled: its status is ignored (no SCI from it). */
    raise_gpe(3);
    CHECK_EQ(acpi_events_poll(), 0);
    CHECK_EQ(c->gpe[3], 0);
    gpe_sts[0] = 0;
    /* An SCI with nothing set is counted as spurious and the line is unmasked again. */
    uint64_t sp = c->sci_spurious;
    acpi_events_sci();
    CHECK(sci_masked);
    CHECK_EQ(acpi_events_poll(), 0);
    CHECK_EQ(c->sci_spurious, sp + 1);
    CHECK(!sci_masked);
    /* PM1: an enabled status bit is cleared and counted; others left alone. */
    pm1_en = 0x0100; /* PWRBTN_EN, as firmware might set it */
    pm1_sts = 0x0101;
    CHECK_EQ(acpi_events_poll(), 1);
    CHECK_EQ(pm1_sts, 0x0001);
    CHECK_EQ(c->pm1[8], 1);
    pm1_en = 0;
}

static int notifies_seen;
static void on_notify(struct aml_node *node, uint32_t value, void *ctx)
{
    (void)node;
    (void)ctx;
    if (value == 1)
        notifies_seen++;
}

static void test_reruns(void)
{
    const struct acpi_event_counters *c = acpi_events_counters();
    CHECK_EQ(aml_register_notify(NULL, on_notify, NULL), 0);
    /* The method notifies three times (one per run), the fourth run is quiet. */
    cnt_left = 3;
    uint64_t runs = c->gpe_runs, reruns = c->gpe_reruns;
    raise_gpe(6);
    CHECK_EQ(acpi_events_poll(), 1);
    CHECK_EQ(notifies_seen, 3);
    CHECK_EQ(c->gpe_runs, runs + 4);
    CHECK_EQ(c->gpe_reruns, reruns + 3);
    CHECK_EQ(c->notify[1], 3);
    CHECK_EQ(c->gpe_pass_limit, 0);
    /* A method that always notifies stops after ACPI_GPE_MAX_PASSES runs. */
    cnt_left = 1000;
    runs = c->gpe_runs;
    raise_gpe(6);
    CHECK_EQ(acpi_events_poll(), 1);
    CHECK_EQ(c->gpe_runs, runs + ACPI_GPE_MAX_PASSES);
    CHECK_EQ(c->gpe_pass_limit, 1);
    cnt_left = 0;
    /* The boot scan runs every GPE method once (each with reruns). */
    runs = c->gpe_runs;
    cnt_left = 2;
    CHECK_EQ(acpi_events_boot_scan(), 0); /* _E07 divides by MARK = 5 (set by _L05 just before) */
    CHECK_EQ(c->gpe_runs, runs + 5 + 2);
    cnt_left = 0;
    aml_unregister_notify(NULL, on_notify);
}

static void test_method_error(void)
{
    const struct acpi_event_counters *c = acpi_events_counters();
    uint64_t err = c->gpe_errors;
    mark_last = 0;
    raise_gpe(7);
    CHECK_EQ(acpi_events_poll(), 1);
    CHECK_EQ(c->gpe_errors, err + 1);
    CHECK(!gpe_sts_bit(7));
    CHECK((gpe_en[0] >> 7) & 1); /* still enabled: the next event runs it again */
    CHECK(!sci_masked);
    /* The failed method is run again later (the device's event is still pending). */
    uint64_t runs = c->gpe_runs;
    CHECK_EQ(acpi_events_poll(), 0); /* not yet */
    CHECK_EQ(c->gpe_runs, runs);
    plat_host_time_offset_ns += ACPI_GPE_RETRY_NS;
    CHECK_EQ(acpi_events_poll(), 1); /* retried, fails again (MARK still 0) */
    CHECK_EQ(c->gpe_retries, 1);
    CHECK_EQ(c->gpe_errors, err + 2);
    plat_host_time_offset_ns += 2 * ACPI_GPE_RETRY_NS;
    mark_last = 1;
    CHECK_EQ(acpi_events_poll(), 1); /* retried, succeeds */
    CHECK_EQ(c->gpe_retries, 2);
    CHECK_EQ(c->gpe_errors, err + 2);
    plat_host_time_offset_ns += 10 * ACPI_GPE_RETRY_NS;
    CHECK_EQ(acpi_events_poll(), 0); /* no more retries */
    /* A method that keeps failing is given up after ACPI_GPE_MAX_RETRIES. */
    mark_last = 0;
    raise_gpe(7);
    acpi_events_poll();
    for (int i = 0; i < 10; i++) {
        plat_host_time_offset_ns += 100 * ACPI_GPE_RETRY_NS;
        acpi_events_poll();
    }
    CHECK_EQ(c->gpe_retries, 2 + ACPI_GPE_MAX_RETRIES);
    CHECK_EQ(acpi_events_run_gpe(7), -1);
    CHECK_EQ(acpi_events_run_gpe(3), -1);
    CHECK_EQ(acpi_events_run_gpe(4), 0);
}

static void test_bad_fadt(void)
{
    struct acpi_fadt f = fadt();
    f.gpe0.space_id = ACPI_GAS_MEMORY;                  /* unsupported: ignored, counted */
    f.gpe1 = (struct acpi_block){GPE0, ACPI_GAS_IO, 4}; /* fine on its own now */
    f.gpe1_base = 250;                                  /* 250 + 16 > 256 GPEs: refused */
    int n = acpi_events_init(&f, mask_hook);
    CHECK_EQ(n, 0);
    CHECK_EQ(acpi_events_counters()->errors, 2); /* the memory-space GPE0 and the GPE1 past 255 */
    f = fadt();
    f.gpe1_base = 8; /* overlaps GPE0's 0-15 */
    n = acpi_events_init(&f, mask_hook);
    CHECK_EQ(n, 4);
    CHECK_EQ(acpi_events_counters()->errors, 1);
    f.valid = false;
    CHECK_EQ(acpi_events_init(&f, mask_hook), -1);
    CHECK_EQ(acpi_events_init(NULL, NULL), -1);
    CHECK_EQ(acpi_events_poll(), 0);
    acpi_events_dump();
}

int main(void)
{
    plat_host_set_io(io_rd, io_wr);
    plat_host_fake_clock = true; /* GPE retries are due when the test moves time on, never by a stall */
    int r = aml_load_table(ev_aml, sizeof ev_aml);
    CHECK_EQ(r, 0);
    if (r < 0) {
        fprintf(stderr, "aml_load_table: %s\n", aml_last_error());
        CHECK_SUMMARY();
    }
    test_enable_acpi();
    test_init();
    test_edge_and_level();
    test_disabled_and_spurious();
    test_reruns();
    test_method_error();
    acpi_events_dump();
    test_bad_fadt();
    acpi_events_reset();
    aml_reset();
    CHECK_SUMMARY();
}
