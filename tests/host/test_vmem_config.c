/* test_vmem_config.c - the virtio-mem configuration checks (drivers/virtio/virtio_mem_config.c)
 * against junk a device could report: inconsistent fixed fields are refused, run-time fields
 * beyond the region or not block aligned are clamped, a fixed field that changes is ignored,
 * padding is ignored. */
#include <stdbool.h>
#include <string.h>

#include "drivers/virtio/virtio_mem_config.h"
#include "hotmem/params.h"
#include "tests/host/check.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define MAXPHYS (1ull << 46)

/* QEMU's layout: words of a 4 GiB region at 4.5 GiB in 2 MiB blocks, with junk in the padding. */
static void words(uint32_t w[VMEM_CFG_WORDS], const struct vmem_config *c, uint32_t pad)
{
    const uint64_t f[7] = {c->block_size, c->node_id | (uint64_t)pad << 16 | (uint64_t)pad << 32,
                           c->addr,       c->region_size,
                           c->usable,     c->plugged,
                           c->requested};
    for (int i = 0; i < 7; i++) {
        w[2 * i] = (uint32_t)f[i];
        w[2 * i + 1] = (uint32_t)(f[i] >> 32);
    }
}

static bool same(const struct vmem_config *a, const struct vmem_config *b)
{
    return a->block_size == b->block_size && a->node_id == b->node_id && a->addr == b->addr &&
           a->region_size == b->region_size && a->usable == b->usable && a->plugged == b->plugged &&
           a->requested == b->requested;
}

/* The check refused or clamped for the reason expected (not just for some reason). */
static bool says(const char *why, const char *want)
{
    return why && strcmp(why, want) == 0;
}

static const struct vmem_config good = {2 * MiB, 0x120000000ull, 4 * GiB, 1280 * MiB, 512 * MiB, 1 * GiB, 1};

static void test_parse_ignores_padding(void)
{
    uint32_t w[VMEM_CFG_WORDS];
    struct vmem_config c;
    words(w, &good, 0xdeadbeef);
    vmem_config_parse(w, &c);
    CHECK(same(&c, &good));
}

static void test_fixed(void)
{
    struct vmem_config c = good;
    CHECK(vmem_config_check_fixed(&c, MAXPHYS) == NULL);
    const uint64_t bad_bs[] = {0, 3 * MiB, 2048, 2 * MiB + 4096};
    for (unsigned i = 0; i < 4; i++) {
        c = good;
        c.block_size = bad_bs[i];
        CHECK(says(vmem_config_check_fixed(&c, MAXPHYS), "block size not a power of two >= 4 KiB"));
    }
    c = good;
    c.addr += 4096; /* region not block aligned */
    CHECK(says(vmem_config_check_fixed(&c, MAXPHYS), "region not block aligned"));
    c = good;
    c.region_size = 0;
    CHECK(says(vmem_config_check_fixed(&c, MAXPHYS), "region not block aligned"));
    c = good;
    c.region_size += MiB;
    CHECK(says(vmem_config_check_fixed(&c, MAXPHYS), "region not block aligned"));
    c = good;
    c.addr = MAXPHYS - 2 * GiB; /* runs past the physical address space */
    CHECK(says(vmem_config_check_fixed(&c, MAXPHYS), "region beyond the physical address space"));
    c = good;
    c.addr = ~0ull & ~(2 * MiB - 1); /* wraps */
    CHECK(says(vmem_config_check_fixed(&c, ~0ull), "region beyond the physical address space"));
}

static void test_update(void)
{
    struct vmem_config now = good, out;
    CHECK(vmem_config_update(&good, &now, &out) == NULL);
    CHECK(same(&now, &out));
    now.requested = 8 * GiB; /* beyond the region */
    CHECK(says(vmem_config_update(&good, &now, &out), "requested_size beyond the region"));
    CHECK_EQ(out.requested, 4 * GiB);
    now = good;
    now.requested = 3 * MiB; /* not whole blocks */
    CHECK(says(vmem_config_update(&good, &now, &out), "requested_size not block aligned"));
    CHECK_EQ(out.requested, 2 * MiB);
    now = good;
    now.usable = ~0ull;
    now.plugged = 5 * GiB;
    CHECK(
        says(vmem_config_update(&good, &now, &out), "usable_region_size beyond the region")); /* the first */
    CHECK_EQ(out.usable, 4 * GiB);
    CHECK_EQ(out.plugged, 4 * GiB);
    now = good;
    now.block_size = 4096; /* a fixed field changed: the accepted one stays */
    now.addr = 0;
    now.region_size = 64 * GiB;
    now.node_id = 7;
    CHECK(says(vmem_config_update(&good, &now, &out), "block size, region or node changed (ignored)"));
    CHECK_EQ(out.block_size, 2 * MiB);
    CHECK_EQ(out.addr, good.addr);
    CHECK_EQ(out.region_size, 4 * GiB);
    CHECK_EQ(out.node_id, 1);
    CHECK_EQ(out.requested, GiB);
}

/* Random words: whatever the device says, what the driver uses fits the accepted region. */
static void test_random_junk(void)
{
    unsigned long long seed = check_seed("test_vmem_config", 15);
    uint64_t x = seed | 1;
    unsigned bad = 0;
    for (int n = 0; n < 100000; n++) {
        uint32_t w[VMEM_CFG_WORDS];
        for (int i = 0; i < VMEM_CFG_WORDS; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly small values near the good ones, sometimes anything */
            w[i] = (x & 3) ? (uint32_t)(x >> 32) & ((x >> 8 & 1) ? 0xffffffffu : 0x3fe00000u) : 0;
        }
        struct vmem_config now, out;
        vmem_config_parse(w, &now);
        bad += vmem_config_update(&good, &now, &out) != NULL;
        if (out.block_size != good.block_size || out.addr != good.addr ||
            out.region_size != good.region_size || out.usable > good.region_size ||
            out.usable % good.block_size || out.plugged > good.region_size || out.plugged % good.block_size ||
            out.requested > good.region_size || out.requested % good.block_size) {
            CHECK(0);
            break;
        }
    }
    CHECK(bad > 0);
}

int main(void)
{
    test_parse_ignores_padding();
    test_fixed();
    test_update();
    test_random_junk();
    CHECK_SUMMARY();
}
