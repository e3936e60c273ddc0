/* plat_host.h - knobs of the host implementation of platform.h, for tests, fuzzers, benchmarks. */
#pragma once
#include "platform.h"

/* Simulated physical memory: [pa_base, pa_base+size) is backed by host memory (reserved lazily,
 * so gigabytes cost nothing until touched). Several disjoint ranges may be registered. */
void plat_host_add_ram(uint64_t pa_base, uint64_t size);
void plat_host_remove_ram(uint64_t pa_base, uint64_t size);

/* Host pages (4 KiB) of simulated RAM in [pa, pa+len) touched (read or written) since it was
 * added (mincore): what a frame database initialisation really wrote. pa 4 KiB aligned. */
uint64_t plat_host_ram_touched(uint64_t pa, uint64_t len);

/* Port I/O goes to these callbacks (NULL: reads return all ones, writes are dropped). */
typedef uint32_t (*plat_host_io_read_fn)(uint16_t port, int width);
typedef void (*plat_host_io_write_fn)(uint16_t port, int width, uint32_t value);
void plat_host_set_io(plat_host_io_read_fn rd, plat_host_io_write_fn wr);

/* Log lines at or below this level are printed to stderr (default LOG_WARN; 0 in fuzzers). */
extern int plat_host_loglevel;
/* With plat_host_log_record set (single-threaded tests only), every log line of any level since
 * plat_host_log_clear(), one per line, "<subsys>: <message>"; cleared when full. For tests that
 * check what was logged, and why. */
extern bool plat_host_log_record;
extern char plat_host_log_text[16384];
void plat_host_log_clear(void);
/* If set, plat_panic longjmps here instead of aborting (tests that expect a panic). */
extern void *plat_host_panic_jmp;
extern char plat_host_panic_msg[256];
/* Added to plat_now_ns(): lets tests move time forward without sleeping. */
extern uint64_t plat_host_time_offset_ns;
/* If set, plat_now_ns() is a fake clock: it advances PLAT_HOST_FAKE_TICK_NS per call (plus the
 * offset above), so a test that counts polls or deadlines gets the same count on any machine. */
extern bool plat_host_fake_clock;
#define PLAT_HOST_FAKE_TICK_NS 1000ull
/* plat_map_range fails on its plat_host_map_fail_at'th call from now (0 = the next; -1 never:
 * set plat_host_map_calls = 0 with it); calls counted. plat_unmap_range makes the simulated RAM
 * PROT_NONE: touching unmapped memory crashes the test. */
extern int plat_host_map_fail_at;
/* If set, plat_alloc takes its (zeroed) memory from the hook, as the kernel's takes it from
 * kmalloc; plat_free gives memory in simulated RAM to the free hook, the rest to free(). */
extern void *(*plat_host_alloc_hook)(size_t size);
extern void (*plat_host_free_hook)(void *p);
/* The simulated CPU's physical address bits (plat_phys_limit; default MAX_PHYS_BITS). */
extern unsigned plat_host_phys_bits;
extern uint64_t plat_host_map_calls, plat_host_unmap_calls;
/* Called first by every plat_map_range (if set); non-zero makes that map fail. Lets a test act
 * in the middle of an mm operation (e.g. pin a page while a hot-add is half done). */
extern int (*plat_host_map_hook)(uint64_t pa, uint64_t len);
/* Is the simulated page at pa mapped (not PROT_NONE)? false if pa is not simulated RAM. */
bool plat_host_mapped(uint64_t pa);
/* plat_trace on the host: how many events of each type, and the last one's arguments. */
extern uint64_t plat_host_trace_count[64];
extern uint64_t plat_host_trace_last[64][3];
/* Release every spinlock the calling thread holds (plat_panic does it before its longjmp). */
void plat_host_release_locks(void);
/* plat_tlb_batch_end and plat_tlb_batch_queue calls (migration batches). */
extern uint64_t plat_host_tlb_batches;
/* plat_cpu_sync calls (the page caches' remote accesses). */
extern uint64_t plat_host_cpu_syncs;
/* When set, plat_can_wait_cpus() is false (a kernel caller with interrupts off). */
extern bool plat_host_no_cpu_wait;
/* plat_tlb_wait calls with a ticket, and a hook each of them runs first (tests check there that
 * no spinlock is held: the wait for other CPUs must run with interrupts on). */
extern uint64_t plat_host_tlb_waits;
extern void (*plat_host_tlb_wait_hook)(void);
