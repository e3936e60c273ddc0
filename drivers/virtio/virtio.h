/* virtio.h - the virtio-pci modern transport (virtio 1.x) and split virtqueues, for any virtio
 * driver (kernel only).
 *
 * Use:  vio_open(dev, pci) -> vio_negotiate(dev, wanted) -> virtq_setup(dev, &vq, 0)
 *       -> vio_driver_ok(dev); then virtq_add + virtq_kick, and virtq_used() when the device has
 *       answered (interrupt: vio_isr(dev) in the handler; or polling).
 * Status handshake (virtio 1.2, 3.1.1): reset (0) -> ACKNOWLEDGE -> DRIVER -> features ->
 * FEATURES_OK (re-read: the device may refuse) -> queues -> DRIVER_OK. FAILED on any error.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci/pci.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_F_VERSION_1 32
#define VIO_S_ACKNOWLEDGE 1
#define VIO_S_DRIVER 2
#define VIO_S_DRIVER_OK 4
#define VIO_S_FEATURES_OK 8
#define VIO_S_NEEDS_RESET 0x40
#define VIO_S_FAILED 0x80
#define VIO_ISR_QUEUE 1  /* ISR bit 0: a used buffer */
#define VIO_ISR_CONFIG 2 /* ISR bit 1: the device configuration changed */

/* A virtio-pci device: its PCI function and the four structures its capabilities point to. */
struct vio_dev {
    struct pci_dev *pci;
    volatile uint8_t *common; /* common configuration (struct virtio_pci_common_cfg) */
    volatile uint8_t *isr;    /* ISR status byte (read clears it and deasserts INTx) */
    volatile uint8_t *device; /* device-specific configuration */
    volatile uint8_t *notify; /* notification area */
    uint32_t device_len;      /* bytes of the device configuration */
    uint32_t notify_mult;     /* notify_off_multiplier */
    uint64_t features;        /* negotiated */
};

/* A split virtqueue of VIRTQ_SIZE entries in one page. Descriptors are chained per request and
 * recycled when the device returns them; free descriptors form a list through their next field. */
struct virtq {
    uint16_t index, size;
    uint64_t pa;               /* physical page of the rings */
    volatile uint8_t *desc;    /* 16 bytes per entry */
    volatile uint16_t *avail;  /* flags, idx, ring[size] */
    volatile uint8_t *used;    /* flags, idx, ring[size] of {u32 id, u32 len} */
    volatile uint16_t *kick;   /* this queue's notify address */
    uint16_t free_head, nfree; /* free descriptor list */
    uint16_t last_used;        /* used->idx already consumed */
    uint16_t avail_idx;        /* next avail->idx */
    uint8_t *scratch;          /* VIRTQ_SCRATCH bytes of the page for the driver's buffers */
    uint64_t scratch_pa;
};
/* The ring page: descriptors at 0, avail after them, used at 1 KiB, the driver's scratch at 2 KiB. */
#define VIRTQ_USED_OFF 1024
#define VIRTQ_SCRATCH_OFF 2048
#define VIRTQ_SCRATCH 2048

/* A buffer of a request: physical address, length, device-writable or not. */
struct vio_buf {
    uint64_t pa;
    uint32_t len;
    bool write;
};

/* Find d's virtio capabilities, enable memory decoding and bus mastering, map the structures.
 * 0 or -1 (logged). */
int vio_open(struct vio_dev *d, struct pci_dev *pci);
/* Reset, ACKNOWLEDGE, DRIVER, offer (device features & wanted) | VERSION_1, FEATURES_OK and
 * check it stuck. 0, or -1 (FAILED set, logged). required: bits the driver cannot do without. */
int vio_negotiate(struct vio_dev *d, uint64_t wanted, uint64_t required);
/* Set DRIVER_OK. */
void vio_driver_ok(struct vio_dev *d);
/* Reset the device (status 0) and wait until it reads back 0. */
void vio_reset(struct vio_dev *d);
uint8_t vio_status(struct vio_dev *d);
/* Read and clear the ISR byte (0: the interrupt was not this device's). */
uint8_t vio_isr(struct vio_dev *d);
/* Read n consecutive 32-bit words of the device configuration at off as one consistent snapshot
 * (retried while config_generation changes). */
void vio_cfg_read(struct vio_dev *d, unsigned off, uint32_t *out, unsigned n);

/* Allocate and lay out the rings of a queue of size entries (size <= VIRTQ_SIZE). 0 or -1. */
int virtq_init(struct virtq *q, uint16_t size);
/* Set up queue index with up to VIRTQ_SIZE entries on a fresh page. 0 or -1. */
int virtq_setup(struct vio_dev *d, struct virtq *q, uint16_t index);
/* Release the queue's page (after a reset). */
void virtq_free(struct virtq *q);
/* Queue one request of n chained buffers; its head descriptor id, or -1 if the ring is full. */
int virtq_add(struct virtq *q, const struct vio_buf *bufs, unsigned n);
/* Tell the device there is new work. */
void virtq_kick(struct virtq *q);
/* Pop one used request: its head id (descriptors freed) and the bytes written in *len; -1 if
 * none. */
int virtq_used(struct virtq *q, uint32_t *len);
/* Is a used request waiting? */
bool virtq_has_used(const struct virtq *q);
