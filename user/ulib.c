/* ulib.c - see ulib.h. _start calls main(argc, argv) and exits with its result. */
#include "ulib.h"

int main(int argc, char **argv);

/* One system call with up to four arguments. */
static long sc(long n, long a, long b, long c, long d)
{
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

long sys_write(const void *buf, unsigned long len)
{
    return sc(0, (long)buf, (long)len, 0, 0);
}
void sys_exit(long code)
{
    sc(1, code, 0, 0, 0);
    for (;;)
        ;
}
void *sys_mmap(unsigned long len, int prot, int flags, unsigned long arg)
{
    return (void *)sc(2, (long)len, prot, flags, (long)arg);
}
long sys_munmap(void *addr, unsigned long len)
{
    return sc(3, (long)addr, (long)len, 0, 0);
}
void sys_yield(void)
{
    sc(4, 0, 0, 0, 0);
}
void sys_sleep(unsigned long ms)
{
    sc(5, (long)ms, 0, 0, 0);
}
long sys_getpid(void)
{
    return sc(6, 0, 0, 0, 0);
}
long sys_pin(void *addr, unsigned long len, const char *name)
{
    return sc(7, (long)addr, (long)len, (long)name, 0);
}
long sys_unpin(long id)
{
    return sc(8, id, 0, 0, 0);
}
long sys_spawn(const char *cmdline)
{
    return sc(9, (long)cmdline, 0, 0, 0);
}
void sys_report(unsigned long passes, unsigned long errors)
{
    sc(10, (long)passes, (long)errors, 0, 0);
}
unsigned long sys_time(void)
{
    return (unsigned long)sc(11, 0, 0, 0, 0);
}
long sys_setnode(unsigned long node)
{
    return sc(12, (long)node, 0, 0, 0);
}

void _start(long argc, char **argv)
{
    sys_exit(main((int)argc, argv));
}

struct out {
    char buf[256];
    unsigned n;
};

static void put(struct out *o, char c)
{
    if (o->n == sizeof o->buf) {
        sys_write(o->buf, o->n);
        o->n = 0;
    }
    o->buf[o->n++] = c;
}

static void put_num(struct out *o, unsigned long v, unsigned base, int neg)
{
    char d[24];
    int n = 0;
    do {
        d[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        put(o, '-');
    while (n)
        put(o, d[--n]);
}

void uprintf(const char *fmt, ...)
{
    struct out o = {.n = 0};
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        while (*++f == 'l')
            ;
        switch (*f) {
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                put(&o, *s);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 'd': {
            long v = va_arg(ap, long);
            put_num(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0);
            break;
        }
        case 'u':
            put_num(&o, va_arg(ap, unsigned long), 10, 0);
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x'); /* fall through */
        case 'x':
            put_num(&o, va_arg(ap, unsigned long), 16, 0);
            break;
        default:
            put(&o, *f);
            break;
        }
    }
    va_end(ap);
    sys_write(o.buf, o.n);
}

unsigned long uatoi(const char *s)
{
    unsigned long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long)(*s++ - '0');
    return v;
}

int ustreq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

long arg_node(int argc, char **argv, int i)
{
    for (; i + 1 < argc; i++)
        if (ustreq(argv[i], "node"))
            return (long)uatoi(argv[i + 1]);
    return -1;
}
