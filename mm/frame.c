/* frame.c - frame states: names, the legal transitions (checked in MM_DEBUG builds) and the
 * failure report of MM_ASSERT. */
#include "mm/mm_internal.h"

#define B(s) (1u << (s))
/* Bit t of fs_legal[s]: s -> t allowed by frame_set (see the state machine on struct frame). */
const uint16_t fs_legal[FS_NR] = {
    [FS_UNINIT] = 0, /* becomes a head only by frame_init (split, boot, hot-add) */
    [FS_TAIL] = 0,
    [FS_FREE] = B(FS_USED) | B(FS_MOVABLE) | B(FS_HELD) | B(FS_UNINIT) | B(FS_CACHED),
    [FS_HELD] = B(FS_FREE) | B(FS_OFFLINE),
    [FS_OFFLINE] = B(FS_FREE),
    [FS_USED] = B(FS_FREE) | B(FS_HELD) | B(FS_CACHED),
    [FS_MOVABLE] = B(FS_FREE) | B(FS_HELD) | B(FS_CACHED) | B(FS_MIGRATING),
    [FS_FIXED] = 0,
    [FS_HOLE] = 0,
    [FS_CACHED] = B(FS_USED) | B(FS_MOVABLE) | B(FS_FREE) | B(FS_HELD),
    [FS_MIGRATING] = B(FS_MOVABLE) | B(FS_MIG_FREED) | B(FS_HELD),
    [FS_MIG_FREED] = B(FS_HELD),
};

static const char *const fs_names[FS_NR] = {
    [FS_UNINIT] = "uninit",   [FS_TAIL] = "tail",           [FS_FREE] = "free",
    [FS_HELD] = "held",       [FS_OFFLINE] = "offline",     [FS_USED] = "used",
    [FS_MOVABLE] = "movable", [FS_FIXED] = "fixed",         [FS_HOLE] = "hole",
    [FS_CACHED] = "cached",   [FS_MIGRATING] = "migrating", [FS_MIG_FREED] = "mig-freed",
};

/* Name of a frame state. */
const char *frame_state_name(unsigned st)
{
    return st < FS_NR ? fs_names[st] : "?";
}

/* Panic for a failed MM_ASSERT, naming the frame (and what its descriptor says). */
void mm_assert_fail(const char *cond, const char *fn, uint64_t pfn, const struct frame *f)
{
    if (!f)
        plat_panic("mm: %s: assertion failed: %s (frame 0x%llx)", fn, cond, (unsigned long long)pfn);
    plat_panic("mm: %s: assertion failed: %s (frame 0x%llx state %s order %u owner %s)", fn, cond,
               (unsigned long long)pfn, frame_state_name(f->state), f->order, mm_owner_name(f->owner));
}
