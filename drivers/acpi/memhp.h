/* memhp.h - the ACPI memory device driver (PNP0C80): cold-plugged DIMMs at boot, hot-add on
 * Notify 1/0 (device/bus check), hot-remove on Notify 3 (eject request) or from the shell.
 *
 * Requests (device check, eject) are queued by the Notify handler and processed one at a time,
 * in arrival order, by memhp_poll() on the worker thread: an eject that arrives while a hot-add is
 * running waits its turn. A request for a device that already has the same kind of request
 * queued or running is dropped (counted in dup_requests): it is handled once.
 *
 * Eject: _OST(3, 0x84 in progress); mm_offline_range over every range of the device; on success
 * mm_remove_memory, memmap_remove, _OST(3, 0) and _EJ0(1) (QEMU then unplugs the DIMM and emits
 * DEVICE_DELETED); on failure every range is online again, _OST(3, 0x82 busy) and the memory stays
 * usable. 0x82 (busy) rather than 0x81 (in use): the offline failed because some frame could not
 * be freed or migrated *now* (a pinned page, no room to migrate to); that is transient and the
 * request may succeed when retried, which is what "busy" tells management (Linux maps the same
 * failure, -EBUSY, to 0x82).
 *
 * Device life cycle (struct memdev.state). d->r[0..nranges) are the ranges that are in mm (added)
 * in ONLINE, PARTIAL and EJECTING; FAILED and ABSENT devices have nothing in mm (nranges 0).
 *   ABSENT  --device check, _STA present, add ok-->       ONLINE
 *   ABSENT  --device check, _STA present, add failed,
 *            every range added so far undone-->           FAILED (present, nothing added; retried
 *                                                          on the next device check)
 *   ABSENT  --device check, add failed, undo failed-->    PARTIAL (the ranges the undo could not
 *                                                          offline are still online, in d->r)
 *   ONLINE / PARTIAL --eject request-->                   EJECTING
 *   EJECTING --offline ok, _EJ0, _STA absent-->           ABSENT
 *   EJECTING --offline ok, _EJ0, _STA still present-->    FAILED (removed from mm)
 *   EJECTING --offline failed-->                          ONLINE / PARTIAL as before (_OST 0x82;
 *                                                          never _EJ0 while memory is online)
 *   FAILED  --eject request-->                            _OST(3,0), _EJ0 (nothing to offline)
 *   PARTIAL --device check-->                             PARTIAL (not added again: _OST failure;
 *                                                          an eject takes back what is there)
 *   ONLINE  --device check, _STA absent-->                ONLINE (surprise removal: logged,
 *                                                          counted; memory cannot be taken back)
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "mm/mm.h"

struct aml_node;

#define MEMDEV_MAX 256      /* QEMU allows at most 256 slots */
#define MEMDEV_MAX_RANGES 4 /* memory descriptors kept per device (QEMU: one) */
#define MEMDEV_QUEUE 64     /* pending requests */

/* _OST source events and status codes (ACPI 6.5 table 6.172). */
#define MEMDEV_OST_EJECT 3
#define MEMDEV_OST_SUCCESS 0
#define MEMDEV_OST_FAILURE 1       /* non-specific failure */
#define MEMDEV_OST_EJECT_BUSY 0x82 /* device busy: what a failed offline reports */
#define MEMDEV_OST_EJECT_IN_PROGRESS 0x84

enum memhp_state { MEMDEV_ABSENT, MEMDEV_ONLINE, MEMDEV_FAILED, MEMDEV_EJECTING, MEMDEV_PARTIAL };

struct memhp_range {
    uint64_t base, size;
};

/* One PNP0C80 device (a QEMU slot), present or not. */
struct memdev {
    struct aml_node *node;
    char path[32];
    unsigned slot; /* ToInteger(_UID) */
    uint64_t sta;  /* last _STA */
    unsigned pxm;  /* node used for mm: _PXM through the SRAT's domains, else the SRAT node of r[0] */
    enum memhp_state state;
    unsigned nranges;
    struct memhp_range r[MEMDEV_MAX_RANGES];
    bool check_queued, eject_queued;
    /* Last eject: its result (0 or MM_E*), the _OST status sent, mm's report. */
    int last_err;
    unsigned last_ost;
    struct mm_offline_report last_rep;
    uint64_t adds, ejects, eject_fails;
};

struct memhp_counters {
    uint64_t devices;      /* PNP0C80 devices enumerated */
    uint64_t boot_present; /* present at boot */
    uint64_t adds, add_fails;
    uint64_t ejects, eject_fails;
    uint64_t notifies;       /* Notifies received for memory devices */
    uint64_t notify_unknown; /* for a node that is not an enumerated memory device / other values */
    uint64_t dup_requests;   /* requests dropped because the same one was queued or running */
    uint64_t queue_full;
    uint64_t eject_absent; /* eject requests for a device that is not present */
    uint64_t surprise;     /* device vanished while online (no eject) */
    uint64_t crs_errors, aml_errors;
    uint64_t crs_refused; /* _CRS ranges refused by memhp_check_range */
    uint64_t partial;     /* adds that failed and could not be undone (state PARTIAL) */
};
extern struct memhp_counters memhp_counters;

/* Parse a resource template (_CRS buffer) into up to max memory ranges: QWord/DWord address space
 * descriptors of resource type memory, and Memory32Fixed. Every length is bounds-checked; stops
 * at the end tag. Number of ranges found (ranges of length 0 skipped), or -1 if malformed. */
int memhp_parse_crs(const uint8_t *buf, uint32_t len, struct memhp_range *out, unsigned max);

/* May range [base, base+size) of device d be added? It must fit the physical address width (the
 * CPU's, at most MAX_PHYS_BITS: plat_phys_limit), lie inside the SRAT's hot-pluggable windows (if
 * it has any), and overlap no other device's range, no range of the memory map and no platform
 * MMIO window (LAPIC, I/O APIC, HPET, MCFG). 0, or -1 with one log line naming the range and what
 * it overlaps (memhp_check.c). */
int memhp_check_range(const struct memdev *d, uint64_t base, uint64_t size);
/* The node of _PXM value pxm through the SRAT's proximity domains; -1 if the SRAT does not
 * declare it (the caller then uses the node the SRAT gives the device's range). */
int memhp_pxm_to_node(uint64_t pxm);

/* Enumerate PNP0C80 devices, register the Notify handler, and add + online every present one
 * (the namespace must be loaded, mm up). Number of devices found. */
int memhp_init(void);
/* Forget every device and request, unregister the handler (host tests). mm state is untouched. */
void memhp_reset(void);
/* Process queued requests, one at a time in arrival order. Not reentrant (a nested call returns
 * 0). Number of requests processed. */
int memhp_poll(void);
/* Queue an eject of the device in slot (the shell's `eject`): as an eject request from the
 * firmware. 0, or -1 if no such slot / the queue is full, 1 if a request is already pending. */
int memhp_request_eject(unsigned slot);
/* Queue a device check of slot. As above. */
int memhp_request_check(unsigned slot);
/* Devices in enumeration order (NULL past the end) and by slot (NULL if none). */
unsigned memhp_count(void);
const struct memdev *memhp_get(unsigned i);
const struct memdev *memhp_by_slot(unsigned slot);
const char *memhp_state_name(enum memhp_state st);
/* Print one line per device (the shell's `dimms`) and the counters (`events`). */
void memhp_dump(void);
void memhp_dump_counters(void);
