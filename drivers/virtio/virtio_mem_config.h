/* virtio_mem_config.h - the virtio-mem device configuration (56 bytes, virtio 1.2 5.15.4) and its
 * checks, apart from the transport so that host tests can feed it junk (kernel and host).
 *
 * Fixed fields (block_size, node_id, addr, region_size) are read once at start and must never change; the
 * others (usable, plugged, requested) are re-read on every config change. Whatever a re-read says,
 * the driver only ever uses values that fit the fixed region: a changed fixed field is ignored,
 * usable, plugged and requested are clamped to the region and rounded down to whole blocks, and
 * the reason is reported. Padding (bytes 10..15) is ignored. */
#pragma once
#include <stdint.h>

#define VMEM_CFG_WORDS 14 /* 56 bytes */

struct vmem_config {
    uint64_t block_size, addr, region_size; /* fixed */
    uint64_t usable, plugged, requested;    /* change at run time */
    uint16_t node_id;                       /* ACPI PXM (with VIRTIO_MEM_F_ACPI_PXM) */
};

/* Decode the configuration's little-endian 32-bit words (padding ignored). */
void vmem_config_parse(const uint32_t w[VMEM_CFG_WORDS], struct vmem_config *c);
/* Why the fixed fields cannot be used (NULL: they can): block size a power of two >= 4 KiB,
 * a non-empty block-aligned region below max_phys. */
const char *vmem_config_check_fixed(const struct vmem_config *c, uint64_t max_phys);
/* Sanitize a re-read now against the accepted fixed configuration: *out gets fixed's fixed
 * fields and now's run-time fields clamped to the region and rounded down to whole blocks.
 * NULL when now was consistent (out equals now), else the first inconsistency found. */
const char *vmem_config_update(const struct vmem_config *fixed, const struct vmem_config *now,
                               struct vmem_config *out);
