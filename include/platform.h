/* platform.h - the only services that the freestanding subsystems (mm/, drivers/acpi/) may use.
 *
 * Two implementations: kernel/platform.c (in the kernel) and tests/host/plat_host.c (host tests,
 * fuzzers, benchmarks). Everything in mm/ and drivers/acpi/ except files named *_shell.c builds on
 * both, so it may include only this header, its own headers, and <stdint.h> <stddef.h> <stdbool.h>
 * <stdarg.h> <string.h> <stdio.h> (the last two limited to what libc/include declares).
 */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Log levels, as on the kernel command line (loglevel=N shows levels <= N). */
enum { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Log one line (no trailing newline needed) tagged with a subsystem name. */
void plat_log(int level, const char *subsys, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print raw text to the console (shell output; dumps that gdb helpers must match). */
void plat_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Stop everything with a message: in the kernel a panic with backtrace, on the host abort(). */
__attribute__((noreturn, format(printf, 1, 2))) void plat_panic(const char *fmt, ...);

/* Cheap always-on check. */
#define PLAT_ASSERT(cond)                                                                                    \
    do {                                                                                                     \
        if (__builtin_expect(!(cond), 0))                                                                    \
            plat_panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);                           \
    } while (0)

/* Kernel virtual address of physical address pa through the direct map (NULL if not mapped). */
void *plat_phys_to_virt(uint64_t pa);
/* Physical address of direct-map address v (the inverse of plat_phys_to_virt). */
uint64_t plat_virt_to_phys(const void *v);
/* Map / unmap [pa, pa+len) in the direct map (2 MiB granular; TLB flushed on unmap). 0 on success. */
int plat_map_range(uint64_t pa, uint64_t len);
void plat_unmap_range(uint64_t pa, uint64_t len);

/* Monotonic time in nanoseconds since boot. */
uint64_t plat_now_ns(void);

/* Single CPU: a "lock" disables interrupts. Returns the previous state for plat_irq_restore. */
unsigned long plat_irq_save(void);
void plat_irq_restore(unsigned long flags);

/* Kernel heap (kmalloc/kfree in the kernel, malloc/free on the host). Zeroed memory. */
void *plat_alloc(size_t size);
void plat_free(void *p);

/* Port I/O (used by ACPI: SystemIO regions, GPE/PM1 registers). width in bits: 8, 16 or 32. */
uint32_t plat_io_read(uint16_t port, int width);
void plat_io_write(uint16_t port, int width, uint32_t value);

/* The vmap area for movable memory (VMAP_BASE in hotmem/params.h): map the 4 KiB page at
 * physical pa at virtual va (replacing any earlier mapping, TLB flushed) and return a pointer
 * through which the page is reached (the kernel: va itself; the host: its simulated RAM). */
void *plat_vmap_set(uint64_t va, uint64_t pa);
/* Remove the mapping at va (TLB flushed). */
void plat_vmap_clear(uint64_t va);

/* Record an event in the trace ring (types in hotmem/trace.h). Cheap; callable anywhere. */
void plat_trace(unsigned type, uint64_t a, uint64_t b, uint64_t c);
