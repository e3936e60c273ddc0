/* heap.h - the kernel heap used by plat_alloc: a small static arena at boot, the mm heap after. */
#pragma once
#include <stddef.h>
void *kheap_alloc(size_t size);
void kheap_free(void *p);
/* From now on allocate with alloc/free (the buddy-backed kmalloc). */
void kheap_set_backend(void *(*alloc)(size_t), void (*free)(void *));
