/* fuzz_memmap.c - libFuzzer target: the memory map sanitizer. The input is a list of 18-byte
 * operations (u64 base, u64 len, u8 type, u8 op); op bit 0-1: add / add_efi / remove, bit 2:
 * squeeze base and len into a small space so that operations overlap. After every operation
 * the map's invariants must hold and, in the small space, agree with a page-level model. */
#include <stdlib.h>
#include <string.h>

#include "mm/memmap.h"
#include "tests/host/plat_host.h"

static struct memmap m;
#define MPAGES 256 /* the small space: 1 MiB */
static uint8_t mtype[MPAGES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plat_host_loglevel = -1;
    memmap_init(&m);
    memset(mtype, 0, sizeof mtype);
    bool model = true; /* the model only follows page-aligned operations in the small space */
    for (size_t off = 0; off + 18 <= size; off += 18) {
        uint64_t base, len;
        memcpy(&base, data + off, 8);
        memcpy(&len, data + off + 8, 8);
        uint8_t type = data[off + 16], op = data[off + 17];
        uint32_t src = 1u << (op >> 5 & 3);
        if (op & 4) {
            base = (base % MPAGES) << 12;
            len = (len % 32) << 12;
        } else {
            model = false;
        }
        int rc;
        switch (op & 3) {
        case 0:
        case 3:
            rc = memmap_add(&m, base, len, type, src);
            if (rc == 0 && model) {
                uint32_t t =
                    (type == 1 || type == 2 || type == 3 || type == 4 || type == 5 || type == 7) ? type : 2;
                for (uint64_t p = base >> 12; p < (base + len) >> 12 && p < MPAGES; p++)
                    if (!mtype[p] || memmap_type_rank(t) > memmap_type_rank(mtype[p]))
                        mtype[p] = (uint8_t)t;
            }
            break;
        case 1:
            rc = memmap_add_efi(&m, type, base, len >> 12);
            model = false;
            break;
        default:
            rc = memmap_remove(&m, base, len);
            if (rc == 0 && model)
                for (uint64_t p = base >> 12; p < (base + len) >> 12 && p < MPAGES; p++)
                    mtype[p] = 0;
            break;
        }
        if (rc != 0 && rc != -1)
            abort();
        if (rc != 0)
            model = false;
        if (memmap_check(&m) != 0)
            abort();
    }
    if (model) {
        for (unsigned p = 0; p < MPAGES; p++) {
            const struct memmap_range *r = memmap_find(&m, (uint64_t)p << 12);
            if ((mtype[p] == 0) != (r == NULL) || (r && r->type != mtype[p]))
                abort();
        }
    }
    uint64_t probe;
    if (size >= 8) {
        memcpy(&probe, data, 8);
        const struct memmap_range *r = memmap_find(&m, probe);
        if (r && (probe < r->base || probe - r->base >= r->len))
            abort();
        memmap_is_type(&m, probe, probe >> 3, MEMMAP_RAM);
    }
    return 0;
}
