/* movable.c - objects filled with a pattern and checksummed ("fill" workloads), and migration
 * of their pages.
 *
 * A movable object is N order-0 pages allocated MM_MOVABLE (owner movable-obj, cookie = object
 * id, aux = page index), reached only through the vmap area: page i is mapped at va + i * 4 KiB
 * (plat_vmap_set). Migration switches that one mapping, so the object never notices. An
 * unmovable object's pages (owner unmovable-obj) are reached through the direct map, so they
 * cannot move and pin their subsection. A pin object (owner test-pin) is one unmovable page
 * forced into a given range. Objects live in one list sorted by va (unmovable ones have va 0);
 * the vmap area is handed out first-fit with a one-page guard gap after each object.
 */
#include <string.h>

#include "mm/mm_internal.h"

enum { OBJ_MOVABLE, OBJ_UNMOVABLE, OBJ_PIN };
static const char *const kind_names[] = {"movable", "unmovable", "pin"};

struct obj {
    uint32_t id;
    uint32_t npages;
    uint8_t kind;
    int8_t node;
    uint64_t va;
    uint64_t sum;
    uint64_t *pa;
    void **ptr;
    struct obj *next;
};

static struct obj *objs;
static uint32_t next_id = 1;
static unsigned nobjs;
static struct obj *last_hit;

/* Pattern word w of page i of object id. */
static inline uint64_t obj_pattern(uint32_t id, uint64_t i, uint64_t w)
{
    uint64_t x = ((uint64_t)id << 40) ^ (i << 10) ^ w;
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Checksum of the object's pages as seen through its pointers. */
static uint64_t obj_sum(const struct obj *o)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t i = 0; i < o->npages; i++) {
        const uint64_t *w = o->ptr[i];
        for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
            h = (h ^ w[k]) * 0x100000001b3ull;
    }
    return h;
}

static struct obj *obj_find(uint32_t id)
{
    if (last_hit && last_hit->id == id)
        return last_hit;
    for (struct obj *o = objs; o; o = o->next)
        if (o->id == id)
            return last_hit = o;
    return NULL;
}

/* Migration callback for movable-obj pages. */
static int obj_migrate(uint64_t old_pa, uint64_t new_pa, unsigned order, uint32_t cookie, uint32_t aux)
{
    struct obj *o = obj_find(cookie);
    if (!o || order != 0 || aux >= o->npages || o->pa[aux] != old_pa || o->kind != OBJ_MOVABLE)
        return MM_ENOENT;
    o->pa[aux] = new_pa;
    o->ptr[aux] = plat_vmap_set(o->va + (uint64_t)aux * PAGE_SIZE, new_pa);
    return o->ptr[aux] ? 0 : MM_ENOMEM;
}

/* Free the pages and memory of a (not listed) object. */
static void obj_destroy(struct obj *o, uint32_t npages)
{
    for (uint32_t i = 0; i < npages; i++) {
        if (o->kind == OBJ_MOVABLE)
            plat_vmap_clear(o->va + (uint64_t)i * PAGE_SIZE);
        mm_free_pages(o->pa[i], 0);
    }
    plat_free(o->pa);
    plat_free(o->ptr);
    plat_free(o);
}

/* Insert o in the sorted list. */
static void obj_insert(struct obj *o)
{
    struct obj **pp = &objs;
    while (*pp && (*pp)->va <= o->va)
        pp = &(*pp)->next;
    o->next = *pp;
    *pp = o;
    nobjs++;
}

/* First-fit va for npages (+1 guard page); 0 if the vmap area is full. */
static uint64_t obj_va_alloc(uint64_t npages)
{
    uint64_t need = (npages + 1) * PAGE_SIZE, cur = VMAP_BASE;
    for (struct obj *o = objs; o; o = o->next) {
        if (!o->va)
            continue;
        if (o->va - cur >= need)
            break;
        cur = o->va + ((uint64_t)o->npages + 1) * PAGE_SIZE;
    }
    return cur + need <= VMAP_BASE + VMAP_SIZE ? cur : 0;
}

/* Fill page i of o with its pattern. */
static void obj_fill_page(struct obj *o, uint32_t i)
{
    uint64_t *w = o->ptr[i];
    for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
        w[k] = obj_pattern(o->id, i, k);
}

/* Allocate an object struct with page arrays. */
static struct obj *obj_new(uint64_t npages, uint8_t kind, int node)
{
    struct obj *o = plat_alloc(sizeof *o);
    if (!o)
        return NULL;
    o->pa = plat_alloc(npages * sizeof *o->pa);
    o->ptr = plat_alloc(npages * sizeof *o->ptr);
    if (!o->pa || !o->ptr) {
        plat_free(o->pa);
        plat_free(o->ptr);
        plat_free(o);
        return NULL;
    }
    o->id = next_id++;
    o->kind = kind;
    o->node = (int8_t)node;
    o->npages = (uint32_t)npages;
    return o;
}

/* Create a filled, checksummed object. */
static int mm_obj_create_locked(uint64_t bytes, bool movable, int node, uint32_t *id)
{
    uint64_t npages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    if (!npages || npages >= VMAP_SIZE / PAGE_SIZE || node >= MAX_NODES) {
        mm_counters.obj_fail++;
        return MM_EINVAL;
    }
    mm_migrate_fns[MM_OWN_MOVABLE_OBJ] = obj_migrate;
    uint64_t va = 0;
    if (movable && !(va = obj_va_alloc(npages))) {
        mm_counters.obj_fail++;
        return MM_ENOMEM;
    }
    struct obj *o = obj_new(npages, movable ? OBJ_MOVABLE : OBJ_UNMOVABLE, node);
    if (!o) {
        mm_counters.obj_fail++;
        return MM_ENOMEM;
    }
    o->va = va;
    unsigned flags = (movable ? MM_MOVABLE : 0) | (node >= 0 ? MM_NODE(node) : 0);
    unsigned owner = movable ? MM_OWN_MOVABLE_OBJ : MM_OWN_UNMOVABLE_OBJ;
    for (uint32_t i = 0; i < npages; i++) {
        uint64_t pa = mm_alloc_pages_owner(0, flags, owner, o->id);
        void *p = NULL;
        if (pa) {
            mm_set_aux(pa, i);
            p = movable ? plat_vmap_set(va + (uint64_t)i * PAGE_SIZE, pa) : plat_phys_to_virt(pa);
            if (!p)
                mm_free_pages(pa, 0);
        }
        if (!p) {
            obj_destroy(o, i);
            mm_counters.obj_fail++;
            return MM_ENOMEM;
        }
        o->pa[i] = pa;
        o->ptr[i] = p;
        obj_fill_page(o, i);
    }
    o->sum = obj_sum(o);
    obj_insert(o);
    if (id)
        *id = o->id;
    return 0;
}

/* One unmovable page forced inside [lo, hi). */
static int mm_obj_pin_locked(uint64_t lo, uint64_t hi, uint32_t *id)
{
    struct obj *o = obj_new(1, OBJ_PIN, -1);
    if (!o) {
        mm_counters.obj_fail++;
        return MM_ENOMEM;
    }
    uint64_t pa = mm_alloc_pages_in(lo, hi, 0, 0, MM_OWN_TEST_PIN, o->id);
    if (!pa) {
        obj_destroy(o, 0);
        mm_counters.obj_fail++;
        return MM_ENOMEM;
    }
    o->pa[0] = pa;
    o->ptr[0] = plat_phys_to_virt(pa);
    obj_fill_page(o, 0);
    o->sum = obj_sum(o);
    obj_insert(o);
    if (id)
        *id = o->id;
    return 0;
}

/* Number of objects whose checksum is wrong. */
static int mm_obj_check_all_locked(uint32_t *bad)
{
    int nbad = 0;
    for (struct obj *o = objs; o; o = o->next) {
        if (obj_sum(o) != o->sum) {
            if (!nbad && bad)
                *bad = o->id;
            nbad++;
            MM_LOG(LOG_ERR, "object %u (%s, %u pages): checksum mismatch", o->id, kind_names[o->kind],
                   o->npages);
        }
    }
    return nbad;
}

/* Drop one object. */
static int mm_obj_drop_locked(uint32_t id)
{
    for (struct obj **pp = &objs; *pp; pp = &(*pp)->next) {
        struct obj *o = *pp;
        if (o->id != id)
            continue;
        *pp = o->next;
        nobjs--;
        if (last_hit == o)
            last_hit = NULL;
        obj_destroy(o, o->npages);
        return 0;
    }
    return MM_ENOENT;
}

/* Drop every object. */
static void mm_obj_drop_all_locked(void)
{
    while (objs)
        mm_obj_drop_locked(objs->id);
}

unsigned mm_obj_count(void)
{
    return nobjs;
}

/* One line per object. */
static void mm_obj_dump_locked(void)
{
    for (struct obj *o = objs; o; o = o->next)
        plat_printf("object id=%u pages=%u kind=%s node=%d va=0x%llx pa0=0x%llx\n", o->id, o->npages,
                    kind_names[o->kind], o->node, (unsigned long long)o->va, (unsigned long long)o->pa[0]);
}

/* Forget every object without touching memory (mm_reset). */
void obj_reset(void)
{
    while (objs) {
        struct obj *o = objs;
        objs = o->next;
        plat_free(o->pa);
        plat_free(o->ptr);
        plat_free(o);
    }
    nobjs = 0;
    next_id = 1;
    last_hit = NULL;
}

/* ---- the public entry points: each runs its _locked body under mm_lock ---- */

/* mm_obj_create (mm.h) under mm_lock. */
int mm_obj_create(uint64_t bytes, bool movable, int node, uint32_t *id)
{
    int r;
    MM_WITH_LOCK(r = mm_obj_create_locked(bytes, movable, node, id));
    return r;
}

/* mm_obj_pin (mm.h) under mm_lock. */
int mm_obj_pin(uint64_t lo, uint64_t hi, uint32_t *id)
{
    int r;
    MM_WITH_LOCK(r = mm_obj_pin_locked(lo, hi, id));
    return r;
}

/* mm_obj_check_all (mm.h) under mm_lock. */
int mm_obj_check_all(uint32_t *bad)
{
    int r;
    MM_WITH_LOCK(r = mm_obj_check_all_locked(bad));
    return r;
}

/* mm_obj_drop (mm.h) under mm_lock. */
int mm_obj_drop(uint32_t id)
{
    int r;
    MM_WITH_LOCK(r = mm_obj_drop_locked(id));
    return r;
}

/* mm_obj_drop_all (mm.h) under mm_lock. */
void mm_obj_drop_all(void)
{
    MM_WITH_LOCK(mm_obj_drop_all_locked());
}

/* mm_obj_dump (mm.h) under mm_lock. */
void mm_obj_dump(void)
{
    MM_WITH_LOCK(mm_obj_dump_locked());
}
