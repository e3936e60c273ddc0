/* printf.c - vsnprintf/snprintf for the kernel (conversions listed in libc/include/stdio.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct out {
    char *buf;
    size_t size, len;
};

/* Append one character, counting it even when the buffer is full. */
static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/* Append n copies of c. */
static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* Format the string s of length n into o honouring width and the '-' flag. */
static void emit(struct out *o, const char *s, int n, int width, int left)
{
    if (!left)
        pad(o, ' ', width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        pad(o, ' ', width - n);
}

/* Format an integer: digits of v in base, with sign/prefix, zero padding and precision. */
static void emit_num(struct out *o, unsigned long long v, int neg, int base, int upper, int width, int prec,
                     int left, int zero, char signch, const char *prefix)
{
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    if (prec == 0 && n == 1 && digits[0] == '0')
        n = 0;
    int ndig = n > prec ? n : prec;
    int nprefix = (neg || signch ? 1 : 0) + (int)strlen(prefix);
    int total = ndig + nprefix;
    if (!left && !(zero && prec < 0))
        pad(o, ' ', width - total);
    if (neg)
        put(o, '-');
    else if (signch)
        put(o, signch);
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    if (!left && zero && prec < 0)
        pad(o, '0', width - total);
    pad(o, '0', ndig - n);
    while (n)
        put(o, digits[--n]);
    if (left)
        pad(o, ' ', width - total);
}

/* Format into buf (at most size bytes including the NUL); returns the length it wanted. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        int left = 0, zero = 0, alt = 0, width = 0, prec = -1, lng = 0;
        char signch = 0;
        for (;; fmt++) {
            if (fmt[1] == '-')
                left = 1;
            else if (fmt[1] == '0')
                zero = 1;
            else if (fmt[1] == '#')
                alt = 1;
            else if (fmt[1] == '+')
                signch = '+';
            else if (fmt[1] == ' ')
                signch = signch ? signch : ' ';
            else
                break;
        }
        fmt++;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0)
                left = 1, width = -width;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                prec = prec * 10 + (*fmt++ - '0');
        }
        for (;; fmt++) {
            if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't')
                lng = 2;
            else if (*fmt != 'h')
                break;
        }
        unsigned long long u;
        long long s;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            emit_num(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, s < 0, 10, 0, width, prec,
                     left, zero, signch, "");
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            u = lng >= 2   ? va_arg(ap, unsigned long long)
                : lng == 1 ? va_arg(ap, unsigned long)
                           : va_arg(ap, unsigned int);
            emit_num(&o, u, 0,
                     *fmt == 'u'   ? 10
                     : *fmt == 'o' ? 8
                                   : 16,
                     *fmt == 'X', width, prec, left, zero, 0,
                     alt && u && *fmt != 'u' ? (*fmt == 'o'   ? "0"
                                                : *fmt == 'X' ? "0X"
                                                              : "0x")
                                             : "");
            break;
        case 'p':
            u = (uintptr_t)va_arg(ap, void *);
            emit_num(&o, u, 0, 16, 0, width, prec, left, zero, 0, "0x");
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int n = (int)(prec >= 0 ? strnlen(str, prec) : strlen(str));
            emit(&o, str, n, width, left);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            emit(&o, &c, 1, width, left);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case 0:
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

/* Format into buf; see vsnprintf. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
