/* memhp.c - the PNP0C80 memory device driver (see memhp.h). */
#include <string.h>

#include "drivers/acpi/aml/aml.h"
#include "drivers/acpi/memhp.h"
#include "drivers/acpi/srat_numa.h"
#include "hotmem/bytes.h"
#include "hotmem/trace.h"
#include "mm/memmap.h"
#include "mm/mm.h"
#include "platform.h"

#define TAG "memhp"

enum req_kind { REQ_CHECK, REQ_EJECT };
struct req {
    uint16_t dev;
    uint8_t kind;
    uint8_t from_shell;
};

static struct memdev *devs[MEMDEV_MAX];
static unsigned ndevs;
static struct req queue[MEMDEV_QUEUE];
static unsigned q_head, q_len;
static bool busy, handler_registered;
struct memhp_counters memhp_counters;

const char *memhp_state_name(enum memhp_state st)
{
    switch (st) {
    case MEMDEV_ABSENT:
        return "absent";
    case MEMDEV_ONLINE:
        return "online";
    case MEMDEV_FAILED:
        return "failed";
    case MEMDEV_EJECTING:
        return "ejecting";
    case MEMDEV_PARTIAL:
        return "partial";
    }
    return "?";
}

/* Parse a resource template into memory ranges. */
int memhp_parse_crs(const uint8_t *buf, uint32_t len, struct memhp_range *out, unsigned max)
{
    unsigned n = 0;
    uint32_t i = 0;
    if (!buf)
        return -1;
    while (i < len) {
        uint8_t tag = buf[i];
        if (!(tag & 0x80)) { /* small descriptor: length in bits 0-2, name in bits 3-6 */
            uint32_t dlen = tag & 7;
            if ((uint64_t)i + 1 + dlen > len)
                return -1;
            if (((tag >> 3) & 0xf) == 0xf) /* end tag */
                return (int)n;
            i += 1 + dlen;
            continue;
        }
        if ((uint64_t)i + 3 > len)
            return -1;
        uint32_t dlen = (uint32_t)get_le(buf + i + 1, 2);
        if ((uint64_t)i + 3 + dlen > len)
            return -1;
        const uint8_t *d = buf + i + 3;
        uint64_t base = 0, size = 0;
        bool mem = false;
        switch (tag) {
        case 0x86: /* Memory32Fixed: info, base u32, length u32 */
            if (dlen < 9)
                return -1;
            base = get_le(d + 1, 4);
            size = get_le(d + 5, 4);
            mem = true;
            break;
        case 0x87: /* DWord address space: type, flags, tflags, gran, min, max, tra, len (u32) */
            if (dlen < 23)
                return -1;
            mem = d[0] == 0;
            base = get_le(d + 7, 4);
            size = get_le(d + 19, 4);
            break;
        case 0x8a: /* QWord address space: same with u64 fields */
            if (dlen < 43)
                return -1;
            mem = d[0] == 0;
            base = get_le(d + 11, 8);
            size = get_le(d + 35, 8);
            break;
        default: /* other large descriptors (Memory24, Memory32, IO, IRQ, vendor, ...) */
            break;
        }
        if (mem && size) {
            if (base + size < base)
                return -1;
            if (n < max)
                out[n] = (struct memhp_range){base, size};
            n++;
        }
        i += 3 + dlen;
    }
    return (int)n; /* no end tag: accept what was read */
}

/* Evaluate an integer method of dev; -1 on failure (logged at debug). */
static int eval_int(struct memdev *d, const char *name, uint64_t *out)
{
    int r = aml_eval_int(d->node, name, out);
    if (r < 0) {
        memhp_counters.aml_errors++;
        plat_log(LOG_WARN, TAG, "%s.%s failed: %s (%s)", d->path, name, aml_strerror(r), aml_last_error());
        return -1;
    }
    return 0;
}

/* _OST(source, status, empty buffer). */
static void ost(struct memdev *d, unsigned source, unsigned status)
{
    if (!aml_find(d->node, "_OST"))
        return;
    plat_trace(TRACE_OST, d->slot, source, status);
    struct aml_obj *a[3] = {aml_obj_integer(source), aml_obj_integer(status), aml_obj_buffer("", 0)};
    if (!a[2])
        a[2] = aml_obj_integer(0);
    int r = (a[0] && a[1] && a[2]) ? aml_eval(d->node, "_OST", 3, a, NULL) : AML_ENOMEM;
    for (int i = 0; i < 3; i++)
        if (a[i])
            aml_obj_free(a[i]);
    if (r < 0) {
        memhp_counters.aml_errors++;
        plat_log(LOG_WARN, TAG, "%s._OST(%u, 0x%x) failed: %s (%s)", d->path, source, status, aml_strerror(r),
                 aml_last_error());
    }
}

/* Read _STA (present if the method is missing). */
static uint64_t read_sta(struct memdev *d)
{
    uint64_t sta = 0xf;
    if (aml_find(d->node, "_STA") && eval_int(d, "_STA", &sta) < 0)
        sta = 0;
    d->sta = sta;
    return sta;
}

/* Read _CRS into d->r. 0 or -1. */
static int read_crs(struct memdev *d)
{
    struct aml_obj *o = NULL;
    int r = aml_eval(d->node, "_CRS", 0, NULL, &o);
    if (r < 0 || !o || o->type != AML_BUFFER) {
        memhp_counters.crs_errors++;
        plat_log(LOG_ERR, TAG, "%s._CRS: %s", d->path, r < 0 ? aml_last_error() : "not a buffer");
        if (o)
            aml_obj_free(o);
        return -1;
    }
    struct memhp_range tmp[MEMDEV_MAX_RANGES];
    int n = memhp_parse_crs(o->u.buf.ptr, o->u.buf.len, tmp, MEMDEV_MAX_RANGES);
    aml_obj_free(o);
    if (n <= 0) {
        memhp_counters.crs_errors++;
        plat_log(LOG_ERR, TAG, "%s._CRS: %s", d->path,
                 n < 0 ? "malformed resource template" : "no memory range");
        return -1;
    }
    if (n > MEMDEV_MAX_RANGES) {
        plat_log(LOG_WARN, TAG, "%s._CRS: %d memory ranges, using the first %d", d->path, n,
                 MEMDEV_MAX_RANGES);
        n = MEMDEV_MAX_RANGES;
    }
    for (int i = 0; i < n; i++) {
        if ((tmp[i].base | tmp[i].size) & (SUBSECTION_SIZE - 1)) {
            memhp_counters.crs_errors++;
            plat_log(LOG_ERR, TAG, "%s._CRS: range 0x%llx+0x%llx not 2 MiB aligned", d->path,
                     (unsigned long long)tmp[i].base, (unsigned long long)tmp[i].size);
            return -1;
        }
    }
    for (int i = 0; i < n; i++)
        if (memhp_check_range(d, tmp[i].base, tmp[i].size) < 0)
            return -1;
    memcpy(d->r, tmp, sizeof(struct memhp_range) * (unsigned)n);
    d->nranges = (unsigned)n;
    return 0;
}

/* Rebuild the NUMA map after the memory map changed (numa `shell` and node lookups). */
static void refresh_numa(void)
{
    acpi_numa_build(&numa_boot, &acpi_srat_info, &memmap_boot);
}

/* Add and online a present device. 0 or -1 (state FAILED). */
static int add_device(struct memdev *d, bool boot)
{
    uint64_t pxm = 0;
    if (read_crs(d) < 0)
        goto fail;
    int nd = -1;
    if (aml_find(d->node, "_PXM") && eval_int(d, "_PXM", &pxm) == 0 && (nd = memhp_pxm_to_node(pxm)) < 0)
        plat_log(LOG_WARN, TAG,
                 "%s: _PXM %llu is not a proximity domain of the SRAT: node from the SRAT's ranges", d->path,
                 (unsigned long long)pxm);
    if (nd < 0) {
        refresh_numa(); /* the SRAT's node for the range (absent hotplug ranges included) */
        nd = numa_node_of(&numa_boot, d->r[0].base);
    }
    d->pxm = nd < 0 ? 0 : (unsigned)nd;
    for (unsigned i = 0; i < d->nranges; i++) {
        plat_trace(TRACE_HOTADD, d->r[i].base, d->r[i].size, d->pxm);
        int r = mm_add_memory(d->r[i].base, d->r[i].size, d->pxm);
        if (r < 0) {
            plat_log(LOG_ERR, TAG, "slot %u: mm_add_memory(0x%llx, 0x%llx, node %u) failed: %d", d->slot,
                     (unsigned long long)d->r[i].base, (unsigned long long)d->r[i].size, d->pxm, r);
            unsigned left = 0; /* undo the ranges already added; keep those that stay */
            for (unsigned k = 0; k < i; k++) {
                if (mm_offline_range(d->r[k].base, d->r[k].size, NULL) == 0 &&
                    mm_remove_memory(d->r[k].base, d->r[k].size) == 0) {
                    memmap_remove(&memmap_boot, d->r[k].base, d->r[k].size);
                    continue;
                }
                plat_log(LOG_ERR, TAG, "slot %u: cannot undo range 0x%llx-0x%llx: it stays online", d->slot,
                         (unsigned long long)d->r[k].base, (unsigned long long)(d->r[k].base + d->r[k].size));
                d->r[left++] = d->r[k];
            }
            d->nranges = left;
            if (left) {
                refresh_numa();
                d->state = MEMDEV_PARTIAL;
                memhp_counters.add_fails++;
                memhp_counters.partial++;
                return -1;
            }
            goto fail;
        }
        memmap_add(&memmap_boot, d->r[i].base, d->r[i].size, MEMMAP_RAM, MEMMAP_SRC_ACPI);
    }
    refresh_numa();
    d->state = MEMDEV_ONLINE;
    d->adds++;
    memhp_counters.adds++;
    for (unsigned i = 0; i < d->nranges; i++)
        plat_log(LOG_INFO, TAG, "slot %u online base=0x%llx size=0x%llx node=%u (%s)", d->slot,
                 (unsigned long long)d->r[i].base, (unsigned long long)d->r[i].size, d->pxm,
                 boot ? "boot" : "hot-add");
    return 0;
fail:
    d->state = MEMDEV_FAILED;
    d->nranges = 0;
    memhp_counters.add_fails++;
    return -1;
}

/* A device check: add the device if it became present. */
static void do_check(struct memdev *d, bool boot)
{
    uint64_t sta = read_sta(d);
    bool present = sta & 1;
    if (present && (d->state == MEMDEV_ABSENT || d->state == MEMDEV_FAILED)) {
        int r = add_device(d, boot);
        if (!boot)
            ost(d, 1, r == 0 ? MEMDEV_OST_SUCCESS : MEMDEV_OST_FAILURE);
    } else if (present && d->state == MEMDEV_PARTIAL) {
        plat_log(LOG_ERR, TAG, "slot %u: partly added (an undo failed): eject it before adding it again",
                 d->slot);
        if (!boot)
            ost(d, 1, MEMDEV_OST_FAILURE);
    } else if (!present && (d->state == MEMDEV_ONLINE || d->state == MEMDEV_PARTIAL)) {
        memhp_counters.surprise++;
        plat_log(LOG_ERR, TAG,
                 "slot %u: _STA 0x%llx says absent but its memory is online (surprise removal?)", d->slot,
                 (unsigned long long)sta);
    } else if (!present && d->state == MEMDEV_FAILED) {
        d->state = MEMDEV_ABSENT;
    }
}

/* Eject: offline every range, remove it, _OST and _EJ0; or _OST busy and stay online. */
static void do_eject(struct memdev *d, bool from_shell)
{
    const char *who = from_shell ? "shell" : "firmware";
    uint64_t sta = read_sta(d);
    if (!(sta & 1)) {
        memhp_counters.eject_absent++;
        plat_log(LOG_WARN, TAG, "slot %u: eject request (%s) for an absent device: ignored", d->slot, who);
        if (d->state == MEMDEV_FAILED)
            d->state = MEMDEV_ABSENT;
        return;
    }
    plat_log(LOG_INFO, TAG, "slot %u: eject request (%s)", d->slot, who);
    plat_trace(TRACE_EJECT_REQ, d->slot, d->nranges ? d->r[0].base : 0, d->nranges ? d->r[0].size : 0);
    d->ejects++;
    memhp_counters.ejects++;
    memset(&d->last_rep, 0, sizeof d->last_rep);
    d->last_err = 0;
    ost(d, MEMDEV_OST_EJECT, MEMDEV_OST_EJECT_IN_PROGRESS);
    enum memhp_state before = d->state;
    if (before == MEMDEV_ONLINE || before == MEMDEV_PARTIAL) {
        d->state = MEMDEV_EJECTING;
        mm_reserve_end(); /* the offline and its migration stay above the zones' minimum */
        unsigned i;
        int r = 0;
        for (i = 0; i < d->nranges; i++) {
            r = mm_offline_range(d->r[i].base, d->r[i].size, &d->last_rep);
            if (r < 0)
                break;
        }
        if (r == 0) {
            for (i = 0; i < d->nranges; i++) {
                r = mm_remove_memory(d->r[i].base, d->r[i].size);
                if (r < 0) {
                    plat_log(LOG_ERR, TAG, "slot %u: mm_remove_memory(0x%llx) failed: %d", d->slot,
                             (unsigned long long)d->r[i].base, r);
                    break;
                }
                memmap_remove(&memmap_boot, d->r[i].base, d->r[i].size);
            }
            if (r < 0) { /* cannot happen for offline ranges; keep the rest usable */
                unsigned left = 0;
                for (unsigned j = i; j < d->nranges; j++) {
                    mm_online_range(d->r[j].base, d->r[j].size);
                    d->r[left++] = d->r[j];
                }
                d->nranges = left;
            }
        } else {
            /* Ranges before i are offline: bring them back. mm rolled back range i itself. */
            while (i-- > 0)
                mm_online_range(d->r[i].base, d->r[i].size);
        }
        mm_reserve_begin();
        if (r < 0) {
            d->state = before;
            d->last_err = r;
            d->last_ost = MEMDEV_OST_EJECT_BUSY;
            d->eject_fails++;
            memhp_counters.eject_fails++;
            const struct mm_offline_report *rep = &d->last_rep;
            plat_log(LOG_WARN, TAG,
                     "slot %u: eject failed: offline error %d, blocked by pfn 0x%llx owner %s cookie 0x%x "
                     "(free %llu migrated %llu waited %llu pages, %llu ms): _OST busy, memory stays online",
                     d->slot, r, (unsigned long long)rep->block_pfn, rep->owner_name ? rep->owner_name : "?",
                     rep->block_cookie, (unsigned long long)rep->pages_free,
                     (unsigned long long)rep->pages_migrated, (unsigned long long)rep->pages_waited,
                     (unsigned long long)(rep->elapsed_ns / 1000000));
            ost(d, MEMDEV_OST_EJECT, MEMDEV_OST_EJECT_BUSY);
            return;
        }
        refresh_numa();
        plat_log(LOG_INFO, TAG,
                 "slot %u offline and removed (free %llu migrated %llu waited %llu pages, %llu ms)", d->slot,
                 (unsigned long long)d->last_rep.pages_free, (unsigned long long)d->last_rep.pages_migrated,
                 (unsigned long long)d->last_rep.pages_waited,
                 (unsigned long long)(d->last_rep.elapsed_ns / 1000000));
    }
    d->last_ost = MEMDEV_OST_SUCCESS;
    ost(d, MEMDEV_OST_EJECT, MEMDEV_OST_SUCCESS);
    plat_trace(TRACE_EJ0, d->slot, 0, 0);
    int r = aml_find(d->node, "_EJ0") ? aml_eval_args(d->node, "_EJ0", 1, (const uint64_t[]){1}, NULL)
                                      : AML_ENOENT;
    if (r < 0) {
        memhp_counters.aml_errors++;
        plat_log(LOG_ERR, TAG, "%s._EJ0 failed: %s (%s)", d->path, aml_strerror(r), aml_last_error());
    }
    sta = read_sta(d);
    d->state = (sta & 1) ? MEMDEV_FAILED : MEMDEV_ABSENT;
    if (sta & 1)
        plat_log(LOG_WARN, TAG, "slot %u: still present after _EJ0 (_STA 0x%llx)", d->slot,
                 (unsigned long long)sta);
    else
        plat_log(LOG_INFO, TAG, "slot %u ejected", d->slot);
    d->nranges = 0; /* nothing of it is in mm any more (ABSENT, or FAILED: removed from mm) */
}

/* Queue a request; dedupe against the same kind queued or running. 0, 1 (duplicate) or -1. */
static int enqueue(unsigned idx, enum req_kind kind, bool from_shell)
{
    struct memdev *d = devs[idx];
    bool *flag = kind == REQ_EJECT ? &d->eject_queued : &d->check_queued;
    if (*flag || (kind == REQ_EJECT && d->state == MEMDEV_EJECTING)) {
        memhp_counters.dup_requests++;
        plat_log(LOG_INFO, TAG, "slot %u: %s request already pending: handled once", d->slot,
                 kind == REQ_EJECT ? "eject" : "check");
        return 1;
    }
    if (q_len == MEMDEV_QUEUE) {
        memhp_counters.queue_full++;
        plat_log(LOG_ERR, TAG, "slot %u: request queue full: request dropped", d->slot);
        return -1;
    }
    queue[(q_head + q_len++) % MEMDEV_QUEUE] = (struct req){(uint16_t)idx, (uint8_t)kind, from_shell};
    *flag = true;
    return 0;
}

/* Notify handler: queue a check (0, 1) or an eject (3). */
static void on_notify(struct aml_node *node, uint32_t value, void *ctx)
{
    (void)ctx;
    unsigned i;
    for (i = 0; i < ndevs; i++)
        if (devs[i]->node == node)
            break;
    plat_trace(TRACE_NOTIFY, i == ndevs ? ~0ull : devs[i]->slot, value, 0);
    if (i == ndevs)
        return; /* not a memory device */
    memhp_counters.notifies++;
    if (value == 0 || value == 1)
        enqueue(i, REQ_CHECK, false);
    else if (value == 3)
        enqueue(i, REQ_EJECT, false);
    else {
        memhp_counters.notify_unknown++;
        plat_log(LOG_WARN, TAG, "slot %u: Notify 0x%x ignored", devs[i]->slot, value);
    }
}

/* Record one PNP0C80 device. */
static int enum_one(struct aml_node *node, void *ctx)
{
    (void)ctx;
    if (ndevs == MEMDEV_MAX) {
        plat_log(LOG_ERR, TAG, "more than %u memory devices: the rest ignored", MEMDEV_MAX);
        return 1;
    }
    struct memdev *d = plat_alloc(sizeof *d);
    if (!d) {
        plat_log(LOG_ERR, TAG, "out of memory enumerating memory devices");
        return 1;
    }
    memset(d, 0, sizeof *d);
    d->node = node;
    aml_node_path(node, d->path, sizeof d->path);
    uint64_t uid = ndevs;
    if (!aml_find(node, "_UID") || aml_eval_int(node, "_UID", &uid) < 0 || uid > 0xffff) {
        plat_log(LOG_WARN, TAG, "%s: no usable _UID: slot %u", d->path, ndevs);
        uid = ndevs;
    }
    d->slot = (unsigned)uid;
    d->state = MEMDEV_ABSENT;
    devs[ndevs++] = d;
    memhp_counters.devices++;
    return 0;
}

/* Enumerate, register, add present devices. */
int memhp_init(void)
{
    memhp_reset();
    aml_walk_hid("PNP0C80", enum_one, NULL);
    if (aml_register_notify(NULL, on_notify, NULL) == 0)
        handler_registered = true;
    else
        plat_log(LOG_ERR, TAG, "cannot register the Notify handler: %s", aml_last_error());
    busy = true;
    for (unsigned i = 0; i < ndevs; i++) {
        struct memdev *d = devs[i];
        do_check(d, true);
        if (d->sta & 1)
            memhp_counters.boot_present++;
    }
    busy = false;
    plat_log(LOG_INFO, TAG, "%u memory devices, %llu present at boot", ndevs,
             (unsigned long long)memhp_counters.boot_present);
    return (int)ndevs;
}

/* Forget devices and requests. */
void memhp_reset(void)
{
    if (handler_registered)
        aml_unregister_notify(NULL, on_notify);
    handler_registered = false;
    for (unsigned i = 0; i < ndevs; i++)
        plat_free(devs[i]);
    ndevs = 0;
    q_head = q_len = 0;
    busy = false;
    memset(&memhp_counters, 0, sizeof memhp_counters);
}

/* Process queued requests in order. */
int memhp_poll(void)
{
    if (busy)
        return 0;
    busy = true;
    mm_reserve_begin(); /* the event path may use the zones' minimum (docs/hotplug.md) */
    int n = 0;
    while (q_len) {
        struct req rq = queue[q_head];
        q_head = (q_head + 1) % MEMDEV_QUEUE;
        q_len--;
        struct memdev *d = devs[rq.dev];
        /* Cleared before running: a new request arriving while it runs is deduped through the
         * EJECTING state (eject) or queued again (a check, which is then re-evaluated). */
        if (rq.kind == REQ_EJECT) {
            d->eject_queued = false;
            do_eject(d, rq.from_shell);
        } else {
            d->check_queued = false;
            do_check(d, false);
        }
        n++;
    }
    mm_reserve_end();
    busy = false;
    return n;
}

/* Index of the device in slot, or -1. */
static int find_slot(unsigned slot)
{
    for (unsigned i = 0; i < ndevs; i++)
        if (devs[i]->slot == slot)
            return (int)i;
    return -1;
}

int memhp_request_eject(unsigned slot)
{
    int i = find_slot(slot);
    return i < 0 ? -1 : enqueue((unsigned)i, REQ_EJECT, true);
}

int memhp_request_check(unsigned slot)
{
    int i = find_slot(slot);
    return i < 0 ? -1 : enqueue((unsigned)i, REQ_CHECK, true);
}

unsigned memhp_count(void)
{
    return ndevs;
}

const struct memdev *memhp_get(unsigned i)
{
    return i < ndevs ? devs[i] : NULL;
}

const struct memdev *memhp_by_slot(unsigned slot)
{
    int i = find_slot(slot);
    return i < 0 ? NULL : devs[i];
}

/* `dimms`: one line per device. */
void memhp_dump(void)
{
    for (unsigned i = 0; i < ndevs; i++) {
        const struct memdev *d = devs[i];
        uint64_t base = d->nranges ? d->r[0].base : 0, size = 0;
        for (unsigned k = 0; k < d->nranges; k++)
            size += d->r[k].size;
        plat_printf(
            "slot=%u sta=0x%llx base=0x%llx size=0x%llx node=%u state=%s ejects=%llu eject_fails=%llu "
            "path=%s%s%s\n",
            d->slot, (unsigned long long)d->sta, (unsigned long long)base, (unsigned long long)size, d->pxm,
            memhp_state_name(d->state), (unsigned long long)d->ejects, (unsigned long long)d->eject_fails,
            d->path, d->last_rep.err ? " blocker=" : "", d->last_rep.err ? d->last_rep.owner_name : "");
    }
}

/* The driver's counters as key=value. */
void memhp_dump_counters(void)
{
    const struct memhp_counters *c = &memhp_counters;
    plat_printf("memhp_devices=%llu memhp_boot_present=%llu memhp_adds=%llu memhp_add_fails=%llu\n",
                (unsigned long long)c->devices, (unsigned long long)c->boot_present,
                (unsigned long long)c->adds, (unsigned long long)c->add_fails);
    plat_printf("memhp_ejects=%llu memhp_eject_fails=%llu memhp_eject_absent=%llu memhp_dup_requests=%llu "
                "memhp_queue_full=%llu\n",
                (unsigned long long)c->ejects, (unsigned long long)c->eject_fails,
                (unsigned long long)c->eject_absent, (unsigned long long)c->dup_requests,
                (unsigned long long)c->queue_full);
    plat_printf("memhp_notifies=%llu memhp_notify_unknown=%llu memhp_surprise=%llu memhp_crs_errors=%llu "
                "memhp_crs_refused=%llu memhp_aml_errors=%llu\n",
                (unsigned long long)c->notifies, (unsigned long long)c->notify_unknown,
                (unsigned long long)c->surprise, (unsigned long long)c->crs_errors,
                (unsigned long long)c->crs_refused, (unsigned long long)c->aml_errors);
}
