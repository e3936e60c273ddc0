/* dump.c - text dumps of the memory manager (shell commands, tests, gdb helpers).
 * Formats are stable: one record per line, "key=value" fields separated by single spaces, numbers
 * in pages (4 KiB) unless the key says otherwise, addresses in hex with 0x. See docs/mm.md. */
#include "mm/mm_internal.h"

/* Bits set in x (no libgcc in the kernel: no __builtin_popcountll). */
static unsigned dump_popcount64(uint64_t x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

static const char *const zone_names[MM_NR_ZONES] = {"normal", "movable"};

/* mem: one line per (node, zone) with memory, then a total line. */
static void mm_dump_mem_locked(void)
{
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned zi = 0; zi < MM_NR_ZONES; zi++) {
            struct mm_zone_stats st;
            mm_zone_stats(n, zi, &st);
            if (!st.present)
                continue;
            plat_printf("mem node=%u zone=%s present=%llu online=%llu free=%llu kernel=%llu movable=%llu "
                        "caged=%llu user=%llu\n",
                        n, zone_names[zi], (unsigned long long)st.present, (unsigned long long)st.online,
                        (unsigned long long)st.free, (unsigned long long)st.kernel,
                        (unsigned long long)st.movable, (unsigned long long)st.caged,
                        (unsigned long long)mm_user_zone_pages(n, zi));
        }
    struct mm_zone_stats t;
    mm_total_stats(&t);
    struct mm_user_stats u;
    mm_user_stats(&u);
    plat_printf("mem total present=%llu online=%llu free=%llu kernel=%llu movable=%llu caged=%llu "
                "free_mib=%llu user=%llu\n",
                (unsigned long long)t.present, (unsigned long long)t.online, (unsigned long long)t.free,
                (unsigned long long)t.kernel, (unsigned long long)t.movable, (unsigned long long)t.caged,
                (unsigned long long)(t.free >> (20 - PAGE_SHIFT)), (unsigned long long)u.pages);
}

/* buddyinfo: "buddyinfo node=N zone=Z" then the free block count of each order 0..MM_MAX_ORDER. */
static void mm_dump_buddyinfo_locked(void)
{
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned zi = 0; zi < MM_NR_ZONES; zi++) {
            const struct mm_zone_lists *z = &mm_zones[n][zi];
            if (!z->present)
                continue;
            plat_printf("buddyinfo node=%u zone=%s", n, zone_names[zi]);
            for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
                plat_printf(" %u", z->nr[o]);
            plat_printf("\n");
        }
}

/* User pages (allocated blocks owned MM_OWN_USER) in a section: a walk of block heads. */
static uint64_t user_in_section(struct mm_section *s)
{
    uint64_t n = 0;
    for (unsigned sub = 0; sub < SUBSECTIONS_PER_SECTION; sub++)
        for (uint64_t i = 0; s->present >> sub & 1 && i < MM_PAGES_PER_SUB;) {
            const struct frame *f = sub_frame(s, sub, i);
            MM_ASSERT(f->state > FS_TAIL && f->order <= MM_MAX_ORDER, 0, f);
            if (fs_is_used(f->state) && f->owner == MM_OWN_USER)
                n += 1ull << f->order;
            i += 1ull << f->order;
        }
    return n;
}

/* sections: one line per present section. */
static void mm_dump_sections_locked(void)
{
    for (uint64_t i = sect_next(0); i < NR_SECTIONS; i = sect_next(i + 1)) {
        struct mm_section *s = sect_at(i);
        unsigned idx = (unsigned)i;
        if (!s->present)
            continue;
        uint64_t online = 0;
        for (unsigned sub = 0; sub < SUBSECTIONS_PER_SECTION; sub++)
            if (s->online >> sub & 1)
                online += s->sub_pages[sub];
        const char *zone = !s->movable ? "normal" : (s->movable == s->present ? "movable" : "mixed");
        plat_printf("section idx=%u base=0x%llx node=%u zone=%s state=%s present=%u/64 mask=0x%016llx "
                    "online=0x%016llx free=%u used=%llu user=%llu\n",
                    idx, (unsigned long long)idx << SECTION_SHIFT, s->node, zone,
                    mm_sect_state_name(mm_section_state(idx)), dump_popcount64(s->present),
                    (unsigned long long)s->present, (unsigned long long)s->online, s->nr_free,
                    (unsigned long long)(online - s->nr_free - s->nr_held),
                    (unsigned long long)user_in_section(s));
    }
}

/* counters: one line of key=value. */
static void mm_dump_counters_locked(void)
{
    const struct mm_counters *c = &mm_counters;
    uint64_t af = 0;
    for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
        af += c->alloc_fail[o];
    plat_printf(
        "counters alloc_fail=%llu alloc_in_fail=%llu bad_arg=%llu kmalloc_fail=%llu offline_ok=%llu "
        "offline_fail=%llu offline_timeout=%llu offline_not_ram=%llu offline_min=%llu offline_nowait=%llu "
        "deferred_freed=%llu alloc_min=%llu "
        "online_ok=%llu online_fail=%llu "
        "add_ok=%llu "
        "add_fail=%llu remove_ok=%llu remove_fail=%llu migrate_ok=%llu migrate_fail=%llu obj_fail=%llu "
        "verify_fail=%llu migrate_freed=%llu\n",
        (unsigned long long)af, (unsigned long long)c->alloc_in_fail, (unsigned long long)c->bad_arg,
        (unsigned long long)c->kmalloc_fail, (unsigned long long)c->offline_ok,
        (unsigned long long)c->offline_fail, (unsigned long long)c->offline_timeout,
        (unsigned long long)c->offline_not_ram, (unsigned long long)c->offline_min,
        (unsigned long long)c->offline_nowait, (unsigned long long)c->deferred_freed,
        (unsigned long long)c->alloc_min, (unsigned long long)c->online_ok,
        (unsigned long long)c->online_fail, (unsigned long long)c->add_ok, (unsigned long long)c->add_fail,
        (unsigned long long)c->remove_ok, (unsigned long long)c->remove_fail,
        (unsigned long long)c->migrate_ok, (unsigned long long)c->migrate_fail,
        (unsigned long long)c->obj_fail, (unsigned long long)c->verify_fail,
        (unsigned long long)c->migrate_freed);
}

/* ---- the public entry points: each runs its _locked body under mm_lock ---- */

/* mm_dump_mem (mm.h) under mm_lock. */
void mm_dump_mem(void)
{
    MM_WITH_LOCK(mm_dump_mem_locked());
}

/* mm_dump_buddyinfo (mm.h) under mm_lock. */
void mm_dump_buddyinfo(void)
{
    MM_WITH_LOCK(mm_dump_buddyinfo_locked());
}

/* mm_dump_sections (mm.h) under mm_lock. */
void mm_dump_sections(void)
{
    MM_WITH_LOCK(mm_dump_sections_locked());
}

/* mm_dump_counters (mm.h) under mm_lock. */
void mm_dump_counters(void)
{
    MM_WITH_LOCK(mm_dump_counters_locked());
}
