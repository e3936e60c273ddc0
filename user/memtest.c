/* memtest <MiB> [node N]: fill a buffer with a pattern, then loop: verify every word, report
 * any mismatch with its address, rewrite it with the next pass's pattern. Progress goes to the
 * kernel (sys_report: `ps` shows passes and errors). */
#include "ulib.h"

static inline unsigned long pattern(unsigned long i, unsigned long pass)
{
    unsigned long x = (i + 1) * 0x9e3779b97f4a7c15ul ^ pass * 0xd1b54a32d192ed03ul;
    return x ^ (x >> 29);
}

int main(int argc, char **argv)
{
    unsigned long mib = argc > 1 ? uatoi(argv[1]) : 0, errors = 0;
    long node = arg_node(argc, argv, 2);
    if (!mib) {
        uprintf("usage: memtest <MiB> [node N]\n");
        return 1;
    }
    if (node >= 0 && sys_setnode((unsigned long)node) < 0) {
        uprintf("memtest: bad node %d\n", node);
        return 1;
    }
    unsigned long words = (mib << 20) / 8;
    volatile unsigned long *buf = sys_mmap(mib << 20, PROT_READ | PROT_WRITE, 0, 0);
    if ((long)buf < 0) {
        uprintf("memtest: mmap of %u MiB failed (%d)\n", mib, (long)buf);
        return 1;
    }
    for (unsigned long i = 0; i < words; i++)
        buf[i] = pattern(i, 0);
    uprintf("memtest: pid %d filled %u MiB at %p\n", sys_getpid(), mib, (unsigned long)buf);
    for (unsigned long pass = 1;; pass++) {
        for (unsigned long i = 0; i < words; i++) {
            unsigned long v = buf[i], want = pattern(i, pass - 1);
            if (v != want && errors++ < 16)
                uprintf("memtest: mismatch at %p: expected %x got %x (pass %u)\n", (unsigned long)&buf[i],
                        want, v, pass);
            buf[i] = pattern(i, pass);
        }
        sys_report(pass, errors);
    }
}
