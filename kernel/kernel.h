/* kernel.h - services of kernel/ used across the kernel. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "platform.h"
#include "hotmem/params.h"

#define HOTMEM_VERSION "0.1.0"

/* Kernel image bounds from linker.ld. */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[], __data_start[];
extern char __bss_start[], __bss_end[], __kernel_end[], __kernel_phys_start[], __kernel_phys_end[];
#define KERNEL_PHYS(va) ((uint64_t)(va)-KERNEL_VMA)

/* console.c / serial.c */
void serial_init(void);
void serial_write(const char *s, size_t n);
void serial_enable_irq(void);
/* Next received byte, or -1 if none is buffered. */
int serial_getc(void);
bool serial_getc_pending(void);
/* Sleep (the calling thread) until serial input is buffered. */
void serial_wait_input(void);
extern uint64_t serial_rx_throttles;
/* Is input waiting in the UART because the ring is full? */
bool serial_rx_throttled(void);

/* printk.c: log a line at a level (shown on the console when level <= loglevel). */
void printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vprintk(int level, const char *subsys, const char *fmt, va_list ap);
extern int kern_loglevel;
/* Print the kernel's log ring (the `log` command). */
void printk_dump_log(void);
/* The shared console (printk.c): locked output for the shell, and the shell's busy state. */
struct thread;
void console_write(const char *s, size_t n);
void console_write_other(const char *s, size_t n);
void console_set_busy(bool busy);
void console_set_owner(const struct thread *t);

/* trap.c */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
void idt_init(void);
void kern_backtrace(uint64_t rbp);
/* Register a handler for an interrupt vector (32..255). */
void irq_set_handler(int vector, void (*fn)(void));

/* symbols.c: name of the function containing addr and the offset into it, or NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* gdt.c */
void gdt_init(void);

/* apic.c */
void apic_init(void);
void lapic_eoi(void);
/* Route ISA IRQ / GSI to vector on the boot CPU (overrides from the MADT applied). */
void ioapic_route_isa(int irq, int vector);
void ioapic_route_gsi(uint32_t gsi, int vector, bool level, bool active_low);
void ioapic_mask_gsi(uint32_t gsi, bool masked);

/* timer.c */
void timer_init(void);
extern volatile uint64_t timer_ticks;
/* Does each timer tick wake the worker thread? (true; `failinject tick off`: a test's way to show
 * that a device's interrupt wakes it by itself) */
extern bool timer_kicks_worker;
uint64_t kern_uptime_ns(void);

/* paging.c */
void paging_init(void);
/* Allocate one zeroed physical page for page tables (early pool, then the buddy allocator). */
uint64_t paging_alloc_table(void);
void paging_set_table_allocator(uint64_t (*alloc)(void), void (*free)(uint64_t pa));
/* Map/unmap a 2 MiB-granular physical range into the direct map: RAM write-back, or (mmio)
 * device registers uncached. */
int paging_map_direct(uint64_t pa, uint64_t len);
int paging_map_mmio(uint64_t pa, uint64_t len);
void paging_unmap_direct(uint64_t pa, uint64_t len);
/* Map one 4 KiB page at va (flags: writable, nx), flush TLB. 0 on success. */
int paging_map_page(uint64_t va, uint64_t pa, bool writable, bool exec);
void paging_unmap_page(uint64_t va);
/* Remove n 4 KiB mappings from va with one TLB shootdown on the CPUs of mask (those that may
 * have used them); pas[i] gets each one's page (0 if none). */
void paging_unmap_pages(uint64_t va, uint64_t n, uint64_t *pas, uint64_t mask);
/* Migration entries (4 KiB mappings only): make va's mapping a migration entry and shoot it
 * down on the CPUs of mask; a fault on such an entry waits until the page is mapped again. */
int paging_set_migrating(uint64_t va, uint64_t mask);
bool paging_migration_wait(uint64_t va);
extern uint64_t paging_migration_waits;
/* Physical address mapped at va, or ~0 if unmapped. */
uint64_t paging_virt_to_phys(uint64_t va);
/* Page-table pages in use (early pool not counted), failed allocations of one, direct mappings
 * undone after such a failure; and the fault injection (paging.c: -1 inert, N: the N'th page-table
 * page a paging_map_direct allocates from now fails). */
extern uint64_t paging_tables_allocated, paging_table_alloc_fails, paging_map_undos;
extern int64_t paging_fail_table_at;
/* probe.c: read the byte at va through the MMU; -1 if the read page-faulted (the fault is
 * caught, counted in probe_faults, and the kernel goes on). */
int kern_probe_read(uint64_t va);
/* The #PF handler's first question: was this kern_probe_read? If so, resume at its fixup. */
bool probe_fixup(uint64_t *rip);
extern uint64_t probe_faults;
static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(pa + DIRECT_MAP_BASE);
}

/* main.c */
extern const char *kern_cmdline;
/* Does the kernel command line contain the word w (or w=...)? value gets what follows '='. */
bool cmdline_has(const char *w, const char **value);
/* worker.c: functions run by the worker thread on every pass (registered once at init), each
 * pass after an SCI or a timer tick (kern_work_kick); their state is used only under
 * kern_work_mutex (the shell takes it for the commands that use it). */
void kern_loop_register(void (*fn)(void));
void kern_work_kick(void);
void kern_worker_start(void);
/* Reset the machine through the keyboard controller / 0xCF9. */
__attribute__((noreturn)) void kern_reboot(void);
/* Write the pass/fail code to isa-debug-exit; returns only if no such device. */
void kern_debug_exit(int code);

/* selftest.c */
struct selftest {
    const char *name;
    int (*fn)(void); /* 0 = pass */
};
#define SELFTEST(tname, tfn)                                                                                 \
    static const struct selftest selftest_##tfn                                                              \
        __attribute__((used, section(".selftests"), aligned(8))) = {tname, tfn}
/* Run every registered in-kernel test, print a summary, exit QEMU with pass/fail. */
void selftest_run_all(void);
