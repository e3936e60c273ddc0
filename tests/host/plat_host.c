/* plat_host.c - platform.h on a Linux host: simulated physical memory, fake port I/O, spinlocks
 * between pthreads (each thread is a "CPU"; lock-order checks in MM_DEBUG builds: the tests). */
#define _GNU_SOURCE
#include "plat_host.h"

#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "hotmem/lockcheck.h"
#include "hotmem/params.h"

int plat_host_loglevel = LOG_WARN;
void *plat_host_panic_jmp;
char plat_host_panic_msg[256];
uint64_t plat_host_time_offset_ns;

#define MAX_RAM 64
static struct {
    uint64_t base, size;
    uint8_t *mem;
    uint8_t *unmapped; /* one bit per page: PROT_NONE */
} ram[MAX_RAM];

void plat_host_add_ram(uint64_t pa_base, uint64_t size)
{
    for (int i = 0; i < MAX_RAM; i++) {
        if (ram[i].size)
            continue;
        void *m =
            mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            perror("plat_host_add_ram: mmap");
            abort();
        }
        ram[i].base = pa_base;
        ram[i].size = size;
        ram[i].mem = m;
        ram[i].unmapped = calloc(size / 4096 / 8 + 1, 1);
        return;
    }
    fprintf(stderr, "plat_host_add_ram: too many ranges\n");
    abort();
}

void plat_host_remove_ram(uint64_t pa_base, uint64_t size)
{
    for (int i = 0; i < MAX_RAM; i++) {
        if (ram[i].size && ram[i].base == pa_base && ram[i].size == size) {
            munmap(ram[i].mem, size);
            free(ram[i].unmapped);
            ram[i].size = 0;
            return;
        }
    }
}

/* Host pages of simulated RAM in [pa, pa+len) that were touched (mincore: resident). */
uint64_t plat_host_ram_touched(uint64_t pa, uint64_t len)
{
    uint64_t n = 0;
    unsigned char vec[256];
    for (uint64_t a = pa; a < pa + len; a += sizeof vec * 4096) {
        uint64_t chunk = pa + len - a < sizeof vec * 4096 ? pa + len - a : sizeof vec * 4096;
        void *v = plat_phys_to_virt(a);
        if (!v || mincore(v, chunk, vec) != 0)
            continue;
        for (uint64_t i = 0; i < (chunk + 4095) / 4096; i++)
            n += vec[i] & 1;
    }
    return n;
}

void *plat_phys_to_virt(uint64_t pa)
{
    for (int i = 0; i < MAX_RAM; i++)
        if (ram[i].size && pa >= ram[i].base && pa - ram[i].base < ram[i].size)
            return ram[i].mem + (pa - ram[i].base);
    return NULL;
}

uint64_t plat_virt_to_phys(const void *v)
{
    const uint8_t *b = v;
    for (int i = 0; i < MAX_RAM; i++)
        if (ram[i].size && b >= ram[i].mem && (uint64_t)(b - ram[i].mem) < ram[i].size)
            return ram[i].base + (uint64_t)(b - ram[i].mem);
    plat_panic("plat_virt_to_phys(%p): not simulated RAM", v);
}

int plat_host_map_fail_at = -1;
int (*plat_host_map_hook)(uint64_t pa, uint64_t len);
uint64_t plat_host_map_calls, plat_host_unmap_calls;

/* Set the protection of the simulated RAM inside [pa, pa+len): what the kernel's direct map does. */
static void protect(uint64_t pa, uint64_t len, int prot)
{
    for (int i = 0; i < MAX_RAM; i++) {
        if (!ram[i].size)
            continue;
        uint64_t s = pa > ram[i].base ? pa : ram[i].base;
        uint64_t e = pa + len < ram[i].base + ram[i].size ? pa + len : ram[i].base + ram[i].size;
        if (s >= e)
            continue;
        if (mprotect(ram[i].mem + (s - ram[i].base), e - s, prot)) {
            perror("plat_host: mprotect");
            abort();
        }
        for (uint64_t p = (s - ram[i].base) / 4096; p < (e - ram[i].base) / 4096; p++) {
            if (prot == PROT_NONE)
                ram[i].unmapped[p / 8] |= (uint8_t)(1u << (p % 8));
            else
                ram[i].unmapped[p / 8] &= (uint8_t) ~(1u << (p % 8));
        }
    }
}

/* Map: the range becomes readable and writable again (fails on the plat_host_map_fail_at'th call). */
int plat_map_range(uint64_t pa, uint64_t len)
{
    uint64_t call = plat_host_map_calls++;
    if (plat_host_map_hook && plat_host_map_hook(pa, len))
        return -1;
    if (plat_host_map_fail_at >= 0 && call == (uint64_t)plat_host_map_fail_at)
        return -1;
    protect(pa, len, PROT_READ | PROT_WRITE);
    return 0;
}

/* Device registers: the host has none to cache or not; mapped as RAM is. */
int plat_map_mmio(uint64_t pa, uint64_t len)
{
    return plat_map_range(pa, len);
}

/* Unmap: PROT_NONE, so a touch of an unmapped page crashes the test as it would fault the kernel. */
void plat_unmap_range(uint64_t pa, uint64_t len)
{
    plat_host_unmap_calls++;
    protect(pa, len, PROT_NONE);
}

bool plat_host_mapped(uint64_t pa)
{
    for (int i = 0; i < MAX_RAM; i++) {
        if (ram[i].size && pa >= ram[i].base && pa - ram[i].base < ram[i].size) {
            uint64_t p = (pa - ram[i].base) / 4096;
            return !(ram[i].unmapped[p / 8] >> (p % 8) & 1);
        }
    }
    return false;
}

bool plat_host_log_record;
char plat_host_log_text[16384];
static size_t log_len;

/* Forget the log lines recorded so far. */
void plat_host_log_clear(void)
{
    log_len = 0;
    plat_host_log_text[0] = 0;
}

/* Append "<subsys>: <message>\n" to plat_host_log_text (cleared first when it would not fit). */
static void log_record(const char *subsys, const char *fmt, va_list ap)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%s: ", subsys);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    size_t len = strlen(line);
    if (log_len + len + 2 > sizeof plat_host_log_text)
        plat_host_log_clear();
    memcpy(plat_host_log_text + log_len, line, len);
    log_len += len;
    plat_host_log_text[log_len++] = '\n';
    plat_host_log_text[log_len] = 0;
}

void plat_log(int level, const char *subsys, const char *fmt, ...)
{
    va_list ap;
    if (plat_host_log_record) {
        va_start(ap, fmt);
        log_record(subsys, fmt, ap);
        va_end(ap);
    }
    if (level > plat_host_loglevel)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "[%s] ", subsys);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void plat_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

void plat_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(plat_host_panic_msg, sizeof plat_host_panic_msg, fmt, ap);
    va_end(ap);
    if (plat_host_panic_jmp) {
        plat_host_release_locks();
        longjmp(*(jmp_buf *)plat_host_panic_jmp, 1);
    }
    fprintf(stderr, "PANIC: %s\n", plat_host_panic_msg);
    abort();
}

bool plat_host_fake_clock;
static uint64_t fake_ns;

uint64_t plat_now_ns(void)
{
    if (plat_host_fake_clock)
        return (fake_ns += PLAT_HOST_FAKE_TICK_NS) + plat_host_time_offset_ns;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + plat_host_time_offset_ns;
}

unsigned long plat_irq_save(void)
{
    return 0;
}

void plat_irq_restore(unsigned long flags)
{
    (void)flags;
}

static unsigned next_thread_id;
static __thread unsigned thread_id; /* plat_cpu_id() + 1; 0 until first asked */
static __thread struct lockcheck thread_locks;

/* The calling thread's number: 0 for the first thread that asks, then 1, 2 ... */
unsigned plat_cpu_id(void)
{
    if (!thread_id)
        thread_id = __atomic_add_fetch(&next_thread_id, 1, __ATOMIC_RELAXED);
    return thread_id - 1;
}

/* The calling thread's reserve depth (platform.h). */
unsigned *plat_thread_reserve(void)
{
    static __thread unsigned depth;
    return &depth;
}

/* CPU-local sections (platform.h): slot[t].busy is 1 while thread t (< MAX_CPUS) is in one. */
static struct {
    volatile int busy;
} __attribute__((aligned(64))) slot[MAX_CPUS]; /* a line each: threads write their own only */
static int membarrier_ok; /* 0 unknown, 1 registered, -1 unavailable (sections then fence) */
static int fence_word;    /* a full barrier where membarrier is missing: a locked RMW (ThreadSanitizer
                           * knows no atomic_thread_fence) */
uint64_t plat_host_cpu_syncs;

/* Register for membarrier(PRIVATE_EXPEDITED) once; false if the host kernel lacks it. */
static bool host_membarrier_ready(void)
{
    int ok = __atomic_load_n(&membarrier_ok, __ATOMIC_ACQUIRE);
    if (!ok) {
        ok = syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 ? 1 : -1;
        __atomic_store_n(&membarrier_ok, ok, __ATOMIC_RELEASE);
    }
    return ok > 0;
}

/* Mark this thread's slot busy: a plain store, ordered before the section's loads by the
 * syncing thread's membarrier (or by a fence where membarrier is missing). */
unsigned long plat_local_enter(unsigned *cpu)
{
    unsigned id = *cpu = plat_cpu_id();
    if (id >= MAX_CPUS)
        return 0;
    if (slot[id].busy)
        plat_panic("local section: thread %u is already in one", id);
    __atomic_store_n(&slot[id].busy, 1, __ATOMIC_RELAXED);
    if (__builtin_expect(__atomic_load_n(&membarrier_ok, __ATOMIC_RELAXED) > 0 || host_membarrier_ready(), 1))
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
    else
        __atomic_fetch_add(&fence_word, 0, __ATOMIC_SEQ_CST);
    return id + 1;
}

void plat_local_exit(unsigned long state)
{
    if (state)
        __atomic_store_n(&slot[state - 1].busy, 0, __ATOMIC_RELEASE);
}

bool plat_host_no_cpu_wait; /* tests: be a caller that may not wait for other CPUs */

bool plat_can_wait_cpus(void)
{
    return !plat_host_no_cpu_wait;
}

/* A full barrier on every running thread, then wait for the other slots of mask to be idle. */
void plat_cpu_sync(uint64_t mask)
{
    unsigned me = plat_cpu_id();
    if (me < MAX_CPUS)
        mask &= ~(1ull << me); /* the caller is in no section */
    if (!mask)
        return;
    if (host_membarrier_ready())
        syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
    else
        __atomic_fetch_add(&fence_word, 0, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&plat_host_cpu_syncs, 1, __ATOMIC_RELAXED);
    for (unsigned c = 0; c < MAX_CPUS; c++)
        while ((mask >> c & 1) && __atomic_load_n(&slot[c].busy, __ATOMIC_ACQUIRE))
            sched_yield();
}

/* Take l (spinning, then yielding the host CPU to the holder), with the lock-order checks. */
unsigned long plat_spin_lock_irqsave(struct plat_spinlock *l)
{
    int me = (int)plat_cpu_id() + 1;
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me) {
        if (!(l->flags & PLAT_LOCK_RECURSIVE))
            plat_panic("spinlock %s: taken again by thread %d, which holds it", l->name, me - 1);
        l->depth++;
        return 0;
    }
#ifdef MM_DEBUG
    lockcheck_acquire(&thread_locks, l);
#endif
    unsigned spins = 0;
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            if (++spins % 64 == 0)
                sched_yield();
    }
    __atomic_store_n(&l->owner, me, __ATOMIC_RELAXED);
    l->depth = 1;
    l->acquired++;
    l->contended += spins != 0;
    return 0;
}

/* Release one level of l. */
void plat_spin_unlock_irqrestore(struct plat_spinlock *l, unsigned long flags)
{
    (void)flags;
    int me = (int)plat_cpu_id() + 1;
    if (__atomic_load_n(&l->owner, __ATOMIC_RELAXED) != me)
        plat_panic("spinlock %s: released by thread %d, held by %d", l->name, me - 1, l->owner - 1);
    if (--l->depth == 0) {
        __atomic_store_n(&l->owner, 0, __ATOMIC_RELAXED);
#ifdef MM_DEBUG
        lockcheck_release(&thread_locks, l);
#endif
        __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    }
}

bool plat_spin_held(const struct plat_spinlock *l)
{
    return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == (int)plat_cpu_id() + 1;
}

void plat_might_block(const char *what)
{
#ifdef MM_DEBUG
    lockcheck_block(&thread_locks, what);
#else
    (void)what;
#endif
}

/* Drop every lock the calling thread holds (a test caught a panic raised under a lock). */
void plat_host_release_locks(void)
{
    while (thread_locks.n) {
        struct plat_spinlock *l = (struct plat_spinlock *)thread_locks.held[thread_locks.n - 1];
        l->depth = 1;
        plat_spin_unlock_irqrestore(l, 0);
    }
    unsigned id = plat_cpu_id();
    if (id < MAX_CPUS)
        __atomic_store_n(&slot[id].busy, 0, __ATOMIC_RELEASE); /* and end its local section */
}

unsigned plat_host_phys_bits = MAX_PHYS_BITS;

uint64_t plat_phys_limit(void)
{
    return plat_host_phys_bits >= MAX_PHYS_BITS ? MAX_PHYS_ADDR : 1ull << plat_host_phys_bits;
}

void *(*plat_host_alloc_hook)(size_t size);
void (*plat_host_free_hook)(void *p);

/* Is p in simulated RAM (memory the alloc hook handed out)? */
static bool in_sim_ram(const void *p)
{
    const uint8_t *b = p;
    for (int i = 0; i < MAX_RAM; i++)
        if (ram[i].size && b >= ram[i].mem && (uint64_t)(b - ram[i].mem) < ram[i].size)
            return true;
    return false;
}

void *plat_alloc(size_t size)
{
    if (!plat_host_alloc_hook)
        return calloc(1, size ? size : 1);
    void *p = plat_host_alloc_hook(size ? size : 1);
    if (p)
        memset(p, 0, size);
    return p;
}

void plat_free(void *p)
{
    if (p && plat_host_free_hook && in_sim_ram(p))
        plat_host_free_hook(p);
    else
        free(p);
}

static plat_host_io_read_fn io_rd;
static plat_host_io_write_fn io_wr;

void plat_host_set_io(plat_host_io_read_fn rd, plat_host_io_write_fn wr)
{
    io_rd = rd;
    io_wr = wr;
}

uint32_t plat_io_read(uint16_t port, int width)
{
    if (io_rd)
        return io_rd(port, width);
    return width == 32 ? 0xffffffffu : (1u << width) - 1;
}

void plat_io_write(uint16_t port, int width, uint32_t value)
{
    if (io_wr)
        io_wr(port, width, value);
}

void *plat_vmap_set(uint64_t va, uint64_t pa)
{
    (void)va;
    return plat_phys_to_virt(pa);
}

void plat_vmap_clear(uint64_t va)
{
    (void)va;
}

/* The host has no TLBs: a batch only counts (tests check that migration batches). */
uint64_t plat_host_tlb_batches;
void plat_tlb_batch_begin(void)
{
}

void plat_tlb_batch_end(void)
{
    __atomic_add_fetch(&plat_host_tlb_batches, 1, __ATOMIC_RELAXED);
}

/* Host threads are the OS's: nothing to keep. */
void plat_preempt_disable(void)
{
}

void plat_preempt_enable(void)
{
}

/* A queued batch: always a ticket (1), so that every plat_tlb_wait of a caller is seen. */
uint64_t plat_host_tlb_waits;
void (*plat_host_tlb_wait_hook)(void);
uint64_t plat_tlb_batch_queue(void)
{
    __atomic_add_fetch(&plat_host_tlb_batches, 1, __ATOMIC_RELAXED);
    return 1;
}

void plat_tlb_wait(uint64_t ticket)
{
    if (!ticket)
        return;
    __atomic_add_fetch(&plat_host_tlb_waits, 1, __ATOMIC_RELAXED);
    if (plat_host_tlb_wait_hook)
        plat_host_tlb_wait_hook();
}

/* Host trace: the last event of each type is kept for tests (plat_host_trace_count counts). */
uint64_t plat_host_trace_count[64];
uint64_t plat_host_trace_last[64][3];

static struct plat_spinlock trace_lock = PLAT_SPINLOCK_INIT("trace", PLAT_RANK_TRACE, 0);

void plat_trace(unsigned type, uint64_t a, uint64_t b, uint64_t c)
{
    if (type < 64) {
        unsigned long f = plat_spin_lock_irqsave(&trace_lock);
        plat_host_trace_count[type]++;
        plat_host_trace_last[type][0] = a;
        plat_host_trace_last[type][1] = b;
        plat_host_trace_last[type][2] = c;
        plat_spin_unlock_irqrestore(&trace_lock, f);
    }
}
