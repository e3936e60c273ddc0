/* virtio_mem_resize.c - follow requested_size: plug runs of units (lowest address first) and
 * online them as movable memory; unplug the cheapest units first (entirely free, then fewest
 * movable pages, never one with an unmovable page), each run offlined as one caged range so that
 * its pages never migrate into it. See virtio_mem.h for the unit state machine. */
#include <string.h>

#include "drivers/virtio/virtio_mem.h"
#include "hotmem/trace.h"
#include "mm/memmap.h"
#include "mm/mm.h"
#include "platform.h"

#define TAG "vmem"
#define U_UNPLUGGED 0
#define U_PLUGGED 1
#define U_CHOSEN 2 /* plugged, picked by the running unplug pass */

enum step { STEP_PROGRESS, STEP_AGAIN, STEP_STOP };

int vmem_request(struct vmem *m, unsigned type, uint64_t addr, uint64_t nb, uint16_t *state);
void vmem_read_config(struct vmem *m);
uint64_t vmem_free_pages(void);

/* Units one request may cover (nb_blocks is 16 bit; VMEM_MAX_RUN_BLOCKS bounds one request). */
static uint32_t max_run(const struct vmem *m)
{
    uint64_t blocks = VMEM_MAX_RUN_BLOCKS < 0xffff ? VMEM_MAX_RUN_BLOCKS : 0xffff;
    uint64_t n = blocks * m->block_size / m->unit;
    return n ? (uint32_t)n : 1;
}

static uint64_t uaddr(const struct vmem *m, uint32_t i)
{
    return m->base + (uint64_t)i * m->unit;
}

/* Record why the target cannot be reached now (logged when the reason changes). */
static enum step stop(struct vmem *m, int err, const char *why)
{
    bool same = m->state == VMEM_STUCK && m->last_why == why && m->last_err == err;
    m->last_err = err;
    m->last_why = why;
    if (m->state != VMEM_BROKEN)
        m->state = VMEM_STUCK;
    if (!same) {
        m->cnt.stuck++;
        if (m->block_pfn)
            plat_log(
                LOG_WARN, TAG,
                "resize stopped at 0x%llx (requested 0x%llx): %s (%d): frame 0x%llx owned by %s cookie 0x%x",
                (unsigned long long)m->plugged, (unsigned long long)m->requested, why, err,
                (unsigned long long)m->block_pfn, mm_owner_name(m->block_owner), m->block_cookie);
        else
            plat_log(LOG_WARN, TAG, "resize stopped at 0x%llx (requested 0x%llx): %s (%d)",
                     (unsigned long long)m->plugged, (unsigned long long)m->requested, why, err);
    }
    m->retry_at = plat_now_ns() + VMEM_RETRY_MS * 1000000ull;
    m->free_at_stuck = vmem_free_pages();
    return STEP_STOP;
}

/* Plug the lowest run of unplugged units inside the usable region, towards target. */
static enum step plug_step(struct vmem *m, uint64_t target)
{
    uint64_t usable_end = m->addr + m->usable;
    uint64_t need = (target - m->plugged) / m->unit;
    uint32_t i = 0, n = 0;
    while (i < m->nunits && m->ustate[i] != U_UNPLUGGED)
        i++;
    while (i + n < m->nunits && m->ustate[i + n] == U_UNPLUGGED && n < need && n < max_run(m) &&
           uaddr(m, i + n + 1) <= usable_end)
        n++;
    if (!n)
        return stop(m, MM_ENOMEM, "no unplugged block left in the usable region");
    uint64_t a = uaddr(m, i), len = (uint64_t)n * m->unit;
    int r = vmem_request(m, VMEM_PLUG, a, len / m->block_size, NULL);
    if (r == VMEM_NACK) { /* requested_size went down meanwhile: read it again */
        uint64_t before = m->requested;
        vmem_read_config(m);
        return m->requested < before ? STEP_AGAIN : stop(m, r, "device refuses to plug (NACK)");
    }
    if (r != VMEM_ACK)
        return stop(m, r, r == VMEM_BUSY ? "device busy (plug)" : "device refused the plug request");
    int e = mm_add_subsections(a, len, m->node);
    if (e < 0) {
        m->cnt.add_fails++;
        vmem_request(m, VMEM_UNPLUG, a, len / m->block_size, NULL); /* give it back untouched */
        return stop(m, e, "the memory manager refused the new memory");
    }
    memset(m->ustate + i, U_PLUGGED, n);
    m->cnt.plugged_units += n;
    memmap_add(&memmap_boot, a, len, MEMMAP_RAM, MEMMAP_SRC_KERNEL);
    return STEP_PROGRESS;
}

/* Offline, remove and UNPLUG units [i, i+n) (all chosen); on an offline failure of a run, its
 * units are tried one by one. Units that stay get U_PLUGGED back. */
static void unplug_run(struct vmem *m, uint32_t i, uint32_t n)
{
    uint64_t a = uaddr(m, i), len = (uint64_t)n * m->unit;
    struct mm_offline_report rep;
    int r = mm_offline_range(a, len, &rep);
    if (r < 0) {
        if (n > 1) {
            for (uint32_t j = 0; j < n; j++)
                unplug_run(m, i + j, 1);
            return;
        }
        m->cnt.offline_fails++;
        m->last_err = r;
        m->block_pfn = rep.block_pfn;
        m->block_owner = rep.block_owner;
        m->block_cookie = rep.block_cookie;
        m->ustate[i] = U_PLUGGED;
        return;
    }
    m->cnt.pages_moved += rep.pages_migrated;
    plat_trace(TRACE_VMEM_MOVED, a, rep.pages_migrated, len);
    if ((r = mm_remove_subsections(a, len)) < 0) {
        m->cnt.remove_fails++;
        mm_online_range(a, len);
        memset(m->ustate + i, U_PLUGGED, n);
        return;
    }
    int resp = vmem_request(m, VMEM_UNPLUG, a, len / m->block_size, NULL);
    if (resp == VMEM_ACK) {
        memset(m->ustate + i, U_UNPLUGGED, n);
        m->cnt.unplugged_units += n;
        memmap_remove(&memmap_boot, a, len);
        return;
    }
    /* Still plugged at the device: take the memory back. */
    if (mm_add_subsections(a, len, m->node) < 0) {
        m->cnt.add_fails++;
        plat_log(LOG_ERR, TAG,
                 "0x%llx+0x%llx: unplug refused (%d) and re-adding failed: memory lost until "
                 "the next resize",
                 (unsigned long long)a, (unsigned long long)len, resp);
        memset(m->ustate + i, U_UNPLUGGED, n); /* not ours anymore; the device still counts it */
        return;
    }
    memset(m->ustate + i, U_PLUGGED, n);
}

/* Sort candidates (unit index, cost) by cost, then by higher address first (shell sort). */
static void sort_cands(uint32_t *idx, uint32_t *cost, uint32_t n)
{
    static const uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++)
        for (uint32_t k = gaps[g]; k < n; k++) {
            uint32_t ti = idx[k], tc = cost[k], j = k;
            for (; j >= gaps[g] &&
                   (cost[j - gaps[g]] > tc || (cost[j - gaps[g]] == tc && idx[j - gaps[g]] < ti));
                 j -= gaps[g]) {
                idx[j] = idx[j - gaps[g]];
                cost[j] = cost[j - gaps[g]];
            }
            idx[j] = ti;
            cost[j] = tc;
        }
}

/* Take every free block of unit i out of the allocator, chained through the blocks themselves
 * (next pa, order), so that no migration can land in a unit that is about to go; the chain head,
 * or 0. free_pages bounds the attempts (mm_range_usage's count). */
static uint64_t hold_unit(const struct vmem *m, uint32_t i, uint64_t free_pages)
{
    uint64_t head = 0, lo = uaddr(m, i);
    for (int o = MM_MAX_ORDER; o >= 0; o--)
        while (free_pages >= 1ull << o) {
            uint64_t pa =
                mm_alloc_pages_in(lo, lo + m->unit, (unsigned)o, 0, MM_OWN_KERNEL, VMEM_HOLD_COOKIE);
            if (!pa)
                break;
            uint64_t *link = plat_phys_to_virt(pa);
            link[0] = head;
            link[1] = (uint64_t)o;
            head = pa;
            free_pages -= 1ull << o;
        }
    return head;
}

/* Give back a chain of held blocks. */
static void release_held(uint64_t *head)
{
    while (*head) {
        const uint64_t *link = plat_phys_to_virt(*head);
        uint64_t next = link[0];
        mm_free_pages(*head, (unsigned)link[1]);
        *head = next;
    }
}

/* Offline the chosen units of one kind (free: cost 0, or holding data), highest runs first; the
 * held free blocks of a run (held[]) go back just before it is offlined. */
static void unplug_chosen(struct vmem *m, const uint32_t *ucost, bool data, uint64_t *held)
{
    for (uint32_t e = m->nunits; e > 0 && !m->cfg_changed;) {
        uint32_t i = e - 1;
        if (m->ustate[i] != U_CHOSEN || (ucost[i] != 0) != data) {
            e--;
            continue;
        }
        uint32_t n = 1;
        while (i > 0 && n < max_run(m) && m->ustate[i - 1] == U_CHOSEN && (ucost[i - 1] != 0) == data) {
            i--;
            n++;
        }
        for (uint32_t k = i; k < i + n; k++)
            release_held(&held[k]);
        unplug_run(m, i, n);
        e = i;
    }
}

/* Unplug towards target: pick the cheapest plugged units, free ones first. */
static enum step unplug_step(struct vmem *m, uint64_t target)
{
    uint64_t need = (m->plugged - target) / m->unit, before = m->plugged;
    /* The plan (zeroed): held chains and free pages per unit, candidates and their costs. */
    uint64_t *held = plat_alloc((sizeof(uint64_t) * 2 + sizeof(uint32_t) * 3) * m->nunits + 8);
    if (!held)
        return stop(m, MM_ENOMEM, "no memory for the unplug plan");
    uint64_t *ufree = held + m->nunits;
    uint32_t *idx = (uint32_t *)(ufree + m->nunits), *cost = idx + m->nunits, *ucost = cost + m->nunits,
             n = 0;
    m->block_pfn = 0;
    for (uint32_t i = 0; i < m->nunits; i++) {
        struct mm_range_usage u;
        if (m->ustate[i] != U_PLUGGED || mm_range_usage(uaddr(m, i), m->unit, &u) < 0)
            continue;
        if (u.unmovable) { /* never touched: name the first blocker in case nothing else works */
            if (!m->block_pfn) {
                m->block_pfn = u.first_unmov_pfn;
                m->block_owner = u.first_unmov_owner;
                m->block_cookie = u.first_unmov_cookie;
            }
            continue;
        }
        idx[n] = i;
        ucost[i] = cost[n] = (uint32_t)u.movable;
        ufree[i] = u.free;
        n++;
    }
    sort_cands(idx, cost, n);
    for (uint32_t k = 0; k < n && k < need; k++)
        m->ustate[idx[k]] = U_CHOSEN;
    unplug_chosen(m, ucost, false, held);
    /* Units with data: their free blocks are held first, so their pages move only outside them. */
    for (uint32_t i = 0; i < m->nunits; i++)
        if (m->ustate[i] == U_CHOSEN && ucost[i])
            held[i] = hold_unit(m, i, ufree[i]);
    unplug_chosen(m, ucost, true, held);
    for (uint32_t i = 0; i < m->nunits; i++) {
        release_held(&held[i]);
        if (m->ustate[i] == U_CHOSEN)
            m->ustate[i] = U_PLUGGED;
    }
    plat_free(held);
    if (m->plugged < before)
        return STEP_PROGRESS;
    if (!n)
        return stop(m, MM_EBUSY, "every plugged block holds an unmovable page");
    return stop(m, m->last_err, "offline failed (no room for the data, or it became unmovable)");
}

/* Bring plugged towards requested until equal, stuck, broken or the request changes again. */
void vmem_resize(struct vmem *m)
{
    if (m->state == VMEM_STUCK && m->dev_plugged && !m->plugged && m->last_why &&
        !strcmp(m->last_why, "UNPLUG_ALL at start refused")) {
        if (vmem_request(m, VMEM_UNPLUG_ALL, 0, 0, NULL) != VMEM_ACK) {
            stop(m, VMEM_BUSY, "UNPLUG_ALL at start refused");
            return;
        }
        m->dev_plugged = 0;
    }
    for (;;) {
        if (m->cfg_changed) {
            m->cfg_changed = false;
            m->cnt.config_changes++;
            vmem_read_config(m);
        }
        uint64_t target = m->requested / m->unit * m->unit;
        enum step s;
        if (m->state == VMEM_BROKEN)
            return;
        if (m->plugged < target)
            s = plug_step(m, target);
        else if (m->plugged > target)
            s = unplug_step(m, target);
        else
            break;
        if (s == STEP_STOP)
            return;
    }
    m->state = VMEM_IDLE;
    m->last_why = NULL;
    plat_log(LOG_INFO, TAG, "size 0x%llx reached (requested 0x%llx)", (unsigned long long)m->plugged,
             (unsigned long long)m->requested);
}
