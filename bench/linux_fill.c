/* linux_fill.c - for bench/bench_linux.py (built static, run inside the Linux guest): touch MiB of
 * anonymous memory bound to NUMA node N (movable pages, so they land in the hot-added DIMM's
 * ZONE_MOVABLE first), say FILLED, and hold them until killed.  Usage: fill MiB node */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_BIND 2

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    size_t bytes = strtoull(argv[1], NULL, 0) << 20;
    unsigned long mask = 1ul << atoi(argv[2]);
    if (syscall(SYS_set_mempolicy, MPOL_BIND, &mask, sizeof mask * 8))
        perror("set_mempolicy");
    volatile char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    for (size_t i = 0; i < bytes; i += 4096)
        p[i] = (char)i;
    printf("FILLED %zu\n", bytes >> 20);
    fflush(stdout);
    for (;;)
        pause();
}
