/* plat_host.c - platform.h on a Linux host: simulated physical memory, fake port I/O. */
#define _GNU_SOURCE
#include "plat_host.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

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

void plat_log(int level, const char *subsys, const char *fmt, ...)
{
    if (level > plat_host_loglevel)
        return;
    va_list ap;
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
    if (plat_host_panic_jmp)
        longjmp(*(jmp_buf *)plat_host_panic_jmp, 1);
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

void *plat_alloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void plat_free(void *p)
{
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

/* Host trace: the last event of each type is kept for tests (plat_host_trace_count counts). */
uint64_t plat_host_trace_count[64];
uint64_t plat_host_trace_last[64][3];

void plat_trace(unsigned type, uint64_t a, uint64_t b, uint64_t c)
{
    if (type < 64) {
        plat_host_trace_count[type]++;
        plat_host_trace_last[type][0] = a;
        plat_host_trace_last[type][1] = b;
        plat_host_trace_last[type][2] = c;
    }
}
