/* events.c - PM1 and GPE events, the SCI, and the GPE methods run by acpi_events_poll on the
 * worker thread (see events.h). */
#include <stdio.h>
#include <string.h>

#include "drivers/acpi/aml/aml.h"
#include "drivers/acpi/events.h"
#include "hotmem/trace.h"
#include "mm/mm.h"
#include "platform.h"

#define GPE_BLOCK_MAX 128 /* bytes of one GPE block register half (ACPI: len/2 <= 128) */

/* One GPE block (GPE0 or GPE1): half = bytes of status (= bytes of enable). */
struct gpe_block {
    uint16_t port; /* status at port, enable at port + half */
    uint16_t half;
    unsigned base; /* GPE number of bit 0 */
};

/* Per-GPE state. method: has _Exx/_Lxx (then it is enabled). */
struct gpe_info {
    bool method;
    bool level;
    char path[12];     /* "\\_GPE._E03" */
    uint8_t retries;   /* failed runs of the current event so far */
    uint64_t retry_at; /* 0, or when to run the method again (plat_now_ns) */
};

static struct {
    bool inited;
    void (*sci_mask)(bool masked);
    struct gpe_block blk[2];
    unsigned nblk;
    uint16_t pm1_port[2], pm1_half[2]; /* PM1a/PM1b event: status, enable at +half */
    unsigned npm1;
    uint16_t pm1_en[2]; /* what we enabled (nothing, currently) */
    uint8_t en_shadow[ACPI_GPE_MAX / 8];
    struct gpe_info gpe[ACPI_GPE_MAX];
    volatile bool sci_pending;
    volatile bool sci_masked;
    bool busy;
    bool notify_registered;
    uint64_t notify_total; /* Notifies seen by the counter (for the rerun loop) */
} ev;

static struct acpi_event_counters cnt;

/* Count every Notify delivered (registered for all nodes). */
static void count_notify(struct aml_node *node, uint32_t value, void *ctx)
{
    (void)node;
    (void)ctx;
    ev.notify_total++;
    if (value < 256)
        cnt.notify[value]++;
    else
        cnt.notify_other++;
}

/* Forget everything (host tests). */
void acpi_events_reset(void)
{
    if (ev.notify_registered)
        aml_unregister_notify(NULL, count_notify);
    memset(&ev, 0, sizeof ev);
    memset(&cnt, 0, sizeof cnt);
}

/* Byte i of the status (enable = false) or enable half of the block holding gpe; -1 if none. */
static int gpe_reg(unsigned gpe, bool enable, unsigned *bit)
{
    for (unsigned b = 0; b < ev.nblk; b++) {
        const struct gpe_block *g = &ev.blk[b];
        if (gpe >= g->base && gpe < g->base + 8u * g->half) {
            unsigned off = (gpe - g->base) / 8;
            *bit = (gpe - g->base) % 8;
            return g->port + off + (enable ? g->half : 0);
        }
    }
    return -1;
}

/* Set gpe's enable bit to on (hardware and shadow). */
static void gpe_set_enable(unsigned gpe, bool on)
{
    unsigned bit;
    int port = gpe_reg(gpe, true, &bit);
    if (port < 0)
        return;
    if (on)
        ev.en_shadow[gpe / 8] |= (uint8_t)(1u << (gpe % 8));
    else
        ev.en_shadow[gpe / 8] &= (uint8_t) ~(1u << (gpe % 8));
    /* Rebuild the register byte from the shadow: a GPE block's bit b of byte k is GPE base+8k+b. */
    unsigned first = gpe - bit;
    uint8_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        if (first + i < ACPI_GPE_MAX && (ev.en_shadow[(first + i) / 8] >> ((first + i) % 8)) & 1)
            v |= (uint8_t)(1u << i);
    plat_io_write((uint16_t)port, 8, v);
}

/* Clear gpe's status bit (write 1 to clear). */
static void gpe_clear_status(unsigned gpe)
{
    unsigned bit;
    int port = gpe_reg(gpe, false, &bit);
    if (port >= 0)
        plat_io_write((uint16_t)port, 8, 1u << bit);
}

/* Check a FADT register block: SystemIO, below 64 KiB, even length. */
static bool block_ok(const char *name, const struct acpi_block *b)
{
    if (!b->address || !b->len)
        return false;
    if (b->space_id != ACPI_GAS_IO || b->address + b->len > 0x10000 || (b->len & 1)) {
        plat_log(LOG_ERR, "acpi-ev", "%s block at 0x%llx len %u space %u unsupported: ignored", name,
                 (unsigned long long)b->address, b->len, b->space_id);
        cnt.errors++;
        return false;
    }
    return true;
}

/* Enter ACPI mode through SMI_CMD when the FADT says so. */
int acpi_events_enable_acpi(const struct acpi_fadt *fadt)
{
    if (!fadt || !fadt->valid)
        return -1;
    if (!fadt->smi_cmd || !fadt->acpi_enable) {
        plat_log(LOG_INFO, "acpi-ev", "no SMI_CMD/ACPI_ENABLE: already in ACPI mode");
        return 0;
    }
    const struct acpi_block *cnt_blk = &fadt->pm1a_cnt;
    bool have_cnt = cnt_blk->address && cnt_blk->space_id == ACPI_GAS_IO && cnt_blk->address < 0x10000;
    if (have_cnt && (plat_io_read((uint16_t)cnt_blk->address, 16) & 1)) {
        plat_log(LOG_INFO, "acpi-ev", "SCI_EN already set: already in ACPI mode");
        return 0;
    }
    if (fadt->smi_cmd > 0xffff) {
        plat_log(LOG_ERR, "acpi-ev", "SMI_CMD 0x%x is not an I/O port", fadt->smi_cmd);
        cnt.errors++;
        return -1;
    }
    plat_io_write((uint16_t)fadt->smi_cmd, 8, fadt->acpi_enable);
    if (!have_cnt) {
        plat_log(LOG_WARN, "acpi-ev", "wrote ACPI_ENABLE 0x%x to SMI_CMD 0x%x; no PM1a_CNT to check",
                 fadt->acpi_enable, fadt->smi_cmd);
        return 0;
    }
    uint64_t t0 = plat_now_ns();
    while (!(plat_io_read((uint16_t)cnt_blk->address, 16) & 1)) {
        if (plat_now_ns() - t0 > ACPI_ENABLE_TIMEOUT_NS) {
            plat_log(LOG_ERR, "acpi-ev", "SCI_EN not set %llu ms after ACPI_ENABLE",
                     (unsigned long long)(ACPI_ENABLE_TIMEOUT_NS / 1000000));
            cnt.errors++;
            return -1;
        }
    }
    plat_log(LOG_INFO, "acpi-ev", "ACPI mode enabled through SMI_CMD 0x%x (value 0x%x) in %llu us",
             fadt->smi_cmd, fadt->acpi_enable, (unsigned long long)((plat_now_ns() - t0) / 1000));
    return 0;
}

/* Add a GPE block from the FADT. */
static void add_block(const char *name, const struct acpi_block *b, unsigned base)
{
    if (!block_ok(name, b))
        return;
    unsigned half = b->len / 2;
    if (half > GPE_BLOCK_MAX || base + 8u * half > ACPI_GPE_MAX) {
        plat_log(LOG_ERR, "acpi-ev", "%s block (base %u, %u bytes) exceeds %u GPEs: ignored", name, base,
                 b->len, ACPI_GPE_MAX);
        cnt.errors++;
        return;
    }
    for (unsigned i = 0; i < ev.nblk; i++) {
        const struct gpe_block *o = &ev.blk[i];
        if (base < o->base + 8u * o->half && o->base < base + 8u * half) {
            plat_log(LOG_ERR, "acpi-ev", "%s block GPEs %u-%u overlap another block: ignored", name, base,
                     base + 8 * half - 1);
            cnt.errors++;
            return;
        }
    }
    struct gpe_block *g = &ev.blk[ev.nblk++];
    g->port = (uint16_t)b->address;
    g->half = (uint16_t)half;
    g->base = base;
    /* Disable everything, then clear every status bit. */
    for (unsigned i = 0; i < half; i++) {
        plat_io_write((uint16_t)(g->port + half + i), 8, 0);
        plat_io_write((uint16_t)(g->port + i), 8, 0xff);
    }
    plat_log(LOG_INFO, "acpi-ev", "%s block at port 0x%x: %u status + %u enable bytes, GPEs %u-%u", name,
             g->port, half, half, base, base + 8 * half - 1);
}

/* Set up PM1 and GPE blocks and enable the GPEs that have methods. */
int acpi_events_init(const struct acpi_fadt *fadt, void (*sci_mask)(bool masked))
{
    if (ev.notify_registered)
        aml_unregister_notify(NULL, count_notify);
    uint64_t saved_sci = cnt.sci;
    memset(&ev, 0, sizeof ev);
    memset(&cnt, 0, sizeof cnt);
    cnt.sci = saved_sci;
    ev.sci_mask = sci_mask;
    if (!fadt || !fadt->valid) {
        plat_log(LOG_ERR, "acpi-ev", "no usable FADT: no ACPI events");
        cnt.errors++;
        return -1;
    }
    if (aml_register_notify(NULL, count_notify, NULL) == 0)
        ev.notify_registered = true;
    else
        plat_log(LOG_WARN, "acpi-ev", "cannot register the Notify counter: %s", aml_last_error());

    const struct acpi_block *pm1[2] = {&fadt->pm1a_evt, &fadt->pm1b_evt};
    for (int i = 0; i < 2; i++) {
        if (!block_ok(i ? "PM1b_EVT" : "PM1a_EVT", pm1[i]))
            continue;
        uint16_t port = (uint16_t)pm1[i]->address, half = pm1[i]->len / 2;
        if (half != 2) { /* 16-bit status and enable */
            plat_log(LOG_ERR, "acpi-ev", "PM1 event block length %u (expected 4): ignored", pm1[i]->len);
            cnt.errors++;
            continue;
        }
        ev.pm1_port[ev.npm1] = port;
        ev.pm1_half[ev.npm1] = half;
        ev.pm1_en[ev.npm1] = 0;
        plat_io_write((uint16_t)(port + half), 16, 0);
        plat_io_write(port, 16, 0xffff);
        ev.npm1++;
    }

    add_block("GPE0", &fadt->gpe0, 0);
    add_block("GPE1", &fadt->gpe1, fadt->gpe1_base);

    int enabled = 0;
    for (unsigned b = 0; b < ev.nblk; b++) {
        for (unsigned n = ev.blk[b].base; n < ev.blk[b].base + 8u * ev.blk[b].half; n++) {
            struct gpe_info *gi = &ev.gpe[n];
            char path[12];
            for (int lvl = 0; lvl < 2; lvl++) {
                snprintf(path, sizeof path, "\\_GPE._%c%02X", lvl ? 'L' : 'E', n & 0xffu);
                struct aml_node *node = aml_find(NULL, path);
                if (!node || aml_node_type(node) != AML_METHOD)
                    continue;
                if (gi->method) {
                    plat_log(LOG_WARN, "acpi-ev", "GPE %u has both _E%02X and _L%02X: using _E%02X", n, n, n,
                             n);
                    continue;
                }
                gi->method = true;
                gi->level = lvl;
                memcpy(gi->path, path, sizeof gi->path);
            }
            if (gi->method) {
                gpe_set_enable(n, true);
                enabled++;
                plat_log(LOG_INFO, "acpi-ev", "GPE %u enabled (%s, %s-triggered)", n, gi->path,
                         gi->level ? "level" : "edge");
            }
        }
    }
    ev.inited = true;
    return enabled;
}

/* SCI interrupt: mask the line, record. Interrupt context. */
void acpi_events_sci(void)
{
    cnt.sci++;
    plat_trace(TRACE_SCI, cnt.sci, 0, 0);
    ev.sci_pending = true;
    if (ev.sci_mask && !ev.sci_masked) {
        ev.sci_masked = true;
        ev.sci_mask(true);
    }
}

/* Run gpe's method, again while a run notified (bounded). 0 or -1. */
static int run_method(unsigned gpe)
{
    struct gpe_info *gi = &ev.gpe[gpe];
    for (unsigned pass = 0; pass < ACPI_GPE_MAX_PASSES; pass++) {
        uint64_t before = ev.notify_total;
        cnt.gpe_runs++;
        if (pass)
            cnt.gpe_reruns++;
        int r = aml_eval(NULL, gi->path, 0, NULL, NULL);
        /* aml_eval delivers notifies when it returns; deliver any left over anyway. */
        aml_deliver_notifies();
        if (r < 0) {
            cnt.gpe_errors++;
            plat_log(LOG_ERR, "acpi-ev", "%s failed: %s (%s)", gi->path, aml_strerror(r), aml_last_error());
            return -1;
        }
        if (ev.notify_total == before)
            return 0;
    }
    cnt.gpe_pass_limit++;
    plat_log(LOG_WARN, "acpi-ev", "%s still notifying after %u runs: stopped", gi->path, ACPI_GPE_MAX_PASSES);
    return 0;
}

/* After a failed run (e.g. the interpreter found no memory), run it again later: the event
 * (e.g. QEMU's remove flag) is still pending in the device, but its edge is gone. */
static void schedule_retry(unsigned gpe, int r)
{
    struct gpe_info *gi = &ev.gpe[gpe];
    if (r == 0) {
        gi->retries = 0;
        gi->retry_at = 0;
        return;
    }
    if (gi->retries >= ACPI_GPE_MAX_RETRIES) {
        plat_log(LOG_ERR, "acpi-ev", "%s failed %u times: giving up until the next event", gi->path,
                 gi->retries + 1);
        gi->retries = 0;
        gi->retry_at = 0;
        return;
    }
    gi->retry_at = plat_now_ns() + (ACPI_GPE_RETRY_NS << gi->retries);
    gi->retries++;
}

/* Handle one GPE whose status and enable bits are set. */
static void handle_gpe(unsigned gpe)
{
    struct gpe_info *gi = &ev.gpe[gpe];
    cnt.gpe[gpe]++;
    plat_trace(TRACE_GPE, gpe, gi->method, 0);
    if (!gi->method) { /* cannot happen unless firmware enabled it behind our back */
        cnt.gpe_no_method++;
        gpe_set_enable(gpe, false);
        gpe_clear_status(gpe);
        return;
    }
    gpe_set_enable(gpe, false);
    if (!gi->level)
        gpe_clear_status(gpe);
    gi->retries = 0;
    schedule_retry(gpe, run_method(gpe));
    if (gi->level)
        gpe_clear_status(gpe);
    gpe_set_enable(gpe, true);
}

/* Main-loop work: PM1 and GPE events, then unmask the SCI. */
int acpi_events_poll(void)
{
    if (!ev.inited || ev.busy)
        return 0;
    ev.busy = true;
    mm_reserve_begin(); /* the event path may use the zones' minimum (docs/hotplug.md) */
    unsigned long fl = plat_irq_save();
    bool pending = ev.sci_pending;
    ev.sci_pending = false;
    plat_irq_restore(fl);

    int handled = 0;
    for (unsigned i = 0; i < ev.npm1; i++) {
        uint16_t sts = (uint16_t)plat_io_read(ev.pm1_port[i], 16);
        uint16_t en = (uint16_t)plat_io_read((uint16_t)(ev.pm1_port[i] + ev.pm1_half[i]), 16);
        uint16_t s = sts & en;
        if (!s)
            continue;
        for (int b = 0; b < 16; b++)
            if (s & (1u << b))
                cnt.pm1[b]++;
        plat_io_write(ev.pm1_port[i], 16, s);
        handled++;
    }
    for (unsigned b = 0; b < ev.nblk; b++) {
        const struct gpe_block *g = &ev.blk[b];
        for (unsigned k = 0; k < g->half; k++) {
            uint8_t sts = (uint8_t)plat_io_read((uint16_t)(g->port + k), 8);
            uint8_t en = (uint8_t)plat_io_read((uint16_t)(g->port + g->half + k), 8);
            uint8_t s = sts & en;
            for (unsigned bit = 0; s && bit < 8; bit++) {
                if (!(s & (1u << bit)))
                    continue;
                handle_gpe(g->base + 8 * k + bit);
                handled++;
            }
        }
    }
    for (unsigned n = 0; n < ACPI_GPE_MAX; n++) {
        struct gpe_info *gi = &ev.gpe[n];
        if (gi->retry_at && plat_now_ns() >= gi->retry_at) {
            cnt.gpe_retries++;
            gi->retry_at = 0;
            schedule_retry(n, run_method(n));
            handled++;
        }
    }
    if (handled)
        cnt.polls++;
    else if (pending)
        cnt.sci_spurious++;

    fl = plat_irq_save();
    if (ev.sci_masked && ev.sci_mask) {
        ev.sci_masked = false;
        ev.sci_mask(false);
    }
    plat_irq_restore(fl);
    mm_reserve_end();
    ev.busy = false;
    return handled;
}

/* Run an enabled GPE's method (the boot scan, tests). */
int acpi_events_run_gpe(unsigned gpe)
{
    if (gpe >= ACPI_GPE_MAX || !ev.gpe[gpe].method)
        return -1;
    return run_method(gpe);
}

/* Run every enabled GPE's method once (with reruns). */
int acpi_events_boot_scan(void)
{
    int failed = 0;
    if (ev.busy)
        return 0;
    ev.busy = true;
    for (unsigned n = 0; n < ACPI_GPE_MAX; n++)
        if (ev.gpe[n].method && run_method(n) < 0)
            failed++;
    ev.busy = false;
    return failed;
}

bool acpi_events_gpe_enabled(unsigned gpe, bool *level)
{
    if (gpe >= ACPI_GPE_MAX || !ev.gpe[gpe].method)
        return false;
    if (level)
        *level = ev.gpe[gpe].level;
    return true;
}

const struct acpi_event_counters *acpi_events_counters(void)
{
    return &cnt;
}

/* Print the counters as key=value lines. */
void acpi_events_dump(void)
{
    plat_printf("sci=%llu sci_spurious=%llu polls=%llu\n", (unsigned long long)cnt.sci,
                (unsigned long long)cnt.sci_spurious, (unsigned long long)cnt.polls);
    plat_printf("gpe_runs=%llu gpe_reruns=%llu gpe_pass_limit=%llu gpe_no_method=%llu gpe_errors=%llu "
                "gpe_retries=%llu errors=%llu\n",
                (unsigned long long)cnt.gpe_runs, (unsigned long long)cnt.gpe_reruns,
                (unsigned long long)cnt.gpe_pass_limit, (unsigned long long)cnt.gpe_no_method,
                (unsigned long long)cnt.gpe_errors, (unsigned long long)cnt.gpe_retries,
                (unsigned long long)cnt.errors);
    for (unsigned n = 0; n < ACPI_GPE_MAX; n++)
        if (ev.gpe[n].method || cnt.gpe[n])
            plat_printf("gpe=%u method=%s enabled=%d count=%llu\n", n,
                        ev.gpe[n].method ? ev.gpe[n].path : "-", (ev.en_shadow[n / 8] >> (n % 8)) & 1,
                        (unsigned long long)cnt.gpe[n]);
    for (unsigned b = 0; b < 16; b++)
        if (cnt.pm1[b])
            plat_printf("pm1_bit=%u count=%llu\n", b, (unsigned long long)cnt.pm1[b]);
    for (unsigned v = 0; v < 256; v++)
        if (cnt.notify[v])
            plat_printf("notify=%u count=%llu\n", v, (unsigned long long)cnt.notify[v]);
    if (cnt.notify_other)
        plat_printf("notify=other count=%llu\n", (unsigned long long)cnt.notify_other);
}
