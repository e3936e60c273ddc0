/* rmap.c - user pages and their reverse map (mm.h "user pages").
 *
 * A user page is an order-0 movable block owned MM_OWN_USER. Its record (struct upage, found by
 * pfn in a hash table) lists every mapping of it as (ops, holder, key): an address space and a
 * virtual address, or a shared-memory object and a page index. Migration (offline) calls
 * isolate on every mapping before the copy and remap after it, then files the record under the
 * new pfn. A page with pins refuses to migrate; the offline's failure names the pin through the
 * describe callback.
 *
 * Invariants (under mm_lock): a record exists iff its page is allocated MM_OWN_USER; nmaps is
 * the length of maps; a page is freed only when nmaps == 0 and pins == 0 (mm_user_page_free
 * asserts it); records are in bucket pfn % RMAP_BUCKETS.
 */
#include <stdio.h>
#include <string.h>

#include "hotmem/trace.h"
#include "mm/mm_internal.h"

struct umap {
    const struct mm_rmap_ops *ops;
    void *holder;
    uint64_t key;
    struct umap *next;
};

struct upage {
    uint64_t pfn;
    uint32_t nmaps, pins;
    bool isolated;   /* its mappings are migration entries: between rmap_isolate and rmap_migrate */
    bool pin_traced; /* its refusal is in the trace once per pin (cleared when the last pin goes) */
    const char *pin_name;
    struct umap *maps;
    struct upage *hnext;
};

static struct upage **buckets;
static struct mm_user_stats ust;
static uint64_t zone_pages[MAX_NODES][MM_NR_ZONES]; /* user pages by where they are */
static uint64_t batch, batch_old, batch_new;
static char descs[RMAP_DESCS][RMAP_DESC_LEN];
static unsigned desc_next;

static int rmap_migrate(uint64_t old_pa, uint64_t new_pa, unsigned order, uint32_t cookie, uint32_t aux);
static void rmap_isolate(uint64_t old_pa, unsigned order, uint32_t cookie, uint32_t aux);
static const char *rmap_describe(uint64_t pa, uint32_t cookie, uint32_t aux);

/* Count (delta +1/-1) user page pa in its node and zone. */
static void zone_count(uint64_t pa, int delta)
{
    unsigned node, zone;
    if (!mm_pa_node_zone(pa, &node, &zone))
        zone_pages[node][zone] += (uint64_t)(int64_t)delta;
}

uint64_t mm_user_zone_pages(unsigned node, unsigned zone)
{
    return node < MAX_NODES && zone < MM_NR_ZONES ? zone_pages[node][zone] : 0;
}

/* Allocate the hash table and register the migration callbacks (first use). */
static bool rmap_ready(void)
{
    if (buckets)
        return true;
    buckets = plat_alloc(RMAP_BUCKETS * sizeof *buckets);
    if (!buckets)
        return false;
    mm_migrate_fns[MM_OWN_USER] = rmap_migrate;
    mm_set_isolate_fn(MM_OWN_USER, rmap_isolate);
    mm_set_describe_fn(MM_OWN_USER, rmap_describe);
    return true;
}

/* The link that points at pfn's record (or at the NULL ending its bucket). */
static struct upage **slot(uint64_t pfn)
{
    struct upage **pp = &buckets[pfn % RMAP_BUCKETS];
    while (*pp && (*pp)->pfn != pfn)
        pp = &(*pp)->hnext;
    return pp;
}

static struct upage *find(uint64_t pa)
{
    return buckets ? *slot(pa >> PAGE_SHIFT) : NULL;
}

/* A new zeroed user page on node with one mapping. */
uint64_t mm_user_page_alloc(unsigned node, const struct mm_rmap_ops *ops, void *holder, uint64_t key)
{
    unsigned long irq = mm_lock_irqsave();
    uint64_t pa = 0;
    struct upage *u = NULL;
    if (rmap_ready() && (u = plat_alloc(sizeof *u)) != NULL)
        pa = mm_alloc_pages_owner(0, MM_MOVABLE | MM_ZERO | MM_NODE(node % MAX_NODES), MM_OWN_USER, 0);
    if (pa) {
        u->pfn = pa >> PAGE_SHIFT;
        *slot(u->pfn) = u;
        ust.pages++;
        zone_count(pa, +1);
        if (mm_rmap_add(pa, ops, holder, key) < 0) {
            *slot(u->pfn) = NULL;
            mm_free_pages(pa, 0);
            ust.pages--;
            zone_count(pa, -1);
            pa = 0;
        }
    }
    if (!pa) {
        plat_free(u);
        ust.alloc_fail++;
    }
    mm_unlock_irqrestore(irq);
    return pa;
}

/* Add a mapping to pa's record. */
int mm_rmap_add(uint64_t pa, const struct mm_rmap_ops *ops, void *holder, uint64_t key)
{
    int r = MM_ENOENT;
    unsigned long irq = mm_lock_irqsave();
    struct upage *u = find(pa);
    struct umap *m = u ? plat_alloc(sizeof *m) : NULL;
    if (m) {
        *m = (struct umap){ops, holder, key, u->maps};
        u->maps = m;
        u->nmaps++;
        ust.mappings++;
        r = 0;
    } else if (u) {
        ust.alloc_fail++;
        r = MM_ENOMEM;
    }
    mm_unlock_irqrestore(irq);
    return r;
}

/* Remove the mapping (holder, key) of pa; mappings left. */
int mm_rmap_remove(uint64_t pa, void *holder, uint64_t key)
{
    int r = MM_ENOENT;
    unsigned long irq = mm_lock_irqsave();
    struct upage *u = find(pa);
    for (struct umap **pp = u ? &u->maps : NULL; pp && *pp; pp = &(*pp)->next) {
        struct umap *m = *pp;
        if (m->holder == holder && m->key == key) {
            *pp = m->next;
            plat_free(m);
            u->nmaps--;
            ust.mappings--;
            r = (int)u->nmaps;
            break;
        }
    }
    mm_unlock_irqrestore(irq);
    return r;
}

/* Free an unmapped, unpinned user page and its record. */
void mm_user_page_free(uint64_t pa)
{
    unsigned long irq = mm_lock_irqsave();
    struct upage *u = find(pa);
    PLAT_ASSERT(u && !u->nmaps && !u->pins);
    *slot(u->pfn) = u->hnext;
    plat_free(u);
    ust.pages--;
    zone_count(pa, -1);
    mm_free_pages(pa, 0);
    mm_unlock_irqrestore(irq);
}

/* Pin or unpin pa. */
int mm_rmap_pin(uint64_t pa, int delta, const char *name)
{
    int r = MM_ENOENT;
    unsigned long irq = mm_lock_irqsave();
    struct upage *u = find(pa);
    if (u && (delta > 0 || u->pins)) {
        if (delta > 0 && !u->pins++)
            ust.pinned++;
        if (delta < 0 && !--u->pins) {
            ust.pinned--;
            u->pin_traced = false;
        }
        if (delta > 0)
            u->pin_name = name;
        r = (int)u->pins;
    }
    mm_unlock_irqrestore(irq);
    return r;
}

unsigned mm_rmap_count(uint64_t pa)
{
    unsigned n;
    MM_WITH_LOCK(struct upage *u = find(pa); n = u ? u->nmaps : 0);
    return n;
}

/* Node and zone of pa's frame. */
int mm_pa_node_zone(uint64_t pa, unsigned *node, unsigned *zone)
{
    int r = MM_ENOENT;
    unsigned long irq = mm_lock_irqsave();
    uint64_t pfn = pa >> PAGE_SHIFT;
    if (pfn_frame_safe(pfn)) {
        struct mm_section *s = pfn_sect(pfn);
        *node = s->node;
        *zone = sect_zone(s, pfn_sub(pfn));
        r = 0;
    }
    mm_unlock_irqrestore(irq);
    return r;
}

void mm_user_stats(struct mm_user_stats *st)
{
    MM_WITH_LOCK(*st = ust);
}

/* isolate callback: every mapping of an unpinned page becomes a migration entry. */
static void rmap_isolate(uint64_t old_pa, unsigned order, uint32_t cookie, uint32_t aux)
{
    (void)order, (void)cookie, (void)aux;
    struct upage *u = find(old_pa);
    if (!u || u->pins)
        return;
    u->isolated = true;
    for (struct umap *m = u->maps; m; m = m->next)
        m->ops->isolate(m->holder, m->key);
}

/* Is pa isolated (mm.h)? */
bool mm_rmap_isolated(uint64_t pa)
{
    bool r;
    MM_WITH_LOCK(struct upage *u = find(pa); r = u && u->isolated);
    return r;
}

/* migrate callback: point every mapping at new_pa and file the record under it. */
static int rmap_migrate(uint64_t old_pa, uint64_t new_pa, unsigned order, uint32_t cookie, uint32_t aux)
{
    (void)cookie, (void)aux;
    struct upage **pp = buckets ? slot(old_pa >> PAGE_SHIFT) : NULL, *u = pp ? *pp : NULL;
    if (!u || order)
        return MM_ENOENT;
    bool was = u->isolated;
    u->isolated = false;
    if (u->pins) { /* pinned since it was isolated: its mappings go back to the old page */
        for (struct umap *m = u->maps; was && m; m = m->next)
            m->ops->remap(m->holder, m->key, old_pa);
        ust.migrate_busy++;
        if (!u->pin_traced) /* an offline's retries would fill the ring with the same refusal */
            plat_trace(TRACE_USER_PINNED, old_pa, u->pins, u->maps ? u->maps->ops->id(u->maps->holder) : 0);
        u->pin_traced = true;
        return MM_EBUSY;
    }
    for (struct umap *m = u->maps; m; m = m->next)
        m->ops->remap(m->holder, m->key, new_pa);
    *pp = u->hnext;
    u->pfn = new_pa >> PAGE_SHIFT;
    u->hnext = NULL;
    *slot(u->pfn) = u;
    zone_count(old_pa, -1);
    zone_count(new_pa, +1);
    ust.migrated++;
    batch_old = old_pa;
    batch_new = new_pa;
    if (++batch == RMAP_TRACE_BATCH) {
        plat_trace(TRACE_USER_MIGRATE, batch, batch_old, batch_new);
        batch = 0;
    }
    return 0;
}

/* Record the pages migrated since the last user-migrate event (end of an offline, mm_lock held):
 * a batch never carries over into a later offline's events. */
void rmap_trace_flush_locked(void)
{
    if (batch)
        plat_trace(TRACE_USER_MIGRATE, batch, batch_old, batch_new);
    batch = 0;
}

/* describe callback: "user(pid=3,prog=pin,pin=dma,pins=1)" in one of a few rotating buffers. */
static const char *rmap_describe(uint64_t pa, uint32_t cookie, uint32_t aux)
{
    (void)cookie, (void)aux;
    struct upage *u = find(pa);
    if (!u || !u->maps)
        return NULL;
    char who[RMAP_DESC_LEN / 2];
    u->maps->ops->describe(u->maps->holder, who, sizeof who);
    char *d = descs[desc_next++ % RMAP_DESCS];
    if (u->pins)
        snprintf(d, RMAP_DESC_LEN, "user(%s,pin=%.16s,pins=%u)", who, u->pin_name ? u->pin_name : "?",
                 u->pins);
    else
        snprintf(d, RMAP_DESC_LEN, "user(%s)", who);
    return d;
}

/* Forget everything (mm_reset; the pages themselves go with the sections). */
void rmap_reset(void)
{
    if (buckets)
        for (unsigned b = 0; b < RMAP_BUCKETS; b++)
            while (buckets[b]) {
                struct upage *u = buckets[b];
                buckets[b] = u->hnext;
                while (u->maps) {
                    struct umap *m = u->maps;
                    u->maps = m->next;
                    plat_free(m);
                }
                plat_free(u);
            }
    plat_free(buckets); /* the next use registers the callbacks again (mm_reset clears them) */
    buckets = NULL;
    memset(&ust, 0, sizeof ust);
    memset(zone_pages, 0, sizeof zone_pages);
    batch = 0;
}
