/* params.h - every magic number of the machine in one place, each with its reason
 * (in the spirit of FreeBSD's vmparam.h). Included by kernel, mm/ and drivers/acpi/. */
#pragma once

/* x86_64 base page. */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)

/* A section is 128 MiB, as in Linux on x86_64: small enough that one DIMM spans few sections,
 * large enough that the section table for 1 TiB is 8192 entries. */
#define SECTION_SHIFT 27
#define SECTION_SIZE (1ull << SECTION_SHIFT)
#define PFN_SECTION_SHIFT (SECTION_SHIFT - PAGE_SHIFT)

/* QEMU places DIMMs 2 MiB-aligned (hw/mem/memory-device.c), so hotplug works at 2 MiB
 * subsections: 64 per section, one bit each in a uint64_t present-mask. */
#define SUBSECTION_SHIFT 21
#define SUBSECTION_SIZE (1ull << SUBSECTION_SHIFT)
#define SUBSECTIONS_PER_SECTION (1u << (SECTION_SHIFT - SUBSECTION_SHIFT))

/* Physical address space the memory manager covers: 64 TiB (46 bits, what `-cpu max,phys-bits=46`
 * gives; qemu64 reports 40). Terabyte DIMMs sit above 1 TiB (QEMU puts device memory after the
 * above-4G RAM, and above 1 TiB altogether on AMD CPUs to skip the HyperTransport hole). The
 * direct map of 64 TiB takes PML4 slots 256..383, below the vmap area (slot 400). */
#define MAX_PHYS_BITS 46
#define MAX_PHYS_ADDR (1ull << MAX_PHYS_BITS)
/* Physical address bits of a CPU without CPUID leaf 0x80000008 (the SDM's MAXPHYADDR default);
 * plat_phys_limit() takes the CPU's own figure from that leaf when it has one. */
#define CPU_PHYS_BITS_DEFAULT 36
#define NR_SECTIONS (MAX_PHYS_ADDR >> SECTION_SHIFT) /* 2^19 */
/* The section table is two-level so that it costs what is present, not 64 TiB: a root of
 * SECT_ROOT_SIZE pointers (4 KiB, static) to leaves of SECT_LEAF_SIZE section pointers (8 KiB,
 * 128 GiB of address space each, allocated when the first section in them appears). */
#define SECT_LEAF_SHIFT 10
#define SECT_LEAF_SIZE (1u << SECT_LEAF_SHIFT)
#define SECT_ROOT_SIZE (NR_SECTIONS >> SECT_LEAF_SHIFT)

/* NUMA nodes the kernel tracks (QEMU's SRAT proximity domains are small integers). */
#define MAX_NODES 8

/* Kernel virtual layout: the direct map of all physical memory starts at the bottom of the upper
 * half (PML4 slot 256); the kernel image is linked at -2 GiB so -mcmodel=kernel works. */
#define DIRECT_MAP_BASE 0xffff800000000000ull
#define KERNEL_VMA 0xffffffff80000000ull
/* The vmap area for movable memory: PML4 slot 400, above the direct map's 64 TiB. */
#define VMAP_BASE 0xffffc80000000000ull
#define VMAP_SIZE (64ull << 30)

/* isa-debug-exit (QEMU -device isa-debug-exit,iobase=0xf4): QEMU exits with (value << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_PASS 0x10 /* exit status 33 */
#define DEBUG_EXIT_FAIL 0x11 /* exit status 35 */

/* Interrupt vectors: 0-31 are exceptions; devices sit just above, each ISA IRQ at 32 + irq so a
 * vector number names its line; the local APIC's spurious vector is the architectural 0xff. */
#define VECTOR_TIMER 32    /* PIT, ISA IRQ 0 (GSI 2 through QEMU's override) */
#define VECTOR_COM1 36     /* COM1, ISA IRQ 4 */
#define VECTOR_ACPI_SCI 41 /* ACPI SCI, ISA IRQ 9 on QEMU (FADT SCI_INT) */
#define VECTOR_SPURIOUS 0xff

/* PC hardware ports and rates. */
#define COM1_PORT 0x3f8
#define COM1_IRQ 4
#define PIT_HZ 1193182 /* the 8254's input clock */
#define TIMER_HZ 100   /* ticks wake the main loop; time itself comes from the TSC */

/* PCI (drivers/pci): config mechanism #1 ports (pc has no MCFG), and how many functions the
 * kernel keeps (QEMU's default machines have about ten; bridges add a few). */
#define PCI_CONF_ADDR 0xcf8
#define PCI_CONF_DATA 0xcfc
#define PCI_MAX_DEVS 64
/* A PCI INTx line is an ISA IRQ number (config 0x3C, written by the firmware); its vector is
 * VECTOR_IRQ_BASE + line like the ISA devices above, so a vector still names its line. */
#define VECTOR_IRQ_BASE 32
/* Handlers that may share one level-triggered line (virtio-mem shares with e1000e on q35). */
#define PCI_IRQ_SHARERS 4

/* virtio (drivers/virtio): queue size the driver uses (QEMU's virtio-mem offers 128; requests go
 * one at a time, 8 descriptors leave room); how long a request may take before the device is
 * declared dead (QEMU answers in microseconds; TCG under load in milliseconds). */
#define VIRTQ_SIZE 8
#define VIRTIO_REQ_TIMEOUT_MS 5000
/* virtio-mem: blocks per PLUG/UNPLUG request (the request's nb_blocks is 16 bit; 512 blocks =
 * 1 GiB at 2 MiB bounds the time one request holds the main loop), at most this many devices,
 * and the retry after a failed unplug when nothing changed: memory freed or a new request retries
 * at once, this timer is the fallback (Linux waits 50 s to 300 s). */
#define VMEM_MAX_RUN_BLOCKS 512
#define VMEM_MAX_DEVS 2
#define VMEM_RETRY_MS 2000
/* Owner cookie of the free blocks virtio-mem holds while it empties units ("HOLD"). */
#define VMEM_HOLD_COOKIE 0x484f4c44
/* MMIO windows of the platform devices that a memory device's _CRS must never cover (the MADT,
 * HPET and MCFG give their bases; the sizes are architectural): a local APIC's and an I/O APIC's
 * register page, the HPET's 1 KiB register block (a page), 1 MiB of ECAM space per PCI bus. The
 * defaults are used when the MADT does not say (0xfee00000 / 0xfec00000 on every PC). */
#define LAPIC_MMIO_SIZE 0x1000ull
#define IOAPIC_MMIO_SIZE 0x1000ull
#define HPET_MMIO_SIZE 0x1000ull
#define ECAM_BUS_SIZE (1ull << 20)
#define LAPIC_MMIO_DEFAULT 0xfee00000ull
#define IOAPIC_MMIO_DEFAULT 0xfec00000ull

/* Watermark: the free pages every NORMAL zone keeps for the allocations that must not fail while
 * memory is being taken back (migration targets, page tables, the ACPI event path that reports
 * an eject's outcome): 2 MiB, or an eighth of the zone if that is less. Ordinary allocations stop
 * there; an offline that would have to migrate into it is refused at once. */
#define MM_ZONE_MIN_PAGES 512u

/* Frees queued by mm_free_pages_deferred until mm_run_deferred runs them (the main loop, every
 * wait of an offline): 256 blocks, far more than one pass of the main loop produces. */
#define MM_DEFER_MAX 256u
/* ---- SMP ---- */
/* CPUs the kernel starts: one bit each in a uint64_t CPU mask (IPI targets, shootdowns). */
#define MAX_CPUS 64
/* The application-processor trampoline: 4 KiB of real-mode code and, in the three pages above
 * it, the page tables that identity-map it while long mode is switched on. 0x8000 is below the
 * EBDA and SeaBIOS/GRUB data, page aligned (SIPI vector 0x08), and inside the first MiB that the
 * memory manager keeps reserved as firmware memory. */
#define TRAMPOLINE_PA 0x8000ull
#define TRAMPOLINE_PAGES 4
/* Each AP gets 64 KiB (order 4) from the buddy allocator: its kernel stack and three IST stacks
 * of 16 KiB each (the boot CPU's are in .bss). */
#define AP_STACK_ORDER 4
#define AP_STACK_SIZE 16384
/* INIT-SIPI-SIPI waits (Intel SDM vol. 3 8.4.4.1: 10 ms after INIT, 200 us between SIPIs) and how
 * long an AP may take to reach C (generous: TCG with busy host cores can be slow). */
#define AP_INIT_WAIT_US 10000
/* CPUs that need no wait after INIT (Linux's smp_quirk_init_udelay: Intel family 6, AMD family
 * 0xf and later, and any CPU under a hypervisor): 30 ms less at boot with 4 CPUs. */
#define AP_INIT_WAIT_MODERN_US 0
#define AP_SIPI_WAIT_US 200
#define AP_START_TIMEOUT_MS 5000
/* The 16550A's transmit FIFO: bytes the console writes after one "FIFO empty" status read. */
#define SERIAL_FIFO_BYTES 16
/* Status reads the console waits per byte for the transmitter before it writes anyway. */
#define SERIAL_TX_POLLS 100000
/* Calibration windows: the TSC against PIT channel 2, then the LAPIC timer against the TSC.
 * Every read of the PIT gate or the LAPIC count is a trap that may wait for QEMU's main loop
 * (tens of microseconds on a busy host), which ends the window late: 5 ms of PIT keeps the TSC
 * within 0.05% (2 ms was 0.4% off: every time the kernel prints depends on it); the LAPIC timer
 * only paces scheduler ticks, and 1 ms of it (62500 counts of QEMU's 1 GHz bus / 16) is within a
 * few percent. */
#define TSC_CALIBRATE_MS 5
#define LAPIC_CALIBRATE_US 1000
/* Local APIC timer: every CPU ticks at this rate (preemption and per-CPU timekeeping). */
#define LAPIC_TIMER_HZ 100
/* IPI vectors: above every device vector, below the spurious vector. */
#define VECTOR_LAPIC_TIMER 0xef
#define VECTOR_IPI_CALL 0xf0
#define VECTOR_RESCHED 0xf1
/* Kernel threads: 64 KiB stacks (order 4, from the buddy allocator) like the boot stack, since the
 * AML interpreter recurses on the ACPI worker; a thread runs one LAPIC tick before preemption. */
#define THREAD_STACK_ORDER 4
#define SCHED_SLICE_TICKS 1
/* The stress workload's objects (kernel/stress.c) live in their own window after the vmap area:
 * 1 GiB of virtual space per stress thread. */
#define STRESS_VA_BASE (VMAP_BASE + VMAP_SIZE)
#define STRESS_VA_PER_THREAD (1ull << 30)
/* A stress object: 16 pages; the first STRESS_COUNTERS words of each page are counters that the
 * owning thread increments, the rest a fixed pattern. */
#define STRESS_OBJ_PAGES 16
#define STRESS_COUNTERS 8
/* TLB shootdowns of more pages than this flush the whole TLB instead of page by page. */
#define TLB_FLUSH_ALL_PAGES 32
/* An offline migrates movable blocks in batches of this many: every block of a batch is made
 * inaccessible (isolate callbacks), one cross-call flushes them all, then each is copied and
 * remapped. Under TCG a cross-call to a busy vCPU costs a host time slice, so one per page made
 * a 512 MiB migration under load take minutes; 32 pages fit the page-by-page flush. */
#define MM_MIGRATE_BATCH 32
#define TLB_BATCH_PAGES 64
/* Pages a lazy (idle) CPU keeps to flush one by one when it wakes (kernel/tlb.c); past that it
 * flushes its whole TLB, which under TCG also empties QEMU's software TLB: a thread woken often
 * (waiting on migration entries) then refills it every time. Two migration batches' worth. */
#define TLB_LAZY_PAGES 64
/* Ended batches whose flush is queued (plat_tlb_batch_queue) until plat_tlb_wait: an offline has
 * at most two at a time (its isolations, its remaps); more callers flush at once instead. */
#define TLB_QUEUED 4
/* Shell `ptcheck` maps and unmaps 2 MiB of this 1 GiB of physical address space (it checks that
 * nothing is there first): 255 GiB, below the 1 TiB of QEMU's default 40 physical address bits
 * and above anything the tests boot (maxmem 32G, the PCI 64-bit window after it). */
#define PAGING_CHECK_PA (255ull << 30)
/* `failinject pt N` takes N up to this (a direct mapping of 64 TiB needs 65536 directories). */
#define PAGING_INJECT_MAX 65536
/* A CPU waiting for a spinlock spins this many times, then (if its interrupts were on) halts
 * until the holder's wake-up IPI or the next tick: under TCG with more vCPUs than host cores a
 * spinning vCPU takes host time from the lock holder. */
#define SPIN_BEFORE_HALT 2000
#define VECTOR_WAKE 0xf2
/* While migrating, an offline releases mm_lock (which keeps interrupts off) once it has held it
 * this long, so other CPUs and interrupts get in: the interrupts-off window it aims at. */
#define MM_LOCK_HOLD_NS 50000
/* A migration batch stops picking blocks once the offline has held mm_lock this long, so that
 * picking, allocating targets and isolating stay within one MM_LOCK_HOLD_NS hold. */
#define MM_MIGRATE_PICK_NS 25000
/* Issue 13's aim for the longest interrupts-off window of an offline: holds of mm_lock longer
 * than this are counted apart in the offline's report (mm_offline_report.holds_over_aim). */
#define MM_IRQOFF_AIM_NS 100000
/* Buckets of the histogram of an offline's mm_lock holds (mm/holdhist.c): 8 per power of two,
 * up to 2^21 units of 1024 ns (about 2 s); longer holds land in the last. */
#define HOLDHIST_BUCKETS 160
/* The deadline of a whole offline, checked inside its migration loop: migrating 512 MiB takes
 * about a second under TCG (bench_hotplug), so a minute bounds an offline that cannot finish
 * (its data keeps being re-created in the range, say) without failing a large honest one. */
#define MM_OFFLINE_DEADLINE_MS 60000
/* Per-CPU page caches (mm/pcp.c): orders 0-3 are cached (the sizes kmalloc's slabs, page tables
 * and 16-page stress objects ask for); a list refills and spills 16 blocks at a time (one mm_lock
 * round trip per 16 allocations) and spills once it holds more than 64 pages' worth (at most
 * 64 x 4 orders x 4 KiB = 1 MiB per CPU, node and zone: little next to a DIMM). */
#define MM_PCP_ORDERS 4
#define MM_PCP_BATCH 16
#define MM_PCP_HIGH 64

/* ---- user processes (issue 16) ---- */
/* Reverse map of user pages (mm/rmap.c): 16384 buckets (128 KiB) keep chains short up to a few
 * GiB of user memory; failed-offline descriptions rotate through 4 buffers of 96 bytes (memhp
 * keeps the last report per slot); one trace event per 64 migrated user pages (the ring keeps
 * 4096 events, so a 300 MiB migration leaves ~1200 of them). */
#define RMAP_BUCKETS 16384
#define RMAP_DESCS 4
#define RMAP_DESC_LEN 96
#define RMAP_TRACE_BATCH 64
/* User virtual layout: programs are linked at 4 MiB (user/user.ld); anonymous and shared
 * mappings are handed out upward from 1 TiB; the stack (256 KiB, demand paged) ends at 128 TiB
 * minus 4 GiB. Everything lies in the lower half (PML4 slots 0-255). */
#define USER_LOAD_MIN 0x400000ull
#define USER_MMAP_BASE (1ull << 40)
#define USER_MMAP_END (64ull << 40)
#define USER_STACK_TOP (0x800000000000ull - (4ull << 30))
#define USER_STACK_SIZE (256ull << 10)
#define USER_TOP 0x800000000000ull
/* Processes alive at once, programs (multiboot2 modules) the kernel keeps, arguments per run. */
#define PROC_MAX 32
#define PROG_MAX 16
#define PROC_ARGS 8
/* Shared anonymous objects alive at once; pins per process; bytes of one console write. */
#define SHM_MAX 16
#define PIN_MAX 8
#define SYS_WRITE_MAX 4096
/* GDT selectors of user mode (kernel/gdt.c): SYSRET takes CS = base + 16, SS = base + 8. */
#define GDT_USER_BASE 0x28
#define USER_DS (GDT_USER_BASE + 8 + 3)
#define USER_CS (GDT_USER_BASE + 16 + 3)
