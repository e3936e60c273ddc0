/* pci_init.c - PCI bring-up after mm and ACPI: enumerate the buses, start the PCI drivers (virtio)
 * and hook their deferred work into the main loop. */
#include "drivers/pci/pci.h"
#include "kernel/kernel.h"

void kern_pci_init(void)
{
    pci_init();
}
