/* pci_init.c - PCI bring-up after mm and ACPI: enumerate the buses, start the PCI drivers (virtio)
 * and hook their deferred work into the main loop. */
#include "drivers/pci/pci.h"
#include "drivers/virtio/virtio_mem.h"
#include "kernel/kernel.h"

void kern_pci_init(void)
{
    pci_init();
    if (vmem_init() > 0) {
        kern_loop_register(vmem_poll);
        vmem_poll(); /* a requested_size set before boot (or kept over a reboot) */
    }
}
