/* pin <MiB> [node N]: map a buffer, fill it and pin it like a driver pins a DMA buffer (pin
 * name "dma-buf"), then sleep; the pages cannot move until the process ends. */
#include "ulib.h"

int main(int argc, char **argv)
{
    unsigned long mib = argc > 1 ? uatoi(argv[1]) : 0;
    long node = arg_node(argc, argv, 2);
    if (!mib) {
        uprintf("usage: pin <MiB> [node N]\n");
        return 1;
    }
    if (node >= 0)
        sys_setnode((unsigned long)node);
    unsigned long *buf = sys_mmap(mib << 20, PROT_READ | PROT_WRITE, 0, 0);
    if ((long)buf < 0) {
        uprintf("pin: mmap failed (%d)\n", (long)buf);
        return 1;
    }
    for (unsigned long i = 0; i < (mib << 20) / 8; i += PAGE / 8)
        buf[i] = i;
    long id = sys_pin(buf, mib << 20, "dma-buf");
    if (id < 0) {
        uprintf("pin: pin failed (%d)\n", id);
        return 1;
    }
    uprintf("pin: pid %d pinned %u MiB at %p (pin %d \"dma-buf\")\n", sys_getpid(), mib, (unsigned long)buf,
            id);
    for (unsigned long n = 1;; n++) {
        sys_sleep(100);
        sys_report(n, 0);
    }
}
