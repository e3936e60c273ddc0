/* mm.h - the physical memory manager: sections and the frame database, the buddy allocator, the
 * kernel heap, caging and offline/online (memory hot-remove), hot-add, movable objects with
 * migration, dumps and a consistency checker. Builds for the kernel and for the host.
 *
 * Units: physical addresses (pa) in bytes; a "page" is 4 KiB; "order" n means 2^n pages.
 * Failure values: mm_alloc_* return pa 0 on failure (page 0 is always reserved at boot);
 * everything else returns 0 or a negative MM_E* code.
 *
 * Boot sequence (the kernel, once it has direct-mapped the boot RAM):
 *     for each usable RAM range:   mm_boot_add_range(base, size, node, hotpluggable);
 *     for each range in use:       mm_boot_reserve(base, size, MM_OWN_KERNEL_IMAGE / ...);
 *     mm_boot_finish();            -> buddy, heap (kmalloc) and hotplug are usable
 *     kheap_set_backend(kmalloc, kfree);
 *     optionally mm_set_poll_hook(fn, arg) (run the event loop while an offline waits);
 *     mm_run_deferred() regularly (the kernel: its worker thread; frees queued by
 *     mm_free_pages_deferred).
 * Reservations may be given before or after the ranges they cover; ranges need not be 2 MiB
 * aligned (the rest of a partly covered 2 MiB subsection is a "hole" frame, never allocated).
 * The frame database of boot memory is carved from boot RAM of the same node (preferring
 * non-hotpluggable ranges) and shows up as frames owned by "memmap".
 *
 * Concurrency: every public function takes mm_lock (platform.h LOCK ORDER, rank PLAT_RANK_MM;
 * recursive, interrupts off while held) around its critical section, so any CPU may call any of
 * them. mm_free_pages and kfree may be called from interrupt context; nothing else may. An
 * offline drops the lock while it waits for unmovable pages (the poll hook), between caging
 * steps, and in every migration batch while it waits for TLB shootdowns and copies (see
 * mm_set_migrate_fn): it never waits for another CPU with mm_lock held.
 */
#pragma once
#include "hotmem/params.h"
#include "platform.h"

/* The memory manager's lock (mm/lock.c): covers everything in mm/ and the kernel page tables. */
extern struct plat_spinlock mm_lock;
static inline unsigned long mm_lock_irqsave(void)
{
    return plat_spin_lock_irqsave(&mm_lock);
}
static inline void mm_unlock_irqrestore(unsigned long flags)
{
    plat_spin_unlock_irqrestore(&mm_lock, flags);
}
/* Run one statement with mm_lock held. */
#define MM_WITH_LOCK(stmt)                                                                                   \
    do {                                                                                                     \
        unsigned long mm_irq_ = mm_lock_irqsave();                                                           \
        stmt;                                                                                                \
        mm_unlock_irqrestore(mm_irq_);                                                                       \
    } while (0)

/* Largest buddy block: order 9 = 2 MiB = one subsection. So a block never crosses a subsection
 * (hence never a section) boundary, and subsection-granular offline never splits a block. */
#define MM_MAX_ORDER 9
#define MM_PAGES_PER_SUB (1u << MM_MAX_ORDER)

/* Error codes (negative returns). */
#define MM_EINVAL (-22)     /* bad argument (alignment, range, state) */
#define MM_ENOMEM (-12)     /* no memory (allocation, migration target) */
#define MM_EBUSY (-16)      /* range in use: offline failed, or remove of an online range */
#define MM_EEXIST (-17)     /* range already present */
#define MM_ENOENT (-2)      /* no such object / range */
#define MM_ETIMEDOUT (-110) /* offline: pages still in use when the timeout expired */
#define MM_ECORRUPT (-5)    /* mm_verify found an inconsistency */

/* Zones: NORMAL serves every request; MOVABLE (SRAT-hotpluggable and hot-added memory) serves
 * only movable requests, so that it can always be emptied by migration. */
enum mm_zone { MM_ZONE_NORMAL = 0, MM_ZONE_MOVABLE = 1, MM_NR_ZONES = 2 };

/* Who owns an allocated frame (recorded in the block's head frame; named by failed offlines). */
enum mm_owner {
    MM_OWN_FREE = 0,      /* free (in a free list or held by a cage / offline range) */
    MM_OWN_HOLE,          /* not RAM: the uncovered part of a partly present subsection */
    MM_OWN_FIRMWARE,      /* reserved by firmware (incl. page 0) */
    MM_OWN_KERNEL_IMAGE,  /* kernel text/data/bss */
    MM_OWN_BOOT_PT,       /* early page tables */
    MM_OWN_MULTIBOOT,     /* multiboot information */
    MM_OWN_MEMMAP,        /* the frame database itself */
    MM_OWN_KERNEL,        /* generic mm_alloc_pages() */
    MM_OWN_HEAP,          /* kmalloc slabs and large blocks */
    MM_OWN_PAGETABLE,     /* page tables */
    MM_OWN_ACPI,          /* ACPI buffers */
    MM_OWN_MOVABLE_OBJ,   /* pages of a movable object (migratable) */
    MM_OWN_UNMOVABLE_OBJ, /* pages of an unmovable object (direct map) */
    MM_OWN_TEST_PIN,      /* test aid: unmovable page forced into a range (mm_obj_pin) */
    MM_OWN_SHELL,         /* shell `alloc` */
    MM_OWN_STRESS,        /* the `stress` workload's objects (kernel/stress.c; migratable) */
    MM_OWN_USER,          /* user process pages (mm/rmap.c: reverse-mapped, migratable unless pinned) */
    MM_NR_OWNERS
};
/* Short name of an owner ("heap", "movable", ...); "?" if out of range. */
const char *mm_owner_name(unsigned owner);

/* ---- boot ----------------------------------------------------------------------------------- */
/* Declare boot RAM [base, base+size) on node; hotpluggable (SRAT) RAM goes to ZONE_MOVABLE.
 * The range must already be direct-mapped. Before mm_boot_finish only. */
int mm_boot_add_range(uint64_t base, uint64_t size, unsigned node, bool hotpluggable);
/* Mark [base, base+size) as used by owner (the part that is RAM); before mm_boot_finish only. */
int mm_boot_reserve(uint64_t base, uint64_t size, unsigned owner);
/* Build sections and frame database, put free RAM in the buddy allocator. 0 or MM_ENOMEM. */
int mm_boot_finish(void);
/* Host tests, fuzzers, benchmarks only: forget all state (objects, sections, lists, counters). */
void mm_reset(void);

/* ---- buddy allocator ------------------------------------------------------------------------ */
#define MM_ZERO 0x1u     /* zero the block */
#define MM_MOVABLE 0x2u  /* movable: may come from ZONE_MOVABLE (preferred), then NORMAL */
#define MM_THISNODE 0x4u /* only from the preferred node */
#define MM_NODE(n) (0x100u | ((unsigned)(n) << 4)) /* preferred node (default: node 0 first) */
#define MM_RESERVE 0x8u /* may use the zones' minimum (migration targets, page tables) */

/* Allocate 2^order pages (order <= MM_MAX_ORDER) owned by owner with a cookie; pa or 0. */
uint64_t mm_alloc_pages_owner(unsigned order, unsigned flags, unsigned owner, uint32_t cookie);
/* mm_alloc_pages_owner(order, flags, MM_OWN_KERNEL, 0). */
uint64_t mm_alloc_pages(unsigned order, unsigned flags);
/* Between mm_reserve_begin() and mm_reserve_end() every allocation may use the zones' minimum
 * (as with MM_RESERVE): the ACPI event path (GPE methods, memory-device requests), which must run
 * and report an eject's outcome when memory is short. Per thread (plat_thread_reserve): other
 * threads' allocations meanwhile stay above the minimum. Nests. */
void mm_reserve_begin(void);
void mm_reserve_end(void);
/* The minimum free pages of (node, zone) that only MM_RESERVE allocations may take. */
uint64_t mm_zone_min(unsigned node, unsigned zone);
/* Allocate a free block of 2^order pages inside [lo, hi) regardless of zone (test aid: pin a
 * DIMM); pa or 0. */
uint64_t mm_alloc_pages_in(uint64_t lo, uint64_t hi, unsigned order, unsigned flags, unsigned owner,
                           uint32_t cookie);
/* Free a block returned by an allocation with the same order. Bad frees (unaligned, outside
 * RAM, not allocated, double, wrong order) panic naming the frame. */
void mm_free_pages(uint64_t pa, unsigned order);
/* Owner data of an allocated block head: owner, cookie and an extra 32-bit word (aux). */
void mm_set_aux(uint64_t pa, uint32_t aux);
/* Owner and cookie (0 unless allocated) of the block that contains pa; 0, or MM_EINVAL if pa is
 * not in present memory. */
int mm_frame_owner(uint64_t pa, unsigned *owner, uint32_t *cookie);

/* ---- kernel heap ---------------------------------------------------------------------------- */
/* Zeroed unmovable memory of size bytes (16-byte aligned), or NULL. <= 2 KiB from size classes,
 * larger straight from the buddy allocator. */
void *kmalloc(size_t size);
/* Free kmalloc memory (NULL is fine); a bad pointer or double free panics. */
void kfree(void *p);

/* ---- hotplug -------------------------------------------------------------------------------- */
/* Why an offline failed. */
struct mm_offline_report {
    int err;                /* 0 or MM_E* */
    uint64_t block_pfn;     /* first frame that blocked the offline (err != 0) */
    unsigned block_owner;   /* its owner (enum mm_owner) */
    const char *owner_name; /* mm_owner_name(block_owner) */
    uint32_t block_cookie;  /* its cookie */
    uint64_t pages_free;    /* pages taken from the free lists at cage time */
    uint64_t pages_migrated;
    uint64_t pages_waited; /* pages freed into the cage while waiting */
    uint64_t elapsed_ns;
    uint64_t max_hold_ns;    /* longest mm_lock hold (an interrupts-off window) of the offline */
    uint64_t lock_breaks;    /* times it released mm_lock and took it again (relax, migration, unmap) */
    uint64_t holds;          /* its mm_lock holds (lock_breaks + 1 and the nested ones' waits) */
    uint64_t holds_over_aim; /* of them, longer than MM_IRQOFF_AIM_NS */
    uint64_t p99_hold_ns;    /* 99th percentile of their lengths (an upper bound within 1/8) */
};
/* Offline [base, base+size) (2 MiB aligned; absent or already offline subsections are
 * skipped): cage, take free blocks, wait (bounded) for unmovable pages, migrate movable pages.
 * On failure every subsection is online again and rep (optional) names the blocking frame. */
int mm_offline_range(uint64_t base, uint64_t size, struct mm_offline_report *rep);
/* Online the offline subsections of [base, base+size): free lists get the largest blocks. */
int mm_online_range(uint64_t base, uint64_t size);
/* Hot-add [base, base+size) (2 MiB aligned, not present) on node into ZONE_MOVABLE: maps it,
 * puts its frame database on its own first pages, onlines it. */
int mm_add_memory(uint64_t base, uint64_t size, unsigned node);
/* Remove a range added by mm_add_memory (exactly that range), which must be offline. */
int mm_remove_memory(uint64_t base, uint64_t size);
/* Hot-add [base, base+size) (2 MiB aligned, not present) on node into ZONE_MOVABLE with each
 * 2 MiB subsection standing alone (its frame database, 8 KiB, from the kernel heap, so that the new
 * memory is not touched), and online it: any run of it can later be offlined and removed by
 * itself (virtio-mem blocks). */
int mm_add_subsections(uint64_t base, uint64_t size, unsigned node);
/* Remove offline subsections added by mm_add_subsections (any run of them). */
int mm_remove_subsections(uint64_t base, uint64_t size);
/* What the pages of a range are used for (online subsections; offline ones are counted apart). */
struct mm_range_usage {
    uint64_t free, movable, unmovable, offline; /* pages */
    uint64_t first_unmov_pfn;                   /* first unmovable block (unmovable != 0) */
    unsigned first_unmov_owner;                 /* its owner (enum mm_owner) */
    uint32_t first_unmov_cookie;
};
/* Fill *u for [base, base+size) (2 MiB aligned). 0 or MM_EINVAL. */
int mm_range_usage(uint64_t base, uint64_t size, struct mm_range_usage *u);
/* Default timeout of the wait for unmovable pages of an offline: 1000 ms. */
void mm_set_offline_timeout_ms(uint64_t ms);
uint64_t mm_offline_timeout_ms(void);
/* Deadline of a whole offline (MM_OFFLINE_DEADLINE_MS): checked before each block migrated; an
 * offline still migrating then fails with MM_ETIMEDOUT and rolls back. */
void mm_set_offline_deadline_ms(uint64_t ms);
uint64_t mm_offline_deadline_ms(void);
/* The wait of an offline for unmovable pages: each pass runs the poll hook (the event loop's
 * work; it returns true if it did or queued work that may free pages) and then mm_run_deferred().
 * When neither did anything, nothing can free the pages any more: the offline fails at once
 * (MM_EBUSY) instead of sleeping to the timeout. The timeout (MM_ETIMEDOUT) bounds a wait during
 * which work keeps coming. */
void mm_set_poll_hook(bool (*fn)(void *arg), void *arg);
/* Free a block later (from a context that must not free now, e.g. with its owner's data still in
 * use): queued until mm_run_deferred(). 0, or MM_ENOMEM if the queue is full (nothing queued). */
int mm_free_pages_deferred(uint64_t pa, unsigned order);
/* Free every queued block (the kernel's worker thread, and every wait of an offline); how many. */
unsigned mm_run_deferred(void);
/* Migration of the movable blocks of an owner, a batch (MM_MIGRATE_BATCH blocks) at a time, the
 * page isolation way (mm/hotplug.c):
 *   1. mm_lock held: each block becomes MIGRATING (nobody else migrates, reuses or releases it)
 *      and its owner's isolate callback runs; the TLB shootdowns those make are queued.
 *   2. mm_lock released, interrupts on: the shootdowns complete, then every block is copied.
 *   3. mm_lock held again: a block its owner freed meanwhile (mm_free_pages of a MIGRATING block
 *      is legal: it only marks it) is dropped: no migrate callback, target freed. For the others
 *      the migrate callback runs; the shootdowns it makes are queued too, and the old block is
 *      released (into the cage) only once they are complete (waited for without mm_lock).
 * Migrate callback (mm_lock held): the block was copied from old_pa to new_pa; switch every
 * reference to new_pa and return 0, or <0: the block stays at old_pa (MOVABLE again) and blocks
 * the offline; then every mapping the isolate callback removed must be restored to old_pa. A
 * remap of a mapping that was not present needs no shootdown; one that replaces a present
 * mapping (owners without an isolate callback) is flushed before old_pa is reused.
 * So between steps 1 and 3 the owner may still read the old block, may free it, must not write
 * it except through what the isolate callback made wait, and must expect its mappings to be
 * migration entries (an unmap of one frees the page all the same). */
typedef int (*mm_migrate_fn)(uint64_t old_pa, uint64_t new_pa, unsigned order, uint32_t cookie, uint32_t aux);
void mm_set_migrate_fn(unsigned owner, mm_migrate_fn fn);
/* Optional, for owners whose pages are written without mm_lock: called (mm_lock held, step 1
 * above) before the block is copied; it must make the block unreachable for writers (migration
 * entries: a CPU that touches the page waits until the migrate callback maps it again). Its TLB
 * shootdowns are deferred (plat_tlb_batch_begin/queue) and complete before the copy. A thread
 * that waits on a migration entry must not keep the offline's CPU from running: the offline runs
 * steps 1-3 with preemption off (plat_preempt_disable). An owner without this callback must write
 * its pages only under mm_lock and never while a block of it is MIGRATING (it only reads them). */
typedef void (*mm_isolate_fn)(uint64_t old_pa, unsigned order, uint32_t cookie, uint32_t aux);
void mm_set_isolate_fn(unsigned owner, mm_isolate_fn fn);

/* Optional: a description of an allocated block that blocks an offline (e.g. the process that
 * pins it), stored in rep->owner_name instead of the bare owner name. Returns a string that stays
 * valid until the next failed offline, or NULL for the plain owner name. */
typedef const char *(*mm_describe_fn)(uint64_t pa, uint32_t cookie, uint32_t aux);
void mm_set_describe_fn(unsigned owner, mm_describe_fn fn);

/* ---- user pages and their reverse map (mm/rmap.c) ---------------------------------------------
 * Every user page (owner MM_OWN_USER, order 0, movable) has a record listing every mapping of it:
 * (holder, key) pairs with the holder's operations (an address space and a virtual address, or
 * a shared-memory object and a page index). Migration of the page (offline) goes through them:
 * isolate makes every mapping a migration entry and shoots down the TLBs of the CPUs that may
 * cache it (deferred: mm_set_isolate_fn), the copy follows without mm_lock, remap points every
 * mapping at the new page. A page with pins > 0 refuses to migrate (MM_EBUSY) and its description
 * names the pin; one pinned while isolated gets its mappings back at the old page. The callbacks
 * and these functions run under mm_lock; between isolate and remap mappings may come and go
 * (mm_rmap_isolated). */
struct mm_rmap_ops {
    /* Make (holder, key)'s mapping unreachable (migration entry + TLB shootdown). */
    void (*isolate)(void *holder, uint64_t key);
    /* Point (holder, key) at new_pa and make it reachable again. */
    void (*remap)(void *holder, uint64_t key, uint64_t new_pa);
    /* Describe the holder ("pid=3,prog=pin") into buf. */
    void (*describe)(void *holder, char *buf, size_t n);
    /* A number naming the holder in the trace (a pid, a shared object's key). */
    uint64_t (*id)(void *holder);
};
/* A new zeroed user page of node (movable zone first) mapped once by (holder, key); pa or 0. */
uint64_t mm_user_page_alloc(unsigned node, const struct mm_rmap_ops *ops, void *holder, uint64_t key);
/* Add / remove one mapping of user page pa. Remove returns the mappings left (the caller frees
 * the page with mm_user_page_free when 0) or MM_ENOENT. */
int mm_rmap_add(uint64_t pa, const struct mm_rmap_ops *ops, void *holder, uint64_t key);
int mm_rmap_remove(uint64_t pa, void *holder, uint64_t key);
/* Free a user page with no mapping left. */
void mm_user_page_free(uint64_t pa);
/* Pin (delta +1) or unpin (-1) user page pa under a name (kept by the caller while pinned). */
int mm_rmap_pin(uint64_t pa, int delta, const char *name);
/* Mappings of pa (0 if not a user page). */
unsigned mm_rmap_count(uint64_t pa);
/* Is user page pa isolated by a migration (between the isolate and remap callbacks, which the
 * offline runs in two mm_lock holds)? A mapping added meanwhile must be made a migration entry
 * too: the remap makes it present with the rest. */
bool mm_rmap_isolated(uint64_t pa);
/* Node and zone of a present frame; MM_ENOENT if pa is not in a present subsection. */
int mm_pa_node_zone(uint64_t pa, unsigned *node, unsigned *zone);
struct mm_user_stats {
    uint64_t pages;        /* user pages allocated now */
    uint64_t mappings;     /* reverse-map entries */
    uint64_t pinned;       /* pages with pins */
    uint64_t migrated;     /* user pages migrated (ever) */
    uint64_t migrate_busy; /* migrations refused by a pin */
    uint64_t alloc_fail;   /* failed user page / record allocations */
};
void mm_user_stats(struct mm_user_stats *st);
/* User pages now in (node, zone). */
uint64_t mm_user_zone_pages(unsigned node, unsigned zone);

/* ---- movable objects ("fill" workloads) ------------------------------------------------------ */
/* Create an object of bytes (rounded up to pages) filled with a pattern and checksummed.
 * movable: pages from movable memory mapped in the vmap area (migratable); else direct-map
 * pages owned "unmovable-obj". node < 0: no preference. Id in *id. */
int mm_obj_create(uint64_t bytes, bool movable, int node, uint32_t *id);
/* Test aid: an unmovable one-page object ("test-pin") forced inside [lo, hi). */
int mm_obj_pin(uint64_t lo, uint64_t hi, uint32_t *id);
/* Verify every object's checksum: number of bad objects (first bad id in *bad if given). */
int mm_obj_check_all(uint32_t *bad);
/* Drop one object / all objects. */
int mm_obj_drop(uint32_t id);
void mm_obj_drop_all(void);
/* Print one line per object (id, pages, kind, node, va). */
void mm_obj_dump(void);
unsigned mm_obj_count(void);

/* ---- statistics, dumps, checks ---------------------------------------------------------------- */
struct mm_zone_stats {
    uint64_t present;                     /* RAM pages in present subsections */
    uint64_t online;                      /* RAM pages in online subsections */
    uint64_t free;                        /* pages in the free lists and the per-CPU caches */
    uint64_t caged;                       /* free pages held by a running offline (not in the lists) */
    uint64_t movable;                     /* pages allocated movable */
    uint64_t kernel;                      /* online - free - caged - movable */
    uint64_t nr_blocks[MM_MAX_ORDER + 1]; /* free blocks per order */
};
void mm_zone_stats(unsigned node, unsigned zone, struct mm_zone_stats *st);
/* Sum over every node and zone. */
void mm_total_stats(struct mm_zone_stats *st);

/* Per-CPU page caches (mm/pcp.c). Off after mm_reset (host tests that check exact buddy
 * layouts); the kernel turns them on at boot. Turning them off drains them. */
void mm_pcp_enable(bool on);
/* Give every CPU's cached pages back to the free lists (an offline does this itself). */
void mm_pcp_drain(void);
struct mm_pcp_stats {
    bool enabled;
    uint64_t pages;       /* pages in all caches */
    uint64_t hits;        /* allocations served by a cache */
    uint64_t spills;      /* lists that overflowed and gave a batch back */
    uint64_t caged_frees; /* frees into a caged subsection, passed to the cage */
    uint64_t drains;      /* drains of every cache (offlines, verify, failures) */
    uint64_t syncs;       /* remote accesses: announced, then synced with the CPUs (plat_cpu_sync) */
};
void mm_pcp_stats(struct mm_pcp_stats *st);
/* Pages in CPU cpu's caches of (node, zone) (a racy read: statistics and tests). */
uint64_t mm_pcp_pages(unsigned cpu, unsigned node, unsigned zone);

/* Failure counters (never reset except by mm_reset). */
struct mm_counters {
    uint64_t alloc_fail[MM_MAX_ORDER + 1];
    uint64_t alloc_in_fail;
    uint64_t bad_arg;
    uint64_t kmalloc_fail;
    uint64_t offline_ok, offline_fail, offline_timeout;
    uint64_t offline_not_ram; /* refused: a subsection only partly RAM (firmware tables, holes) */
    uint64_t offline_min;     /* refused: migrating would take the zones below their minimum */
    uint64_t offline_nowait;  /* failed at once: unmovable pages and nothing that could free them */
    uint64_t deferred_freed, deferred_full; /* mm_free_pages_deferred: run later / queue full */
    uint64_t alloc_min; /* allocations refused at a zone's minimum (memory left for MM_RESERVE) */
    uint64_t online_ok, online_fail;
    uint64_t add_ok, add_fail, remove_ok, remove_fail;
    uint64_t migrate_ok, migrate_fail;
    uint64_t migrate_freed; /* blocks their owner freed while an offline copied them (copy dropped) */
    uint64_t obj_fail;
    uint64_t verify_fail;
    uint64_t boot_fail;
};
extern struct mm_counters mm_counters;

/* Dumps (stable key=value formats, one record per line, see docs/mm.md). */
void mm_dump_mem(void);
void mm_dump_buddyinfo(void);
void mm_dump_sections(void);
void mm_dump_counters(void);
/* Walk every free list and every present section and cross-check them; 0, or MM_ECORRUPT after
 * logging each problem found (LOG_ERR, subsystem "mm"). */
int mm_verify(void);

/* Order-independent fingerprint of the set of free blocks on the free lists (equal sets give
 * equal values): tests compare it before and after a rolled-back offline. */
uint64_t mm_free_fingerprint(void);

/* Section index / state helpers for the shell and tests. */
enum mm_sect_state { MM_SECT_ABSENT, MM_SECT_OFFLINE, MM_SECT_ONLINE, MM_SECT_CAGED };
enum mm_sect_state mm_section_state(unsigned idx);
const char *mm_sect_state_name(enum mm_sect_state st);
/* Present subsection mask of section idx (0 if absent). */
uint64_t mm_section_present(unsigned idx);
uint64_t mm_section_online(unsigned idx);
