/* stress.h - the `stress` workload: one thread per chosen CPU mixing page allocations of random
 * orders, kmalloc/kfree and movable objects that it writes and verifies while the memory
 * manager may migrate them (kernel/stress.c). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* What every thread found and did (summed over the threads of the current or last run). */
struct stress_stats {
    unsigned threads, running;
    uint64_t ops, increments, verifies;
    uint64_t obj_pages;      /* object pages the threads hold now */
    uint64_t bad_counters;   /* object counter != the thread's own count (a lost write) */
    uint64_t bad_patterns;   /* object pattern word changed (corruption, stale copy) */
    uint64_t bad_pages;      /* a page block's tag changed (double allocation) */
    uint64_t bad_heap;       /* a kmalloc block's bytes changed */
    uint64_t alloc_failures; /* allocations that failed (not errors: memory may be short) */
    uint64_t elapsed_ns;
};

/* Start the workload on the CPUs of mask for seconds, with obj_kib KiB of objects per thread
 * (from node's movable memory first if node >= 0); 0, or -1 (logged) if one is already running
 * or no thread could start. */
int stress_start(uint64_t mask, uint64_t seconds, uint64_t obj_kib, int node);
/* Ask the threads to stop, wait for them (each verifies and frees everything first). */
void stress_stop(void);
void stress_get(struct stress_stats *st);
