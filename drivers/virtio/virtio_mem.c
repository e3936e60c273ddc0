/* virtio_mem.c - the virtio-mem driver: probe, requests, interrupts, main-loop work, report (see
 * virtio_mem.h; the plug/unplug policy is in virtio_mem_resize.c). */
#include <string.h>

#include "drivers/acpi/srat_numa.h"
#include "drivers/virtio/virtio_mem.h"
#include "hotmem/trace.h"
#include "kernel/arch.h"
#include "mm/memmap.h"
#include "mm/mm.h"
#include "platform.h"

#define TAG "vmem"

struct vmem *vmem_devs[VMEM_MAX_DEVS];
unsigned vmem_ndevs;

void vmem_resize(struct vmem *m);

const char *vmem_state_name(enum vmem_state s)
{
    return s == VMEM_IDLE ? "idle" : s == VMEM_STUCK ? "stuck" : "broken";
}

/* Interrupt handler (shared line): read the ISR; record a config change; "not mine" on 0. */
static bool vmem_irq(void *arg)
{
    struct vmem *m = arg;
    uint8_t isr = vio_isr(&m->vd);
    if (!isr)
        return false;
    m->cnt.irqs++;
    if (isr & VIO_ISR_CONFIG)
        m->cfg_changed = true;
    return true;
}

/* Read the device configuration (one consistent snapshot). The first read takes everything;
 * later ones only what may change, sanitized against the fixed fields (junk is logged once per
 * reason and counted). */
void vmem_read_config(struct vmem *m)
{
    uint32_t w[VMEM_CFG_WORDS];
    struct vmem_config now, c;
    vio_cfg_read(&m->vd, 0, w, VMEM_CFG_WORDS);
    vmem_config_parse(w, &now);
    c = now;
    const char *why = m->block_size ? vmem_config_update(&m->cfg, &now, &c) : NULL;
    if (why) {
        m->cnt.bad_config++;
        if (why != m->cfg_why)
            plat_log(
                LOG_WARN, TAG,
                "config junk: %s: block 0x%llx region 0x%llx+0x%llx usable 0x%llx plugged 0x%llx requested "
                "0x%llx; using usable 0x%llx requested 0x%llx",
                why, (unsigned long long)now.block_size, (unsigned long long)now.addr,
                (unsigned long long)now.region_size, (unsigned long long)now.usable,
                (unsigned long long)now.plugged, (unsigned long long)now.requested,
                (unsigned long long)c.usable, (unsigned long long)c.requested);
    }
    m->cfg_why = why;
    m->cfg = c;
    m->block_size = c.block_size;
    m->pxm = c.node_id;
    m->addr = c.addr;
    m->region_size = c.region_size;
    m->usable = c.usable;
    m->dev_plugged = c.plugged;
    m->requested = c.requested;
}

/* Wait until the queue has a used buffer: sleep to the next interrupt (with a line) or spin
 * (polling). false on timeout or when the device says it needs a reset. */
static bool wait_used(struct vmem *m)
{
    uint64_t deadline = plat_now_ns() + VIRTIO_REQ_TIMEOUT_MS * 1000000ull;
    while (!virtq_has_used(&m->vq)) {
        if (plat_now_ns() > deadline || (vio_status(&m->vd) & VIO_S_NEEDS_RESET))
            return false;
        if (!m->irq) {
            cpu_pause();
            continue;
        }
        unsigned long f = plat_irq_save();
        if (!virtq_has_used(&m->vq))
            sti_hlt(); /* the device's interrupt (or the timer) wakes us */
        cli();
        plat_irq_restore(f);
    }
    return true;
}

/* Send one request and wait for its answer: enum vmem_resp; *state gets STATE's answer. */
int vmem_request(struct vmem *m, unsigned type, uint64_t addr, uint64_t nb, uint16_t *state)
{
    if (m->state == VMEM_BROKEN)
        return VMEM_NO_RESP;
    PLAT_ASSERT(nb <= 0xffff);
    uint8_t *req = m->vq.scratch, *resp = m->vq.scratch + 64;
    memset(req, 0, 24);
    memset(resp, 0xff, 16);
    req[0] = (uint8_t)type;
    memcpy(req + 8, &addr, 8);
    uint16_t n16 = (uint16_t)nb;
    memcpy(req + 16, &n16, 2);
    struct vio_buf b[2] = {{m->vq.scratch_pa, 24, false}, {m->vq.scratch_pa + 64, 16, true}};
    m->cnt.req[type & 3]++;
    plat_trace(TRACE_VMEM_REQ, type, addr, nb);
    int r = VMEM_NO_RESP;
    if (virtq_add(&m->vq, b, 2) >= 0) {
        virtq_kick(&m->vq);
        uint32_t len = 0;
        if (wait_used(m) && virtq_used(&m->vq, &len) >= 0 && len >= 2) {
            uint16_t t;
            memcpy(&t, resp, 2);
            r = t <= VMEM_ERROR ? t : VMEM_NO_RESP;
            if (state)
                memcpy(state, resp + 8, 2);
        }
    }
    m->cnt.resp[r]++;
    if (r == VMEM_ACK && type == VMEM_PLUG)
        m->plugged += nb * m->block_size;
    else if (r == VMEM_ACK && type == VMEM_UNPLUG)
        m->plugged -= nb * m->block_size;
    else if (r == VMEM_ACK && type == VMEM_UNPLUG_ALL)
        m->plugged = 0;
    plat_trace(TRACE_VMEM_RESP, type, r == VMEM_NO_RESP ? ~0ull : (uint64_t)r, m->plugged);
    if (r == VMEM_NO_RESP) {
        m->state = VMEM_BROKEN;
        plat_log(LOG_ERR, TAG,
                 "request %u at 0x%llx (%llu blocks): no answer within %u ms (status 0x%x): device "
                 "given up",
                 type, (unsigned long long)addr, (unsigned long long)nb, VIRTIO_REQ_TIMEOUT_MS,
                 vio_status(&m->vd));
    }
    return r;
}

/* Check the fixed configuration; lay out the units. 0 or -1 (logged). */
static int check_config(struct vmem *m)
{
    uint64_t bs = m->block_size;
    const char *why = vmem_config_check_fixed(&m->cfg, plat_phys_limit());
    if (!why && memmap_total(&memmap_boot, MEMMAP_RAM) &&
        (memmap_find(&memmap_boot, m->addr) || memmap_find(&memmap_boot, m->addr + m->region_size - 1)))
        why = "region overlaps the memory map (RAM or a reserved range)";
    if (why) {
        plat_log(LOG_ERR, TAG, "config: block 0x%llx region 0x%llx+0x%llx: %s: device not used",
                 (unsigned long long)bs, (unsigned long long)m->addr, (unsigned long long)m->region_size,
                 why);
        return -1;
    }
    m->unit = bs > SUBSECTION_SIZE ? bs : SUBSECTION_SIZE;
    m->base = (m->addr + m->unit - 1) & ~(m->unit - 1);
    uint64_t end = (m->addr + m->region_size) & ~(m->unit - 1);
    m->nunits = end > m->base ? (uint32_t)((end - m->base) / m->unit) : 0;
    int node = m->vd.features >> VIRTIO_MEM_F_ACPI_PXM & 1 ? acpi_pxm_to_node(&acpi_srat_info, m->pxm) : 0;
    if (node < 0)
        plat_log(LOG_WARN, TAG, "node_id %u is not a proximity domain of the SRAT: node 0", m->pxm);
    m->node = node < 0 ? 0 : (unsigned)node;
    m->ustate = plat_alloc(m->nunits ? m->nunits : 1);
    return m->ustate ? 0 : -1;
}

/* Bring up one device on m (zeroed but for vd.pci): transport, queue, config, interrupt,
 * DRIVER_OK, UNPLUG_ALL if anything is plugged. 0, or -1 with the device reset (logged). */
static int vmem_start(struct vmem *m, struct pci_dev *pci)
{
    uint64_t want = 1ull << VIRTIO_MEM_F_ACPI_PXM | 1ull << VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE;
    if (vio_open(&m->vd, pci) < 0 || vio_negotiate(&m->vd, want, 0) < 0 || virtq_setup(&m->vd, &m->vq, 0) < 0)
        return -1;
    vmem_read_config(m);
    if (check_config(m) < 0) {
        vio_reset(&m->vd);
        virtq_free(&m->vq);
        return -1;
    }
    m->irq = pci_irq_attach(pci, vmem_irq, m) == 0;
    vio_driver_ok(&m->vd);
    plat_log(LOG_INFO, TAG,
             "%02x:%02x.%u: region 0x%llx-0x%llx block 0x%llx node %u, features 0x%llx, %s; plugged 0x%llx "
             "requested 0x%llx",
             pci->bus, pci->dev, pci->fn, (unsigned long long)m->addr,
             (unsigned long long)(m->addr + m->region_size), (unsigned long long)m->block_size, m->node,
             (unsigned long long)m->vd.features, m->irq ? "interrupts" : "polling",
             (unsigned long long)m->dev_plugged, (unsigned long long)m->requested);
    if (m->dev_plugged) { /* left plugged by an earlier kernel or driver: start from nothing */
        int r = vmem_request(m, VMEM_UNPLUG_ALL, 0, 0, NULL);
        plat_log(r == VMEM_ACK ? LOG_INFO : LOG_WARN, TAG, "UNPLUG_ALL of 0x%llx at start: %s",
                 (unsigned long long)m->dev_plugged, r == VMEM_ACK ? "done" : "refused, retried later");
        if (r != VMEM_ACK) {
            m->state = VMEM_STUCK;
            m->last_why = "UNPLUG_ALL at start refused";
        }
    }
    m->cfg_changed = true; /* requested_size may already be non-zero (it survives a reboot) */
    return 0;
}

/* Probe one device: allocate its state and start it. */
static int probe(struct pci_dev *pci)
{
    struct vmem *m = plat_alloc(sizeof *m);
    if (!m)
        return -1;
    if (vmem_start(m, pci) < 0) {
        plat_free(m);
        return -1;
    }
    vmem_devs[vmem_ndevs++] = m;
    return 0;
}

/* Leave the device the way a departing kernel (kexec) or an unloaded driver leaves it: every
 * plugged unit offlined and removed from mm but still plugged at the device, the device reset.
 * 0; MM_EBUSY (logged, nothing changed) if some plugged memory cannot be offlined. */
static int vmem_stop(struct vmem *m)
{
    uint32_t i = 0, n = 0;
    struct mm_offline_report rep;
    for (; i < m->nunits; i += n ? n : 1) { /* maximal runs of plugged units */
        for (n = 0; i + n < m->nunits && m->ustate[i + n]; n++)
            ;
        uint64_t a = m->base + (uint64_t)i * m->unit, len = (uint64_t)n * m->unit;
        if (n && mm_offline_range(a, len, &rep) < 0)
            break;
        if (n && mm_remove_subsections(a, len) < 0) {
            mm_online_range(a, len);
            break;
        }
    }
    if (i < m->nunits) { /* undo: take back what was removed */
        plat_log(LOG_ERR, TAG,
                 "restart: 0x%llx cannot go offline (frame 0x%llx owned by %s): restart refused",
                 (unsigned long long)(m->base + (uint64_t)i * m->unit), (unsigned long long)rep.block_pfn,
                 mm_owner_name(rep.block_owner));
        while (i-- > 0)
            if (m->ustate[i] && mm_add_subsections(m->base + (uint64_t)i * m->unit, m->unit, m->node) < 0)
                m->cnt.add_fails++;
        return MM_EBUSY;
    }
    if (m->irq)
        pci_irq_detach(m->vd.pci, vmem_irq, m);
    vio_reset(&m->vd);
    virtq_free(&m->vq);
    for (i = 0; i < m->nunits; i++)
        if (m->ustate[i])
            memmap_remove(&memmap_boot, m->base + (uint64_t)i * m->unit, m->unit);
    plat_free(m->ustate);
    return 0;
}

/* Stop the driver on the device and start it again (virtio_mem.h). */
int vmem_restart(struct vmem *m)
{
    int r = vmem_stop(m);
    if (r < 0)
        return r;
    struct pci_dev *pci = m->vd.pci;
    memset(m, 0, sizeof *m);
    if (vmem_start(m, pci) < 0) {
        m->state = VMEM_BROKEN;
        return -1;
    }
    return 0;
}

int vmem_init(void)
{
    int n = 0;
    for (unsigned i = 0; vmem_ndevs < VMEM_MAX_DEVS; i++) {
        struct pci_dev *p = pci_find(VIRTIO_VENDOR, VIRTIO_MEM_DEVICE_ID, i);
        if (!p)
            break;
        n += probe(p) == 0;
    }
    return n;
}

/* Stop using the interrupt line: the main loop polls the ISR from now on (test aid for the
 * fallback; also what a device without a usable line gets). */
void vmem_use_polling(struct vmem *m)
{
    if (m->irq && pci_irq_detach(m->vd.pci, vmem_irq, m) == 0)
        m->irq = false;
    m->cfg_changed = true; /* a change the handler saw may not have been handled yet */
}

/* Free pages of every zone (the "memory was freed" signal for a stuck shrink). */
uint64_t vmem_free_pages(void)
{
    struct mm_zone_stats st;
    mm_total_stats(&st);
    return st.free;
}

void vmem_poll(void)
{
    for (unsigned i = 0; i < vmem_ndevs; i++) {
        struct vmem *m = vmem_devs[i];
        if (m->state == VMEM_BROKEN)
            continue;
        if (!m->irq && (vio_isr(&m->vd) & VIO_ISR_CONFIG))
            m->cfg_changed = true;
        bool retry =
            m->state == VMEM_STUCK && (plat_now_ns() >= m->retry_at || vmem_free_pages() != m->free_at_stuck);
        if (m->cfg_changed || retry)
            vmem_resize(m);
    }
}
