/* platform.c - platform.h for the kernel: what mm/ and drivers/acpi/ may use. */
#include <stdio.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/heap.h"
#include "kernel/percpu.h"

/* Log through printk with a subsystem tag. */
void plat_log(int level, const char *subsys, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(level, subsys, fmt, ap);
    va_end(ap);
}

/* Raw console output. */
void plat_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    console_write(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* Panic with a formatted message. */
void plat_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    panic("%s", buf);
}

/* Direct-map address of pa (NULL if pa is not mapped). */
void *plat_phys_to_virt(uint64_t pa)
{
    if (pa >= MAX_PHYS_ADDR || paging_virt_to_phys(DIRECT_MAP_BASE + pa) == ~0ull)
        return NULL;
    return phys_to_virt(pa);
}

/* 2^MAXPHYADDR from CPUID (leaf 0x80000008 EAX[7:0]), at most MAX_PHYS_ADDR; read once. */
uint64_t plat_phys_limit(void)
{
    static uint64_t limit;
    if (!limit) {
        uint32_t a, b, c, d;
        unsigned bits = CPU_PHYS_BITS_DEFAULT;
        cpuid(0x80000000u, &a, &b, &c, &d);
        if (a >= 0x80000008u) {
            cpuid(0x80000008u, &a, &b, &c, &d);
            bits = a & 0xff ? a & 0xff : bits;
        }
        limit = bits >= MAX_PHYS_BITS ? MAX_PHYS_ADDR : 1ull << bits;
    }
    return limit;
}

uint64_t plat_virt_to_phys(const void *v)
{
    return (uint64_t)(uintptr_t)v - DIRECT_MAP_BASE;
}

int plat_map_range(uint64_t pa, uint64_t len)
{
    return paging_map_direct(pa, len);
}

void plat_unmap_range(uint64_t pa, uint64_t len)
{
    paging_unmap_direct(pa, len);
}

int plat_map_mmio(uint64_t pa, uint64_t len)
{
    return paging_map_mmio(pa, len);
}

uint64_t plat_now_ns(void)
{
    return kern_uptime_ns();
}

/* Disable interrupts; returns whether they were enabled. */
unsigned long plat_irq_save(void)
{
    unsigned long f = read_flags() & (1 << 9);
    cli();
    return f;
}

void plat_irq_restore(unsigned long flags)
{
    if (flags)
        sti();
}

/* A CPU-local section is interrupts off (platform.h); plat_cpu_sync is in ipi.c. */
unsigned long plat_local_enter(unsigned *cpu)
{
    unsigned long f = plat_irq_save();
    *cpu = this_cpu()->id;
    return f;
}

void plat_local_exit(unsigned long state)
{
    plat_irq_restore(state);
}

bool plat_can_wait_cpus(void)
{
    return read_flags() & (1 << 9);
}

void *plat_alloc(size_t size)
{
    return kheap_alloc(size);
}

void plat_free(void *p)
{
    kheap_free(p);
}

uint32_t plat_io_read(uint16_t port, int width)
{
    return width == 8 ? inb(port) : width == 16 ? inw(port) : inl(port);
}

void plat_io_write(uint16_t port, int width, uint32_t value)
{
    if (width == 8)
        outb(port, (uint8_t)value);
    else if (width == 16)
        outw(port, (uint16_t)value);
    else
        outl(port, value);
}

void *plat_vmap_set(uint64_t va, uint64_t pa)
{
    if (paging_map_page(va, pa, true, false))
        return NULL;
    return (void *)va;
}

void plat_vmap_clear(uint64_t va)
{
    paging_unmap_page(va);
}

void plat_tlb_batch_begin(void)
{
    tlb_batch_begin();
}

void plat_tlb_batch_end(void)
{
    tlb_batch_end();
}

void plat_preempt_disable(void)
{
    unsigned long f = plat_irq_save();
    this_cpu()->preempt_off++;
    plat_irq_restore(f);
}

void plat_preempt_enable(void)
{
    unsigned long f = plat_irq_save();
    this_cpu()->preempt_off--;
    plat_irq_restore(f);
}

uint64_t plat_tlb_batch_queue(void)
{
    return tlb_batch_queue();
}

void plat_tlb_wait(uint64_t ticket)
{
    tlb_wait(ticket);
}

/* The current thread's mm reserve depth (platform.h); boot code before the scheduler shares one. */
unsigned *plat_thread_reserve(void)
{
    static unsigned boot_depth;
    struct thread *t = this_cpu()->current;
    return t ? &t->mm_reserve : &boot_depth;
}
