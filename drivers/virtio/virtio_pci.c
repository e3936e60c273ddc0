/* virtio_pci.c - the virtio-pci modern transport (see virtio.h). */
#include "drivers/virtio/virtio.h"
#include "platform.h"

#define TAG "virtio"
#define PCI_CAP_VENDOR 0x09
/* virtio_pci_cap.cfg_type */
enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };
/* struct virtio_pci_common_cfg offsets */
#define C_DFSELECT 0x00
#define C_DF 0x04
#define C_GFSELECT 0x08
#define C_GF 0x0c
#define C_STATUS 0x14
#define C_GENERATION 0x15
#define C_Q_SELECT 0x16
#define C_Q_SIZE 0x18
#define C_Q_ENABLE 0x1c
#define C_Q_NOTIFY_OFF 0x1e
#define C_Q_DESC 0x20
#define C_Q_DRIVER 0x28
#define C_Q_DEVICE 0x30

static inline void w8(volatile uint8_t *b, unsigned off, uint8_t v)
{
    *(b + off) = v;
}
static inline void w16(volatile uint8_t *b, unsigned off, uint16_t v)
{
    *(volatile uint16_t *)(b + off) = v;
}
static inline void w32(volatile uint8_t *b, unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(b + off) = v;
}
static inline uint16_t r16(volatile uint8_t *b, unsigned off)
{
    return *(volatile uint16_t *)(b + off);
}
static inline uint32_t r32(volatile uint8_t *b, unsigned off)
{
    return *(volatile uint32_t *)(b + off);
}
/* A 64-bit queue address as two 32-bit halves (QEMU implements accesses of 1 to 4 bytes). */
static void w64(volatile uint8_t *b, unsigned off, uint64_t v)
{
    w32(b, off, (uint32_t)v);
    w32(b, off + 4, (uint32_t)(v >> 32));
}

int vio_open(struct vio_dev *d, struct pci_dev *pci)
{
    d->pci = pci;
    pci_enable(pci, true, false, true);
    for (unsigned c = pci_next_cap(pci, PCI_CAP_VENDOR, 0); c; c = pci_next_cap(pci, PCI_CAP_VENDOR, c)) {
        unsigned type = pci_cfg_read(pci, c + 3, 8), bar = pci_cfg_read(pci, c + 4, 8);
        uint32_t off = pci_cfg_read(pci, c + 8, 32), len = pci_cfg_read(pci, c + 12, 32);
        volatile uint8_t **slot = type == CAP_COMMON   ? &d->common
                                  : type == CAP_NOTIFY ? &d->notify
                                  : type == CAP_ISR    ? &d->isr
                                  : type == CAP_DEVICE ? &d->device
                                                       : NULL;
        if (!slot || *slot) /* other types (PCI_CFG), or a second structure of a type: the first wins */
            continue;
        *slot = pci_map_bar(pci, bar, off, len);
        if (type == CAP_DEVICE)
            d->device_len = len;
        if (type == CAP_NOTIFY)
            d->notify_mult = pci_cfg_read(pci, c + 16, 32);
    }
    if (!d->common || !d->notify || !d->isr || !d->device) {
        plat_log(LOG_ERR, TAG,
                 "%02x:%02x.%u: virtio capabilities incomplete (common %d notify %d isr %d device %d)",
                 pci->bus, pci->dev, pci->fn, !!d->common, !!d->notify, !!d->isr, !!d->device);
        return -1;
    }
    return 0;
}

uint8_t vio_status(struct vio_dev *d)
{
    return d->common[C_STATUS];
}

void vio_reset(struct vio_dev *d)
{
    w8(d->common, C_STATUS, 0);
    for (unsigned i = 0; i < 1000000 && d->common[C_STATUS]; i++) /* QEMU resets at once */
        ;
}

int vio_negotiate(struct vio_dev *d, uint64_t wanted, uint64_t required)
{
    vio_reset(d);
    w8(d->common, C_STATUS, VIO_S_ACKNOWLEDGE);
    w8(d->common, C_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER);
    uint64_t dev = 0;
    for (uint32_t i = 0; i < 2; i++) {
        w32(d->common, C_DFSELECT, i);
        dev |= (uint64_t)r32(d->common, C_DF) << (32 * i);
    }
    required |= 1ull << VIRTIO_F_VERSION_1;
    uint64_t f = dev & (wanted | required);
    if ((f & required) != required) {
        plat_log(LOG_ERR, TAG, "device features 0x%llx lack required 0x%llx", (unsigned long long)dev,
                 (unsigned long long)required);
        w8(d->common, C_STATUS, VIO_S_FAILED);
        return -1;
    }
    for (uint32_t i = 0; i < 2; i++) {
        w32(d->common, C_GFSELECT, i);
        w32(d->common, C_GF, (uint32_t)(f >> (32 * i)));
    }
    w8(d->common, C_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER | VIO_S_FEATURES_OK);
    if (!(vio_status(d) & VIO_S_FEATURES_OK)) {
        plat_log(LOG_ERR, TAG, "device refused features 0x%llx (offered 0x%llx)", (unsigned long long)f,
                 (unsigned long long)dev);
        w8(d->common, C_STATUS, VIO_S_FAILED);
        return -1;
    }
    d->features = f;
    return 0;
}

void vio_driver_ok(struct vio_dev *d)
{
    w8(d->common, C_STATUS, vio_status(d) | VIO_S_DRIVER_OK);
}

uint8_t vio_isr(struct vio_dev *d)
{
    return *d->isr;
}

void vio_cfg_read(struct vio_dev *d, unsigned off, uint32_t *out, unsigned n)
{
    uint8_t gen;
    do {
        gen = d->common[C_GENERATION];
        for (unsigned i = 0; i < n; i++)
            out[i] = off + 4 * i + 4 <= d->device_len ? r32(d->device, off + 4 * i) : 0;
    } while (gen != d->common[C_GENERATION]);
}

int virtq_setup(struct vio_dev *d, struct virtq *q, uint16_t index)
{
    w16(d->common, C_Q_SELECT, index);
    uint16_t max = r16(d->common, C_Q_SIZE);
    if (!max) {
        plat_log(LOG_ERR, TAG, "queue %u does not exist", index);
        return -1;
    }
    uint16_t size = VIRTQ_SIZE;
    while (size > max) /* sizes are powers of two */
        size /= 2;
    if (virtq_init(q, size) < 0)
        return -1;
    q->index = index;
    w16(d->common, C_Q_SIZE, size);
    w64(d->common, C_Q_DESC, q->pa);
    w64(d->common, C_Q_DRIVER, q->pa + ((uint8_t *)q->avail - (uint8_t *)q->desc));
    w64(d->common, C_Q_DEVICE, q->pa + (q->used - q->desc));
    q->kick = (volatile uint16_t *)(d->notify + (uint64_t)r16(d->common, C_Q_NOTIFY_OFF) * d->notify_mult);
    w16(d->common, C_Q_ENABLE, 1);
    return 0;
}
