/* virtio_mem_config.c - decode and check the virtio-mem configuration (see virtio_mem_config.h). */
#include "drivers/virtio/virtio_mem_config.h"

#include <stddef.h>

#include "hotmem/params.h"

void vmem_config_parse(const uint32_t w[VMEM_CFG_WORDS], struct vmem_config *c)
{
#define U64(i) ((uint64_t)w[i] | (uint64_t)w[(i) + 1] << 32)
    c->block_size = U64(0);
    c->node_id = (uint16_t)w[2];
    c->addr = U64(4);
    c->region_size = U64(6);
    c->usable = U64(8);
    c->plugged = U64(10);
    c->requested = U64(12);
#undef U64
}

const char *vmem_config_check_fixed(const struct vmem_config *c, uint64_t max_phys)
{
    uint64_t bs = c->block_size;
    if (!bs || bs & (bs - 1) || bs < PAGE_SIZE)
        return "block size not a power of two >= 4 KiB";
    if (c->addr & (bs - 1) || c->region_size & (bs - 1) || !c->region_size)
        return "region not block aligned";
    if (c->addr + c->region_size < c->addr || c->addr + c->region_size > max_phys)
        return "region beyond the physical address space";
    return NULL;
}

/* Clamp *v to the region and round it down to a block; why (or NULL when it was fine). */
static const char *clamp(uint64_t *v, const struct vmem_config *f, const char *beyond, const char *unaligned)
{
    if (*v > f->region_size) {
        *v = f->region_size;
        return beyond;
    }
    if (*v & (f->block_size - 1)) {
        *v &= ~(f->block_size - 1);
        return unaligned;
    }
    return NULL;
}

const char *vmem_config_update(const struct vmem_config *fixed, const struct vmem_config *now,
                               struct vmem_config *out)
{
    const char *why = NULL, *w;
    *out = *now;
    if (now->block_size != fixed->block_size || now->addr != fixed->addr ||
        now->region_size != fixed->region_size || now->node_id != fixed->node_id)
        why = "block size, region or node changed (ignored)";
    out->block_size = fixed->block_size;
    out->addr = fixed->addr;
    out->region_size = fixed->region_size;
    out->node_id = fixed->node_id;
    w = clamp(&out->usable, fixed, "usable_region_size beyond the region",
              "usable_region_size not block aligned");
    why = why ? why : w;
    w = clamp(&out->plugged, fixed, "plugged_size beyond the region", "plugged_size not block aligned");
    why = why ? why : w;
    w = clamp(&out->requested, fixed, "requested_size beyond the region", "requested_size not block aligned");
    return why ? why : w;
}
