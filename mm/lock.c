/* lock.c - mm_lock, the memory manager's spinlock (its place in the lock order: platform.h).
 *
 * It covers every mutable global of mm/ (sections and frame database, free lists and zone
 * counters, the heap's slab lists, movable objects, mm_counters, the offline state) and the
 * kernel's page tables. It is recursive because the mm re-enters itself under it: page-table
 * pages come from the buddy allocator, kmalloc and plat_alloc from the slab heap. */
#include "mm/mm.h"

struct plat_spinlock mm_lock = PLAT_SPINLOCK_INIT("mm_lock", PLAT_RANK_MM, PLAT_LOCK_RECURSIVE);
