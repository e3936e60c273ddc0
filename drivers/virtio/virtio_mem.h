/* virtio_mem.h - the virtio-mem driver (kernel only): resizes guest memory in blocks as the host's
 * requested_size says, through mm's per-subsection hotplug API.
 *
 * Units: the driver works in "units" of max(device block size, 2 MiB subsection) so that every
 * unit is whole subsections for mm and whole blocks for the device. One unit per bit of state.
 *
 * State of a unit (state[i]):
 *   UNPLUGGED --PLUG ack--> (mm_add_subsections) --> PLUGGED (online, ZONE_MOVABLE)
 *   PLUGGED --mm_offline_range ok--> --mm_remove_subsections--> --UNPLUG ack--> UNPLUGGED
 *   any failure on the way down re-adds the unit (it is still plugged at the device).
 * An UNPLUGGED unit is never mapped, read or written by the kernel.
 *
 * Driver state: IDLE (plugged == target, or waiting for a config change), STUCK (the target could
 * not be reached: the blocker is recorded; retried when free memory changes, on a new request,
 * or after VMEM_RETRY_MS), BROKEN (the device stopped answering or needs a reset).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_mem_config.h"
#include "hotmem/params.h"

#define VIRTIO_MEM_DEVICE_ID 0x1058 /* 0x1040 + device type 24 */
#define VIRTIO_MEM_F_ACPI_PXM 0
#define VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE 1

enum vmem_req_type { VMEM_PLUG = 0, VMEM_UNPLUG = 1, VMEM_UNPLUG_ALL = 2, VMEM_STATE = 3 };
enum vmem_resp { VMEM_ACK = 0, VMEM_NACK = 1, VMEM_BUSY = 2, VMEM_ERROR = 3, VMEM_NO_RESP = 4 };
enum vmem_state { VMEM_IDLE, VMEM_STUCK, VMEM_BROKEN };

struct vmem_counters {
    uint64_t req[4];  /* requests sent per type */
    uint64_t resp[5]; /* responses per enum vmem_resp (NO_RESP: timeout or broken ring) */
    uint64_t irqs, config_changes;
    uint64_t plugged_units, unplugged_units;
    uint64_t pages_moved;                                   /* migrated out of units being unplugged */
    uint64_t add_fails, offline_fails, remove_fails, stuck; /* mm refusals; times the target was missed */
    uint64_t bad_config;                                    /* re-reads with junk (virtio_mem_config.h) */
};

struct vmem {
    struct vio_dev vd;
    struct virtq vq;
    bool irq; /* INTx attached (else the worker's timer-tick passes poll the ISR) */
    volatile bool cfg_changed;
    enum vmem_state state;
    /* device configuration (fixed at probe but usable/plugged/requested): cfg as accepted, the
     * reason the last re-read was sanitized (NULL: it was consistent), and its fields below */
    struct vmem_config cfg;
    const char *cfg_why;
    uint64_t block_size, addr, region_size, usable, dev_plugged, requested;
    uint16_t pxm;
    unsigned node;
    /* units */
    uint64_t unit, base; /* unit bytes; address of unit 0 */
    uint32_t nunits;
    uint8_t *ustate;  /* per unit: 1 plugged (ours, online), 0 unplugged */
    uint64_t plugged; /* bytes plugged by this driver (= dev_plugged when in sync) */
    /* why the last resize stopped short */
    int last_err;
    const char *last_why;
    uint64_t block_pfn;
    unsigned block_owner;
    uint32_t block_cookie;
    uint64_t retry_at, free_at_stuck;
    struct vmem_counters cnt;
};

extern struct vmem *vmem_devs[VMEM_MAX_DEVS];
extern unsigned vmem_ndevs;

/* Find and start every virtio-mem device (after pci_init and mm). Number started. */
int vmem_init(void);
/* Main-loop work: config changes, retries, polling when there is no interrupt. */
void vmem_poll(void);
/* Detach from the interrupt line and poll instead (`vmem poll`). */
void vmem_use_polling(struct vmem *m);
/* Reload the driver on a live device (`vmem restart`, as after kexec): offline and remove every
 * plugged unit without unplugging it, reset the device and start again (UNPLUG_ALL, then follow
 * requested_size). 0; MM_EBUSY when plugged memory cannot be offlined (nothing changed); -1 when
 * the device does not come back (BROKEN). */
int vmem_restart(struct vmem *m);
/* Print the `vmem` report. */
void vmem_dump(void);
const char *vmem_state_name(enum vmem_state s);
