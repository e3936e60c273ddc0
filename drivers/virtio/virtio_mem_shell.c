/* virtio_mem_shell.c - the `vmem` command (kernel only). */
#include <string.h>

#include "drivers/virtio/virtio_mem.h"
#include "kernel/shell.h"
#include "mm/mm.h"
#include "platform.h"

void vmem_dump(void)
{
    if (!vmem_ndevs)
        plat_printf("no virtio-mem devices\n");
    for (unsigned d = 0; d < vmem_ndevs; d++) {
        const struct vmem *m = vmem_devs[d];
        const struct vmem_counters *c = &m->cnt;
        uint32_t dp[2]; /* the device's plugged_size now (the driver reads it only with the rest) */
        vio_cfg_read((struct vio_dev *)&m->vd, 40, dp, 2);
        plat_printf("vmem dev=%u pci=%02x:%02x.%u addr=0x%llx region=0x%llx block=0x%llx unit=0x%llx node=%u "
                    "features=0x%llx irq=%s\n",
                    d, m->vd.pci->bus, m->vd.pci->dev, m->vd.pci->fn, (unsigned long long)m->addr,
                    (unsigned long long)m->region_size, (unsigned long long)m->block_size,
                    (unsigned long long)m->unit, m->node, (unsigned long long)m->vd.features,
                    m->irq ? "line" : "poll");
        plat_printf(
            "vmem dev=%u plugged=0x%llx device_plugged=0x%llx requested=0x%llx usable=0x%llx state=%s "
            "last_err=%d why=\"%s\" blocker_pfn=0x%llx owner=%s cookie=0x%x\n",
            d, (unsigned long long)m->plugged, (unsigned long long)(dp[0] | (uint64_t)dp[1] << 32),
            (unsigned long long)m->requested, (unsigned long long)m->usable, vmem_state_name(m->state),
            m->last_err, m->last_why ? m->last_why : "", (unsigned long long)m->block_pfn,
            m->block_pfn ? mm_owner_name(m->block_owner) : "-", m->block_cookie);
        plat_printf(
            "vmem dev=%u plug=%llu unplug=%llu unplug_all=%llu state_req=%llu ack=%llu nack=%llu "
            "busy=%llu error=%llu no_resp=%llu irqs=%llu config_changes=%llu plugged_units=%llu "
            "unplugged_units=%llu pages_moved=%llu add_fails=%llu offline_fails=%llu remove_fails=%llu "
            "stuck=%llu bad_config=%llu\n",
            d, (unsigned long long)c->req[0], (unsigned long long)c->req[1], (unsigned long long)c->req[2],
            (unsigned long long)c->req[3], (unsigned long long)c->resp[0], (unsigned long long)c->resp[1],
            (unsigned long long)c->resp[2], (unsigned long long)c->resp[3], (unsigned long long)c->resp[4],
            (unsigned long long)c->irqs, (unsigned long long)c->config_changes,
            (unsigned long long)c->plugged_units, (unsigned long long)c->unplugged_units,
            (unsigned long long)c->pages_moved, (unsigned long long)c->add_fails,
            (unsigned long long)c->offline_fails, (unsigned long long)c->remove_fails,
            (unsigned long long)c->stuck, (unsigned long long)c->bad_config);
        /* Per-section plugged masks (one bit per 2 MiB subsection), sections with something plugged. */
        uint64_t spu = m->unit / SUBSECTION_SIZE;
        for (uint64_t sec = m->base >> SECTION_SHIFT;
             m->nunits && sec <= (m->base + m->nunits * m->unit - 1) >> SECTION_SHIFT; sec++) {
            uint64_t mask = 0;
            for (uint32_t i = 0; i < m->nunits; i++) {
                uint64_t a = m->base + (uint64_t)i * m->unit;
                if (m->ustate[i] && a >> SECTION_SHIFT == sec)
                    for (uint64_t k = 0; k < spu && k < 64; k++)
                        mask |= 1ull << (((a - (sec << SECTION_SHIFT)) >> SUBSECTION_SHIFT) + k);
            }
            if (mask)
                plat_printf("vmem dev=%u section=%llu plugged=0x%016llx\n", d, (unsigned long long)sec,
                            (unsigned long long)mask);
        }
    }
}

/* `vmem`: every virtio-mem device: region, sizes, state, blocker, counters, plugged masks.
 * `vmem poll`: stop using interrupts (the polling fallback).
 * `vmem restart`: reload the driver on the live devices (memory stays plugged at the device). */
static int cmd_vmem(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "restart")) {
        int bad = 0;
        for (unsigned d = 0; d < vmem_ndevs; d++) {
            int r = vmem_restart(vmem_devs[d]);
            plat_printf("vmem dev=%u restart=%s\n", d, r == 0 ? "ok" : r == MM_EBUSY ? "refused" : "failed");
            bad += r != 0;
        }
        return bad ? shell_error("vmem restart: %d device(s) not restarted", bad) : 0;
    }
    if (argc == 2 && !strcmp(argv[1], "poll")) {
        for (unsigned d = 0; d < vmem_ndevs; d++)
            vmem_use_polling(vmem_devs[d]);
        plat_printf("vmem: %u device(s) polling\n", vmem_ndevs);
        return 0;
    }
    if (argc != 1)
        return shell_error("usage: vmem [poll|restart]");
    vmem_dump();
    return 0;
}
SHELL_COMMAND(
    "vmem", "[poll|restart]",
    "virtio-mem devices: region, block size, sizes, section masks, last error; poll: no interrupts; "
    "restart: reload the driver",
    cmd_vmem);
