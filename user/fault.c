/* fault [read|write|exec|kernel|priv]: touch a bad address (or run a privileged instruction);
 * the kernel ends this process only. */
#include "ulib.h"

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "write";
    uprintf("fault: pid %d will %s a bad address\n", sys_getpid(), how);
    if (ustreq(how, "read"))
        return (int)*(volatile unsigned long *)0xdead000;
    if (ustreq(how, "exec"))
        ((void (*)(void))0xdead000)();
    if (ustreq(how, "priv"))
        __asm__ volatile("cli");
    if (ustreq(how, "kernel"))
        *(volatile unsigned long *)0xffffffff80100000ul = 1;
    *(volatile unsigned long *)0xdead000 = 1;
    return 0;
}
