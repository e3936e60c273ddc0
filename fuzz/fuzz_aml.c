/* fuzz_aml - libFuzzer over AML table load + evaluation.
 * Input: byte 0 selects the integer width (bit 0: revision 1 or 2), the rest is the AML body of a
 * DSDT (the header is made here). After loading, every method of the namespace (up to 64) is run with
 * arguments from a small fixed set. Checks: no crash/sanitizer report, bounded time (limits lowered),
 * bounded memory (aml_limits.max_heap), and no leak: the heap is back to zero after aml_reset().
 */
#include "drivers/acpi/aml/aml.h"
#include "tests/host/plat_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct aml_node *methods[64];
static int nmethods;

static uint32_t io_rd(uint16_t port, int width)
{
    return (uint32_t)(port * 0x9E3779B1u) & (width == 32 ? 0xffffffffu : (1u << width) - 1);
}

static void io_wr(uint16_t port, int width, uint32_t v)
{
    (void)port;
    (void)width;
    (void)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        init = 1;
        plat_host_loglevel = -1;
        plat_host_add_ram(0, 1ull << 32);
        plat_host_set_io(io_rd, io_wr);
        aml_limits.loop_timeout_ns = 5000000;
        aml_limits.eval_timeout_ns = 50000000;
        aml_limits.max_heap = 64u << 20;
        aml_limits.max_object = 64u << 10;
        aml_limits.max_call_depth = 16;
    }
    if (size < 1 || size > 65536)
        return 0;
    size_t len = 36 + size - 1;
    uint8_t *t = malloc(len);
    memcpy(t, "DSDT", 4);
    t[4] = (uint8_t)len;
    t[5] = (uint8_t)(len >> 8);
    t[6] = (uint8_t)(len >> 16);
    t[7] = 0;
    t[8] = (data[0] & 1) ? 1 : 2;
    memset(t + 9, 'F', 27);
    memcpy(t + 36, data + 1, size - 1);
    aml_load_table(t, len);
    /* run every method of the namespace (collected first: evaluation adds and removes names) */
    nmethods = 0;
    for (struct aml_node *n = aml_ns_next(NULL); n && nmethods < 64; n = aml_ns_next(n))
        if (aml_node_type(n) == AML_METHOD)
            methods[nmethods++] = n;
    static const uint64_t argv[7] = {0, 1, 2, 0xffffffff, 5, 0x100, 7};
    for (int i = 0; i < nmethods; i++) {
        struct aml_obj *res = NULL;
        aml_eval_args(methods[i], "", (data[0] >> 1) % 8, argv, &res);
        aml_obj_free(res);
    }
    aml_reset();
    if (aml_heap_used() != 0) {
        fprintf(stderr, "leak: %zu bytes held after aml_reset\n", aml_heap_used());
        abort();
    }
    free(t);
    return 0;
}
