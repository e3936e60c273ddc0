/* tick [ms]: print "tick N" every ms milliseconds (default 20), forever: a program whose output
 * arrives at any moment, for the console's rule that it never splits a line being typed. */
#include "ulib.h"

int main(int argc, char **argv)
{
    unsigned long ms = argc > 1 ? uatoi(argv[1]) : 20;
    if (!ms) {
        uprintf("usage: tick [ms > 0]\n");
        return 1;
    }
    for (unsigned long n = 1;; n++) {
        sys_sleep(ms);
        uprintf("tick %u\n", n);
        sys_report(n, 0);
    }
}
