/* pci_shell.c - the `pci` command (kernel only). */
#include "drivers/pci/pci.h"
#include "kernel/shell.h"

/* `pci`: one line per function, one per BAR. */
static int cmd_pci(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    pci_dump();
    return 0;
}
SHELL_COMMAND("pci", "", "PCI functions: location, ids, class, interrupt line, BARs", cmd_pci);
