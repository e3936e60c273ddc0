/* memhp_shell.c - shell commands of the memory device driver and ACPI events: dimms, eject,
 * events (formats in docs/hotplug.md). Kernel only. */
#include "drivers/acpi/aml/aml.h"
#include "drivers/acpi/events.h"
#include "drivers/acpi/memhp.h"
#include "kernel/shell.h"
#include "platform.h"

/* `dimms`: one line per memory device. */
static int cmd_dimms(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!memhp_count())
        plat_printf("no memory devices\n");
    memhp_dump();
    return 0;
}
SHELL_COMMAND("dimms", "", "ACPI memory devices: slot, _STA, base, size, node, state", cmd_dimms);

/* `eject <slot>`: offline and eject a DIMM as if the firmware had asked. */
static int cmd_eject(int argc, char **argv)
{
    unsigned long long slot;
    if (argc != 2 || shell_parse_u64(argv[1], &slot) || slot > 0xffff)
        return shell_error("usage: eject <slot>");
    const struct memdev *d = memhp_by_slot((unsigned)slot);
    if (!d)
        return shell_error("no memory device in slot %llu", slot);
    int r = memhp_request_eject((unsigned)slot);
    if (r < 0)
        return shell_error("cannot queue the eject of slot %llu", slot);
    if (r > 0) {
        plat_printf("eject slot=%llu result=pending\n", slot);
        return 0;
    }
    uint64_t before = d->ejects;
    memhp_poll();
    if (d->ejects == before)
        return shell_error("slot %llu is not present", slot);
    if (d->last_err)
        return shell_error(
            "eject of slot %llu failed: offline error %d, blocked by pfn 0x%llx owner %s (_OST 0x%x)", slot,
            d->last_err, (unsigned long long)d->last_rep.block_pfn,
            d->last_rep.owner_name ? d->last_rep.owner_name : "?", d->last_ost);
    plat_printf("eject slot=%llu result=ok state=%s\n", slot, memhp_state_name(d->state));
    return 0;
}
SHELL_COMMAND("eject", "<slot>", "offline a DIMM and eject it (_EJ0) without device_del", cmd_eject);

/* `events`: SCI, GPE, PM1 and Notify counters, then the driver's. */
static int cmd_events(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    acpi_events_dump();
    plat_printf("notify_dropped=%u\n", aml_notify_dropped());
    memhp_dump_counters();
    return 0;
}
SHELL_COMMAND("events", "", "ACPI event counters: SCI, GPEs, PM1, Notify values, memory devices", cmd_events);
