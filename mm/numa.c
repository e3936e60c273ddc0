/* numa.c - NUMA nodes and hotpluggable ranges from firmware affinity and the memory map (see numa.h). */
#include "mm/numa.h"

#include <string.h>

#include "platform.h"

#define TAG "numa"

struct numa_info numa_boot;

/* An accepted SRAT memory range: [base, end). */
struct srange {
    uint64_t base, end;
    uint32_t node, flags;
};

/* Append [base, end) to ni, merging with the previous range if it touches and matches. */
static int emit(struct numa_info *ni, uint64_t base, uint64_t end, uint32_t node, uint32_t flags, bool *full)
{
    if (end <= base)
        return 0;
    if (ni->n) {
        struct numa_range *p = &ni->r[ni->n - 1];
        if (p->base + p->len == base && p->node == node && p->flags == flags) {
            p->len += end - base;
            return 0;
        }
    }
    if (ni->n >= NUMA_MAX_RANGES) {
        if (!*full)
            plat_log(LOG_ERR, TAG, "more than %d ranges: [0x%llx-0x%llx) and later dropped", NUMA_MAX_RANGES,
                     (unsigned long long)base, (unsigned long long)end);
        *full = true;
        return -1;
    }
    ni->r[ni->n++] = (struct numa_range){.base = base, .len = end - base, .node = node, .flags = flags};
    return 0;
}

/* Emit the part [lo, hi) of SRAT range s that the memory map does not list at all. */
static void emit_gap(struct numa_info *ni, const struct srange *s, uint64_t lo, uint64_t hi, bool *full)
{
    if (hi <= lo || !(s->flags & NUMA_AFF_HOTPLUG))
        return; /* a hole in a non-hotpluggable range: nothing there */
    emit(ni, lo, hi, s->node, NUMA_HOTPLUG | (s->flags & NUMA_AFF_NONVOLATILE ? NUMA_NONVOLATILE : 0), full);
}

/* Sort ni->r by base (insertion sort: ranges come out almost sorted), then merge neighbours
 * that touch and match. */
static void sort_ranges(struct numa_info *ni)
{
    for (unsigned i = 1; i < ni->n; i++) {
        struct numa_range x = ni->r[i];
        unsigned j = i;
        while (j && ni->r[j - 1].base > x.base) {
            ni->r[j] = ni->r[j - 1];
            j--;
        }
        ni->r[j] = x;
    }
    unsigned n = 0;
    for (unsigned i = 0; i < ni->n; i++) {
        struct numa_range *p = n ? &ni->r[n - 1] : NULL;
        if (p && p->base + p->len == ni->r[i].base && p->node == ni->r[i].node && p->flags == ni->r[i].flags)
            p->len += ni->r[i].len;
        else
            ni->r[n++] = ni->r[i];
    }
    ni->n = n;
}

/* Build *ni from the affinity ranges aff and the memory map m (see numa.h). */
int numa_build(struct numa_info *ni, const struct numa_affinity *aff, const struct memmap *m)
{
    static struct srange acc[NUMA_MAX_AFFINITY];
    unsigned nacc = 0;
    bool full = false;
    int rc = NUMA_OK;
    memset(ni, 0, sizeof *ni);
    ni->from_srat = aff && aff->valid;

    /* 1. Accept enabled SRAT memory ranges, sorted, refusing overlaps and unknown nodes. */
    for (unsigned i = 0; ni->from_srat && i < aff->nmem && i < NUMA_MAX_AFFINITY; i++) {
        const struct numa_mem_affinity *e = &aff->mem[i];
        if (!(e->flags & NUMA_AFF_ENABLED) || !e->len)
            continue;
        uint64_t end = e->base + e->len;
        if (end < e->base)
            end = ~0ull;
        if (e->node >= MAX_NODES) {
            plat_log(LOG_ERR, TAG, "SRAT [0x%llx-0x%llx): node %u >= %d: skipped",
                     (unsigned long long)e->base, (unsigned long long)end, e->node, MAX_NODES);
            ni->nbad++;
            rc = NUMA_ERR_ENTRY;
            continue;
        }
        unsigned pos = 0;
        bool overlap = false;
        for (unsigned j = 0; j < nacc; j++) {
            if (acc[j].base < end && e->base < acc[j].end) {
                plat_log(LOG_ERR, TAG,
                         "SRAT [0x%llx-0x%llx) node %u overlaps [0x%llx-0x%llx) node %u: skipped",
                         (unsigned long long)e->base, (unsigned long long)end, e->node,
                         (unsigned long long)acc[j].base, (unsigned long long)acc[j].end, acc[j].node);
                overlap = true;
                break;
            }
            if (acc[j].base < e->base)
                pos = j + 1;
        }
        if (overlap) {
            ni->nbad++;
            rc = NUMA_ERR_ENTRY;
            continue;
        }
        memmove(&acc[pos + 1], &acc[pos], (nacc - pos) * sizeof acc[0]);
        acc[pos] = (struct srange){.base = e->base, .end = end, .node = e->node, .flags = e->flags};
        nacc++;
    }

    /* 2. Intersect each SRAT range with the map. */
    for (unsigned i = 0; i < nacc; i++) {
        const struct srange *s = &acc[i];
        uint32_t fl = (s->flags & NUMA_AFF_HOTPLUG ? NUMA_HOTPLUG : 0) |
                      (s->flags & NUMA_AFF_NONVOLATILE ? NUMA_NONVOLATILE : 0);
        uint64_t pos = s->base;
        for (unsigned j = 0; j < m->n; j++) {
            const struct memmap_range *r = &m->r[j];
            uint64_t rend = r->base + r->len;
            if (rend <= s->base || r->base >= s->end)
                continue;
            uint64_t lo = r->base > s->base ? r->base : s->base, hi = rend < s->end ? rend : s->end;
            emit_gap(ni, s, pos, lo, &full);
            if (r->type == MEMMAP_RAM)
                emit(ni, lo, hi, s->node, NUMA_PRESENT | fl, &full);
            else if (s->flags & NUMA_AFF_HOTPLUG)
                plat_log(LOG_WARN, TAG,
                         "hotpluggable SRAT range [0x%llx-0x%llx) overlaps %s [0x%llx-0x%llx): excluded",
                         (unsigned long long)s->base, (unsigned long long)s->end, memmap_type_name(r->type),
                         (unsigned long long)lo, (unsigned long long)hi);
            pos = hi;
        }
        emit_gap(ni, s, pos, s->end, &full);
    }

    /* 3. RAM outside every SRAT range goes to node 0. */
    for (unsigned j = 0; j < m->n; j++) {
        const struct memmap_range *r = &m->r[j];
        if (r->type != MEMMAP_RAM)
            continue;
        uint64_t pos = r->base, rend = r->base + r->len;
        for (unsigned i = 0; i <= nacc && pos < rend; i++) {
            uint64_t lo = i < nacc ? acc[i].base : rend, next = i < nacc ? acc[i].end : rend;
            if (lo > rend)
                lo = rend;
            if (lo > pos) {
                if (ni->from_srat)
                    plat_log(LOG_WARN, TAG, "RAM [0x%llx-0x%llx) is in no SRAT range: node 0",
                             (unsigned long long)pos, (unsigned long long)lo);
                emit(ni, pos, lo, 0, NUMA_PRESENT | (ni->from_srat ? NUMA_NO_SRAT : 0), &full);
            }
            if (next > pos)
                pos = next;
        }
    }
    sort_ranges(ni);

    /* 4. Per-node totals. */
    for (unsigned i = 0; i < ni->n; i++) {
        struct numa_range *r = &ni->r[i];
        struct numa_node *nd = &ni->node[r->node];
        nd->online = true;
        if (r->flags & NUMA_PRESENT) {
            nd->present += r->len;
            if (r->flags & NUMA_HOTPLUG)
                nd->hotplug += r->len;
        } else {
            nd->hotplug_absent += r->len;
        }
    }
    for (unsigned i = 0; ni->from_srat && i < aff->ncpu; i++) {
        const struct numa_cpu_affinity *c = &aff->cpu[i];
        if (c->node >= MAX_NODES) {
            plat_log(LOG_ERR, TAG, "SRAT processor 0x%x: node %u >= %d: skipped", c->apic_id, c->node,
                     MAX_NODES);
            ni->nbad++;
            rc = NUMA_ERR_ENTRY;
            continue;
        }
        ni->node[c->node].ncpus++;
        ni->node[c->node].online = true;
    }
    for (unsigned i = 0; i < MAX_NODES; i++)
        if (ni->node[i].online)
            ni->nnodes = i + 1;
    return full ? NUMA_ERR_FULL : rc;
}

/* Log one line per online node of ni. */
void numa_log(const struct numa_info *ni)
{
    for (unsigned i = 0; i < ni->nnodes; i++)
        if (ni->node[i].online)
            plat_log(LOG_INFO, TAG,
                     "node %u: %u cpus, present 0x%llx (hotpluggable 0x%llx), reserved for hotplug 0x%llx", i,
                     ni->node[i].ncpus, (unsigned long long)ni->node[i].present,
                     (unsigned long long)ni->node[i].hotplug, (unsigned long long)ni->node[i].hotplug_absent);
}

/* The range of ni containing pa, or NULL. */
const struct numa_range *numa_find(const struct numa_info *ni, uint64_t pa)
{
    for (unsigned i = 0; i < ni->n; i++)
        if (pa >= ni->r[i].base && pa - ni->r[i].base < ni->r[i].len)
            return &ni->r[i];
    return NULL;
}

/* The node of pa (from the range containing it), or -1 if no range has it. */
int numa_node_of(const struct numa_info *ni, uint64_t pa)
{
    const struct numa_range *r = numa_find(ni, pa);
    return r ? (int)r->node : -1;
}

/* True if pa lies in a range the SRAT marks hotpluggable (present or not). */
bool numa_is_hotpluggable(const struct numa_info *ni, uint64_t pa)
{
    const struct numa_range *r = numa_find(ni, pa);
    return r && (r->flags & NUMA_HOTPLUG);
}

/* Check the invariants of numa.h; 0 if they hold, else -1. */
int numa_check(const struct numa_info *ni)
{
    if (ni->n > NUMA_MAX_RANGES)
        return -1;
    for (unsigned i = 0; i < ni->n; i++) {
        const struct numa_range *r = &ni->r[i];
        if (!r->len || r->node >= MAX_NODES || r->base + r->len < r->base)
            return -1;
        if (i) {
            const struct numa_range *p = &ni->r[i - 1];
            if (p->base + p->len > r->base)
                return -1;
            if (p->base + p->len == r->base && p->node == r->node && p->flags == r->flags)
                return -1;
        }
    }
    return 0;
}
