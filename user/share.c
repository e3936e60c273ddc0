/* share [peer] [node N]: two processes on one shared anonymous mapping (key SHARE_KEY). The
 * first starts the second ("share peer"); the first writes a generation of patterns over the
 * data pages and publishes it, the peer verifies it (reporting mismatches with their address)
 * and acknowledges; both report their passes. */
#include "ulib.h"

#define SHARE_KEY 42
#define SHARE_PAGES 256

static inline unsigned long pattern(unsigned long i, unsigned long gen)
{
    unsigned long x = (i + 7) * 0x9e3779b97f4a7c15ul ^ gen * 0xbf58476d1ce4e5b9ul;
    return x ^ (x >> 31);
}

int main(int argc, char **argv)
{
    int peer = argc > 1 && ustreq(argv[1], "peer");
    long node = arg_node(argc, argv, 1);
    if (node >= 0)
        sys_setnode((unsigned long)node);
    volatile unsigned long *s = sys_mmap(SHARE_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, SHARE_KEY);
    if ((long)s < 0) {
        uprintf("share: mmap failed (%d)\n", (long)s);
        return 1;
    }
    volatile unsigned long *ready = &s[0], *ack = &s[1], *data = s + PAGE / 8;
    unsigned long words = (SHARE_PAGES - 1) * PAGE / 8, errors = 0;
    if (!peer) {
        *ready = *ack = 0;
        long pid = sys_spawn("share peer"); /* the object exists now: the peer maps the same pages */
        uprintf("share: pid %d writer, peer pid %d\n", sys_getpid(), pid);
        for (unsigned long gen = 1;; gen++) {
            for (unsigned long i = 0; i < words; i++)
                data[i] = pattern(i, gen);
            *ready = gen;
            while (*ack != gen)
                sys_yield();
            sys_report(gen, 0);
        }
    }
    uprintf("share: pid %d reader\n", sys_getpid());
    for (unsigned long pass = 1;; pass++) {
        unsigned long gen;
        while ((gen = *ready) == *ack)
            sys_yield();
        for (unsigned long i = 0; i < words; i++)
            if (data[i] != pattern(i, gen) && errors++ < 16)
                uprintf("share: mismatch at %p: expected %x got %x (gen %u)\n", (unsigned long)&data[i],
                        pattern(i, gen), data[i], gen);
        *ack = gen;
        sys_report(pass, errors);
    }
}
