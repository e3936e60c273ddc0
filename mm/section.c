/* section.c - the two-level section table, section structs of hot-added memory, block
 * creation and lookup inside a subsection, section queries and mm_reset. */
#include <string.h>

#include "mm/mm_internal.h"

/* The section table (params.h: SECT_ROOT_SIZE leaves of SECT_LEAF_SIZE pointers). Leaves of boot
 * memory are carved with its frame database; the others come from plat_alloc (leaf_heap) and
 * stay until mm_reset. Physical addresses at or above MAX_PHYS_ADDR are refused. */
struct mm_section **mm_sect_root[SECT_ROOT_SIZE];
static uint8_t leaf_heap[SECT_ROOT_SIZE];

/* The first index >= idx that has a section struct, or NR_SECTIONS. */
uint64_t sect_next(uint64_t idx)
{
    while (idx < NR_SECTIONS) {
        struct mm_section **leaf = mm_sect_root[idx >> SECT_LEAF_SHIFT];
        if (!leaf) {
            idx = (idx | (SECT_LEAF_SIZE - 1)) + 1;
            continue;
        }
        if (leaf[idx & (SECT_LEAF_SIZE - 1)])
            return idx;
        idx++;
    }
    return NR_SECTIONS;
}

/* The section struct for idx, installed (at `at`, or plat_alloc'd) if absent. */
struct mm_section *sect_install(uint64_t idx, unsigned node, void *at)
{
    struct mm_section *s = sect_at(idx);
    if (s)
        return s;
    unsigned r = (unsigned)(idx >> SECT_LEAF_SHIFT);
    if (!mm_sect_root[r]) {
        struct mm_section **leaf = plat_alloc(SECT_LEAF_SIZE * sizeof *leaf);
        if (!leaf)
            return NULL;
        memset(leaf, 0, SECT_LEAF_SIZE * sizeof *leaf);
        mm_sect_root[r] = leaf;
        leaf_heap[r] = 1;
    }
    s = at ? at : plat_alloc(sizeof *s); /* plat_alloc memory is zeroed */
    if (!s)
        return NULL;
    if (at)
        memset(s, 0, sizeof *s);
    s->node = (uint8_t)node;
    s->home = at ? SECT_ON_RANGE : SECT_HEAP;
    mm_sect_root[r][idx & (SECT_LEAF_SIZE - 1)] = s;
    mm_node_mask |= 1u << node;
    return s;
}

/* Clear section idx's table entry; free its leaf if that came from plat_alloc and is empty now. */
static void sect_clear(uint64_t idx)
{
    unsigned r = (unsigned)(idx >> SECT_LEAF_SHIFT);
    mm_sect_root[r][idx & (SECT_LEAF_SIZE - 1)] = NULL;
    if (!leaf_heap[r])
        return;
    for (unsigned i = 0; i < SECT_LEAF_SIZE; i++)
        if (mm_sect_root[r][i])
            return;
    plat_free(mm_sect_root[r]);
    mm_sect_root[r] = NULL;
    leaf_heap[r] = 0;
}

/* Free the struct of section idx if no subsection is present and it came from plat_alloc. */
void sect_put_if_empty(uint64_t idx)
{
    struct mm_section *s = sect_at(idx);
    if (!s || s->present || s->home != SECT_HEAP)
        return;
    sect_clear(idx);
    plat_free(s);
}

/* Drop section idx whose struct lives on memory being removed. */
void sect_forget(uint64_t idx)
{
    struct mm_section *s = sect_at(idx);
    MM_ASSERT(s && s->home == SECT_ON_RANGE && !s->present, idx << PFN_SECTION_SHIFT, NULL);
    sect_clear(idx);
}

/* Copy section idx's struct to plat_alloc'd memory. */
int sect_move_to_heap(uint64_t idx)
{
    struct mm_section *s = sect_at(idx), *c = plat_alloc(sizeof *s);
    if (!c)
        return MM_ENOMEM;
    memcpy(c, s, sizeof *s);
    c->home = SECT_HEAP;
    mm_sect_root[idx >> SECT_LEAF_SHIFT][idx & (SECT_LEAF_SIZE - 1)] = c;
    return 0;
}

/* Head of the block containing pfn, by walking heads from the subsection start. */
struct frame *frame_block_of(uint64_t pfn, uint64_t *head)
{
    struct mm_section *s = pfn_sect(pfn);
    unsigned sub = pfn_sub(pfn);
    uint64_t i = 0, want = pfn & (MM_PAGES_PER_SUB - 1);
    for (;;) {
        struct frame *f = sub_frame(s, sub, i);
        MM_ASSERT(frame_state(f) > FS_TAIL && f->order <= MM_MAX_ORDER,
                  (pfn & ~(uint64_t)(MM_PAGES_PER_SUB - 1)) + i, f);
        if (want < i + (1ull << f->order)) {
            *head = (pfn & ~(uint64_t)(MM_PAGES_PER_SUB - 1)) + i;
            return f;
        }
        i += 1ull << f->order;
    }
}

/* Create [p, e) as the largest aligned blocks of state st owned by owner. */
void sect_make_blocks(uint64_t p, uint64_t e, unsigned st, unsigned owner)
{
    struct mm_section *s = pfn_sect(p);
    unsigned sub = pfn_sub(p);
    while (p < e) {
        unsigned o = block_order_at(p, e);
        uint64_t i = p & (MM_PAGES_PER_SUB - 1);
        struct frame *f = sub_frame(s, sub, i);
        frame_init(f, st, o);
        f->owner = (uint8_t)owner;
        f->use.cookie = 0;
        f->use.aux = 0;
        p += 1ull << o;
    }
}

void heap_reset(void);
void obj_reset(void);
void hotplug_reset(void);
void boot_reset(void);
void rmap_reset(void);

/* Forget everything (host only). */
void mm_reset(void)
{
    obj_reset();
    heap_reset();
    hotplug_reset();
    rmap_reset();
    pcp_reset();
    for (uint64_t idx = sect_next(0); idx < NR_SECTIONS; idx = sect_next(idx + 1)) {
        struct mm_section *s = sect_at(idx);
        if (s->home == SECT_HEAP)
            plat_free(s);
    }
    for (unsigned r = 0; r < SECT_ROOT_SIZE; r++) {
        if (leaf_heap[r])
            plat_free(mm_sect_root[r]);
        mm_sect_root[r] = NULL;
        leaf_heap[r] = 0;
    }
    mm_zones_ready = false;
    buddy_zones_init();
    memset(&mm_counters, 0, sizeof mm_counters);
    memset(mm_migrate_fns, 0, sizeof mm_migrate_fns);
    mm_node_mask = 0;
    boot_reset();
}

/* Derived state of section idx. */
enum mm_sect_state mm_section_state(unsigned idx)
{
    const struct mm_section *s = idx < NR_SECTIONS ? sect_at(idx) : NULL;
    if (!s || !s->present)
        return MM_SECT_ABSENT;
    if (s->caged)
        return MM_SECT_CAGED;
    if (s->online)
        return MM_SECT_ONLINE;
    return MM_SECT_OFFLINE;
}

const char *mm_sect_state_name(enum mm_sect_state st)
{
    switch (st) {
    case MM_SECT_ABSENT:
        return "absent";
    case MM_SECT_OFFLINE:
        return "offline";
    case MM_SECT_ONLINE:
        return "online";
    case MM_SECT_CAGED:
        return "caged";
    }
    return "?";
}

uint64_t mm_section_present(unsigned idx)
{
    const struct mm_section *s = idx < NR_SECTIONS ? sect_at(idx) : NULL;
    return s ? s->present : 0;
}

uint64_t mm_section_online(unsigned idx)
{
    const struct mm_section *s = idx < NR_SECTIONS ? sect_at(idx) : NULL;
    return s ? s->online : 0;
}

/* Log what frame pfn is (the block it belongs to). */
void mm_log_frame(int level, const char *what, uint64_t pfn)
{
    if (!pfn_frame_safe(pfn)) {
        MM_LOG(level, "%s: frame 0x%llx not present", what, (unsigned long long)pfn);
        return;
    }
    uint64_t head;
    struct frame *f = frame_block_of(pfn, &head);
    MM_LOG(level, "%s: frame 0x%llx (pa 0x%llx) in block 0x%llx state %s order %u owner %s cookie 0x%x", what,
           (unsigned long long)pfn, (unsigned long long)(pfn << PAGE_SHIFT), (unsigned long long)head,
           frame_state_name(f->state), f->order, mm_owner_name(f->owner),
           fs_is_used(f->state) ? f->use.cookie : 0);
}
