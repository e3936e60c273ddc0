/* heap.c - plat_alloc for the kernel: zeroed memory from the mm heap (kmalloc) once mm is up;
 * before that, from a small bump arena for the few allocations boot makes (never freed). */
#include <string.h>
#include "kernel/heap.h"
#include "kernel/kernel.h"

#define BOOT_ARENA (256 * 1024)
static uint8_t arena[BOOT_ARENA] __attribute__((aligned(16)));
static size_t arena_used;
static void *(*backend_alloc)(size_t);
static void (*backend_free)(void *);

void kheap_set_backend(void *(*alloc)(size_t), void (*free)(void *))
{
    backend_alloc = alloc;
    backend_free = free;
}

/* Zeroed memory of size bytes, or NULL. */
void *kheap_alloc(size_t size)
{
    void *p;
    if (backend_alloc) {
        p = backend_alloc(size ? size : 1);
    } else {
        size = (size + 15) & ~15ul;
        if (arena_used + size > BOOT_ARENA)
            return NULL;
        p = &arena[arena_used];
        arena_used += size;
    }
    if (p)
        memset(p, 0, size);
    return p;
}

/* Free p (boot-arena memory is never returned). */
void kheap_free(void *p)
{
    if (!p || ((uint8_t *)p >= arena && (uint8_t *)p < arena + BOOT_ARENA))
        return;
    if (backend_free)
        backend_free(p);
}
