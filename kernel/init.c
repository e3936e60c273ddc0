/* init.c - the boot steps between the CPU setup and the shell: read what the loader handed over,
 * then bring up memory and ACPI. */
#include <stdlib.h>
#include <string.h>
#include "kernel/kernel.h"

extern const char *kern_boot_loader;
static uint64_t mb2_info_phys;

/* Read the command line and loader name from the multiboot2 block (tags 1 and 2). */
void kern_boot_info(uint64_t mb2_phys)
{
    mb2_info_phys = mb2_phys;
    const uint8_t *p = phys_to_virt(mb2_phys);
    uint32_t total = *(const uint32_t *)p;
    for (uint32_t off = 8; off + 8 <= total;) {
        uint32_t type = *(const uint32_t *)(p + off), size = *(const uint32_t *)(p + off + 4);
        if (type == 0 || size < 8 || off + size > total)
            break;
        if (type == 1)
            kern_cmdline = (const char *)(p + off + 8);
        else if (type == 2)
            kern_boot_loader = (const char *)(p + off + 8);
        off += (size + 7) & ~7u;
    }
    const char *lv;
    if (cmdline_has("loglevel", &lv) && lv && *lv >= '0' && *lv <= '3')
        kern_loglevel = *lv - '0';
    plat_log(LOG_INFO, "boot", "loader '%s', command line '%s', multiboot2 info at 0x%llx (%u bytes)",
             kern_boot_loader ? kern_boot_loader : "?", kern_cmdline, (unsigned long long)mb2_phys, total);
}

/* Memory manager and ACPI bring-up (after interrupts are on). */
void kern_late_init(void)
{
}
