/* virtqueue.c - split virtqueues (virtio 1.2, 2.7) in one page each (see virtio.h). */
#include <string.h>

#include "drivers/virtio/virtio.h"
#include "mm/mm.h"
#include "platform.h"

#define VIRTQ_COOKIE 0x56515545 /* "VQUE": owner cookie of ring pages */
#define D_NEXT 1
#define D_WRITE 2

/* Descriptor i: u64 addr, u32 len, u16 flags, u16 next. */
struct vdesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static inline void barrier(void)
{
    __asm__ volatile("mfence" ::: "memory");
}

static volatile struct vdesc *desc_at(const struct virtq *q, unsigned i)
{
    return (volatile struct vdesc *)q->desc + i;
}

int virtq_init(struct virtq *q, uint16_t size)
{
    memset(q, 0, sizeof *q);
    PLAT_ASSERT(size && size <= VIRTQ_SIZE && !(size & (size - 1)));
    q->pa = mm_alloc_pages_owner(0, MM_ZERO, MM_OWN_KERNEL, VIRTQ_COOKIE);
    if (!q->pa) {
        plat_log(LOG_ERR, "virtio", "no page for a virtqueue");
        return -1;
    }
    uint8_t *page = plat_phys_to_virt(q->pa);
    q->size = size;
    q->desc = page;
    q->avail = (volatile uint16_t *)(page + 16 * size);
    q->used = page + VIRTQ_USED_OFF;
    q->scratch = page + VIRTQ_SCRATCH_OFF;
    q->scratch_pa = q->pa + VIRTQ_SCRATCH_OFF;
    for (uint16_t i = 0; i < size; i++)
        desc_at(q, i)->next = (uint16_t)(i + 1);
    q->nfree = size;
    return 0;
}

void virtq_free(struct virtq *q)
{
    if (q->pa)
        mm_free_pages(q->pa, 0);
    memset(q, 0, sizeof *q);
}

int virtq_add(struct virtq *q, const struct vio_buf *bufs, unsigned n)
{
    if (!n || n > q->nfree)
        return -1;
    uint16_t head = q->free_head, i = head;
    for (unsigned k = 0; k < n; k++) {
        volatile struct vdesc *dsc = desc_at(q, i);
        dsc->addr = bufs[k].pa;
        dsc->len = bufs[k].len;
        dsc->flags = (uint16_t)((bufs[k].write ? D_WRITE : 0) | (k + 1 < n ? D_NEXT : 0));
        if (k + 1 < n)
            i = dsc->next;
    }
    q->free_head = desc_at(q, i)->next;
    q->nfree = (uint16_t)(q->nfree - n);
    q->avail[2 + q->avail_idx % q->size] = head;
    barrier();
    q->avail_idx++;
    q->avail[1] = q->avail_idx;
    return head;
}

void virtq_kick(struct virtq *q)
{
    barrier();
    *q->kick = q->index;
}

bool virtq_has_used(const struct virtq *q)
{
    return *(volatile uint16_t *)(q->used + 2) != q->last_used;
}

int virtq_used(struct virtq *q, uint32_t *len)
{
    if (!virtq_has_used(q))
        return -1;
    barrier();
    volatile uint32_t *e = (volatile uint32_t *)(q->used + 4 + 8 * (q->last_used % q->size));
    uint16_t id = (uint16_t)e[0];
    if (len)
        *len = e[1];
    q->last_used++;
    if (id >= q->size)
        return -1;
    /* Give the chain back to the free list. */
    uint16_t i = id, n = 1;
    while (desc_at(q, i)->flags & D_NEXT) {
        i = desc_at(q, i)->next;
        n++;
    }
    desc_at(q, i)->next = q->free_head;
    q->free_head = id;
    q->nfree = (uint16_t)(q->nfree + n);
    return id;
}
