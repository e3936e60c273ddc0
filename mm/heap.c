/* heap.c - kmalloc/kfree: power-of-two size classes (16..1024 bytes) in one-page slabs, larger
 * sizes straight from the buddy allocator. All heap pages are unmovable, owned "heap".
 *
 * Every heap page starts with a 64-byte header (so no object is page-aligned, and kfree finds
 * the header by rounding the pointer down to its page):
 *   slab:  magic SLAB_MAGIC, class, free count, free list of objects, links in its class list;
 *   large: magic LARGE_MAGIC, order; the object follows the header.
 * A free slab object holds (next pointer, FREE_MAGIC): kfree of an object that already holds
 * FREE_MAGIC panics as a double free. A class keeps at most one empty slab.
 */
#include <string.h>

#include "mm/mm_internal.h"

#define HDR 64
#define SLAB_MAGIC 0x51ab0b1eu
#define LARGE_MAGIC 0x1a26eb10u
#define FREE_MAGIC 0xf7eef7eef7eef7eeull
#define NCLASS 7 /* 16 << 0 .. 16 << 6 = 1024 */

struct slab {
    uint32_t magic;
    uint16_t cls;
    uint16_t nfree;
    uint64_t pa;
    void *freelist;
    struct slab *next, *prev; /* partial list of the class (nfree > 0) */
    uint32_t order;           /* large blocks */
};
_Static_assert(sizeof(struct slab) <= HDR, "slab header");

static struct {
    struct slab *partial;
    unsigned nempty;
} cls[NCLASS];

void heap_reset(void)
{
    memset(cls, 0, sizeof cls);
}

static void slab_unlink(unsigned c, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        cls[c].partial = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void slab_push(unsigned c, struct slab *s)
{
    s->prev = NULL;
    s->next = cls[c].partial;
    if (s->next)
        s->next->prev = s;
    cls[c].partial = s;
}

/* A new slab for class c, or NULL. */
static struct slab *slab_new(unsigned c)
{
    unsigned size = 16u << c;
    uint64_t pa = mm_alloc_pages_owner(0, 0, MM_OWN_HEAP, size);
    if (!pa)
        return NULL;
    struct slab *s = plat_phys_to_virt(pa);
    memset(s, 0, HDR);
    s->magic = SLAB_MAGIC;
    s->cls = (uint16_t)c;
    s->pa = pa;
    uint8_t *base = (uint8_t *)s + HDR;
    unsigned n = (unsigned)((PAGE_SIZE - HDR) / size);
    void *fl = NULL;
    for (unsigned i = n; i-- > 0;) {
        uint64_t *o = (uint64_t *)(base + i * size);
        o[0] = (uint64_t)(uintptr_t)fl;
        if (size >= 16)
            o[1] = FREE_MAGIC;
        fl = o;
    }
    s->freelist = fl;
    s->nfree = (uint16_t)n;
    slab_push(c, s);
    cls[c].nempty++;
    return s;
}

/* Zeroed memory of size bytes, or NULL. */
void *kmalloc(size_t size)
{
    if (!size)
        size = 1;
    if (size > 1024) {
        if (size > (PAGE_SIZE << MM_MAX_ORDER) - HDR) {
            mm_counters.kmalloc_fail++;
            return NULL;
        }
        unsigned order = 0;
        while ((PAGE_SIZE << order) < size + HDR)
            order++;
        uint64_t pa = mm_alloc_pages_owner(order, 0, MM_OWN_HEAP, (uint32_t)size);
        if (!pa) {
            mm_counters.kmalloc_fail++;
            return NULL;
        }
        struct slab *s = plat_phys_to_virt(pa);
        memset(s, 0, HDR + size); /* zero what is handed out, not the whole block */
        s->magic = LARGE_MAGIC;
        s->pa = pa;
        s->order = order;
        return (uint8_t *)s + HDR;
    }
    unsigned c = 0;
    while ((16u << c) < size)
        c++;
    unsigned long irq = mm_lock_irqsave();
    struct slab *s = cls[c].partial;
    if (!s && !(s = slab_new(c))) {
        mm_unlock_irqrestore(irq);
        mm_counters.kmalloc_fail++;
        return NULL;
    }
    unsigned total = (unsigned)((PAGE_SIZE - HDR) / (16u << c));
    if (s->nfree == total)
        cls[c].nempty--;
    uint64_t *o = s->freelist;
    s->freelist = (void *)(uintptr_t)o[0];
    if (--s->nfree == 0)
        slab_unlink(c, s);
    mm_unlock_irqrestore(irq);
    memset(o, 0, 16u << c);
    return o;
}

/* Free kmalloc memory. */
void kfree(void *p)
{
    if (!p)
        return;
    uintptr_t a = (uintptr_t)p;
    struct slab *s = (struct slab *)(a & ~(uintptr_t)(PAGE_SIZE - 1));
    if ((a & (PAGE_SIZE - 1)) < HDR)
        plat_panic("kfree: %p is not a heap object (inside a page header)", p);
    if (s->magic == LARGE_MAGIC) {
        if (a != (uintptr_t)s + HDR)
            plat_panic("kfree: %p is inside a large heap block", p);
        s->magic = 0;
        mm_free_pages(s->pa, s->order);
        return;
    }
    if (s->magic != SLAB_MAGIC || s->cls >= NCLASS)
        plat_panic("kfree: %p is not a heap object (bad header magic 0x%x)", p, s->magic);
    unsigned c = s->cls, size = 16u << c;
    unsigned total = (unsigned)((PAGE_SIZE - HDR) / size);
    if ((a - (uintptr_t)s - HDR) % size || (a - (uintptr_t)s - HDR) / size >= total)
        plat_panic("kfree: %p is not the start of a %u-byte heap object", p, size);
    uint64_t *o = p;
    if (o[1] == FREE_MAGIC)
        plat_panic("kfree: double free of %p (%u-byte object, page 0x%llx)", p, size,
                   (unsigned long long)s->pa);
    unsigned long irq = mm_lock_irqsave();
    o[0] = (uint64_t)(uintptr_t)s->freelist;
    o[1] = FREE_MAGIC;
    s->freelist = o;
    if (s->nfree++ == 0)
        slab_push(c, s);
    if (s->nfree == total) {
        if (cls[c].nempty >= 1) {
            slab_unlink(c, s);
            s->magic = 0;
            mm_free_pages(s->pa, 0);
        } else {
            cls[c].nempty++;
        }
    }
    mm_unlock_irqrestore(irq);
}
