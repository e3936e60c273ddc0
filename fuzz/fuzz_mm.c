/* fuzz_mm.c - libFuzzer target: random sequences of alloc / free / add-range / remove / offline /
 * online / objects / pins on 64 MiB of boot RAM and a 512 MiB hotplug window at 4 GiB, with
 * mm_verify() after every operation and every object's checksum checked at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define WIN 0x100000000ull
#define WIN_SIZE (512 * MiB)
#define BOOT (64 * MiB)

static void must_verify(const char *op)
{
    if (mm_verify() != 0) {
        plat_host_loglevel = LOG_ERR;
        mm_verify();
        fprintf(stderr, "mm_verify failed after %s\n", op);
        abort();
    }
}

struct in {
    const uint8_t *d;
    size_t n, i;
};
static unsigned byte(struct in *in)
{
    return in->i < in->n ? in->d[in->i++] : 0;
}

/* A 2 MiB-aligned range in boot RAM or the window. */
static void range(struct in *in, uint64_t *base, uint64_t *size)
{
    unsigned a = byte(in), b = byte(in);
    if (a & 0x80) {
        *base = (a & 31) * SUBSECTION_SIZE;
        *size = (1 + b % (32 - (a & 31))) * SUBSECTION_SIZE;
    } else {
        uint64_t s = (a & 0x7f) * 2; /* subsection index in the window (0..254) */
        *base = WIN + s * SUBSECTION_SIZE;
        uint64_t max = 256 - s;
        *size = (1 + (b | byte(in) << 8) % max) * SUBSECTION_SIZE;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ram;
    if (!ram) {
        plat_host_add_ram(0, BOOT);
        plat_host_add_ram(WIN, WIN_SIZE);
        ram = true;
    }
    plat_host_loglevel = -1;
    /* a fresh boot: all memory mapped again (the last input's offlines left some PROT_NONE) */
    plat_map_range(0, BOOT);
    plat_map_range(WIN, WIN_SIZE);
    mm_reset();
    mm_boot_add_range(0, BOOT, 0, false);
    mm_boot_finish();
    mm_set_offline_timeout_ms(0);
    must_verify("boot");

    static struct {
        uint64_t pa;
        unsigned order;
    } al[64];
    unsigned nal = 0;
    static struct {
        uint64_t base, size;
    } added[16];
    unsigned nadded = 0;
    static uint32_t obj[32];
    unsigned nobj = 0;
    struct in in = {data, size, 0};
    const char *names[] = {"alloc",  "free", "add",  "remove", "offline",
                           "online", "obj",  "drop", "pin",    "alloc_in"};
    for (unsigned steps = 0; in.i < in.n && steps < 200; steps++) {
        unsigned op = byte(&in) % 10;
        uint64_t base, sz;
        uint32_t id;
        switch (op) {
        case 0: {
            unsigned order = byte(&in) % (MM_MAX_ORDER + 2), fl = byte(&in);
            uint64_t pa = mm_alloc_pages(order, (fl & 1 ? MM_MOVABLE : 0) | (fl & 2 ? MM_ZERO : 0));
            if (pa && nal < 64) {
                al[nal].pa = pa;
                al[nal++].order = order;
            } else if (pa) {
                mm_free_pages(pa, order);
            }
            break;
        }
        case 1:
            if (nal) {
                unsigned i = byte(&in) % nal;
                mm_free_pages(al[i].pa, al[i].order);
                al[i] = al[--nal];
            }
            break;
        case 2:
            range(&in, &base, &sz);
            if (base >= WIN && nadded < 16 && mm_add_memory(base, sz, byte(&in) % 2) == 0) {
                added[nadded].base = base;
                added[nadded++].size = sz;
            }
            break;
        case 3:
            if (nadded) {
                unsigned i = byte(&in) % nadded;
                if (mm_remove_memory(added[i].base, added[i].size) == 0)
                    added[i] = added[--nadded];
            }
            break;
        case 4:
            if (byte(&in) & 1 && nadded) {
                unsigned i = byte(&in) % nadded;
                mm_offline_range(added[i].base, added[i].size, NULL);
            } else {
                range(&in, &base, &sz);
                mm_offline_range(base, sz, NULL);
            }
            break;
        case 5:
            range(&in, &base, &sz);
            mm_online_range(base, sz);
            break;
        case 6:
            if (nobj < 32 && mm_obj_create((1 + byte(&in) % 64) * PAGE_SIZE, byte(&in) & 1, -1, &id) == 0)
                obj[nobj++] = id;
            break;
        case 7:
            if (nobj) {
                unsigned i = byte(&in) % nobj;
                mm_obj_drop(obj[i]);
                obj[i] = obj[--nobj];
            }
            break;
        case 8:
            range(&in, &base, &sz);
            if (nobj < 32 && mm_obj_pin(base, base + sz, &id) == 0)
                obj[nobj++] = id;
            break;
        case 9: {
            range(&in, &base, &sz);
            unsigned order = byte(&in) % (MM_MAX_ORDER + 1);
            uint64_t pa = mm_alloc_pages_in(base, base + sz, order, 0, MM_OWN_KERNEL, 0);
            if (pa && nal < 64) {
                al[nal].pa = pa;
                al[nal++].order = order;
            } else if (pa) {
                mm_free_pages(pa, order);
            }
            break;
        }
        }
        must_verify(names[op]);
    }
    if (mm_obj_check_all(NULL) != 0) {
        fprintf(stderr, "object checksum mismatch\n");
        abort();
    }
    mm_obj_drop_all();
    for (unsigned i = 0; i < nal; i++)
        mm_free_pages(al[i].pa, al[i].order);
    must_verify("cleanup");
    return 0;
}
