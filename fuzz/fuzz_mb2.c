/* fuzz_mb2.c - libFuzzer target: the multiboot2 tag parser and mb2_fill_memmap on arbitrary
 * blocks. The input is parsed twice from an exact-size heap copy (so ASan catches any read past
 * it): as is, and with total_size set to the input's size (to get past the header check). */
#include <stdlib.h>
#include <string.h>

#include "kernel/mb2.h"
#include "drivers/acpi/tables/tables.h"
#include "tests/host/plat_host.h"

static struct memmap m;

/* Parse [p, p+n) and check what came out. */
static void run(const uint8_t *p, size_t n)
{
    struct mb2_info mi;
    int rc = mb2_parse(p, n, &mi);
    if (rc > 0 || rc < MB2_ERR_NULL)
        abort();
    if (mi.cmdline && (mi.cmdline < (const char *)p || mi.cmdline >= (const char *)p + n))
        abort();
    if (mi.cmdline)
        (void)strlen(mi.cmdline);
    if (mi.bootloader)
        (void)strlen(mi.bootloader);
    memmap_init(&m);
    mb2_fill_memmap(&mi, &m);
    if (memmap_check(&m) != 0)
        abort();
    size_t rl;
    const void *r = mb2_rsdp(&mi, &rl);
    if (r)
        acpi_rsdp_validate(r, rl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plat_host_loglevel = -1;
    uint8_t *c = malloc(size ? size : 1);
    memcpy(c, data, size);
    run(c, size);
    if (size >= 4) {
        uint32_t total = (uint32_t)size;
        memcpy(c, &total, 4);
        run(c, size);
    }
    free(c);
    return 0;
}
