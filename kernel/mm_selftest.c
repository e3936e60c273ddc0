/* mm_selftest.c - in-kernel tests of the memory manager on the real memory map. */
#include <string.h>
#include "kernel/kernel.h"
#include "mm/mm.h"

/* Allocate every free page (largest blocks first, each block linked through its first word),
 * then free them all: the free count returns exactly to where it was and mm_verify passes. */
static int test_exhaust_and_recover(void)
{
    struct mm_zone_stats before, during, after;
    mm_total_stats(&before);
    uint64_t head = 0, pages = 0;
    for (int order = MM_MAX_ORDER; order >= 0; order--) {
        uint64_t pa;
        while ((pa = mm_alloc_pages(order, MM_MOVABLE)) != 0) {
            uint64_t *p = phys_to_virt(pa);
            p[0] = head;
            p[1] = order;
            head = pa;
            pages += 1ull << order;
        }
    }
    mm_total_stats(&during);
    uint64_t mins = 0; /* ordinary allocations leave every zone its minimum */
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned z = 0; z < MM_NR_ZONES; z++)
            mins += mm_zone_min(n, z);
    int bad = during.free != mins || pages != before.free - mins;
    while (head) {
        uint64_t *p = phys_to_virt(head);
        uint64_t next = p[0];
        mm_free_pages(head, (unsigned)p[1]);
        head = next;
    }
    mm_total_stats(&after);
    plat_printf("selftest:   %llu pages allocated until exhaustion, free %llu -> %llu -> %llu\n",
                (unsigned long long)pages, (unsigned long long)before.free, (unsigned long long)during.free,
                (unsigned long long)after.free);
    return bad || after.free != before.free || mm_verify() != 0;
}
SELFTEST("mm.exhaust_and_recover", test_exhaust_and_recover);

/* kmalloc of every size class and a large size: distinct (each keeps its own pattern), writable, freed
 * with mm_verify clean. */
static int test_kmalloc(void)
{
    void *p[64];
    for (int i = 0; i < 64; i++) {
        size_t size = (size_t)16 << (i % 9); /* 16 .. 4096 */
        p[i] = kmalloc(i == 63 ? 100000 : size);
        if (!p[i])
            return 1;
        memset(p[i], i, i == 63 ? 100000 : size);
    }
    int bad = 0; /* each block still holds its own pattern: no two overlap */
    for (int i = 0; i < 64; i++) {
        const uint8_t *b = p[i];
        for (size_t k = 0; k < (i == 63 ? 100000 : (size_t)16 << (i % 9)); k++)
            bad |= b[k] != (uint8_t)i;
    }
    for (int i = 0; i < 64; i++)
        kfree(p[i]);
    return bad || mm_verify() != 0;
}
SELFTEST("mm.kmalloc", test_kmalloc);

/* A movable object is created in the vmap area, checks out, and is dropped. */
static int test_movable_object(void)
{
    uint32_t id, bad = 0;
    if (mm_obj_create(4 << 20, true, -1, &id))
        return 1;
    int r = mm_obj_check_all(&bad);
    mm_obj_drop(id);
    return r != 0 || mm_verify() != 0;
}
SELFTEST("mm.movable_object", test_movable_object);
