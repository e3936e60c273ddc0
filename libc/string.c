/* string.c - the freestanding string and number functions the kernel uses (see libc/include). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

/* Copy n bytes; the ranges must not overlap. 64 bytes per loop step through general registers,
 * then the tail: under TCG a rep string instruction is emulated one element per step (a 4 KiB
 * page copied with movsb is 4096 steps), and a plain unrolled loop is several times faster (page
 * migration and hot-add spend most of their time here). Not turned back into a memcpy call. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memcpy(void *dst, const void *src,
                                                                           size_t n)
{
    uint64_t *d = dst;
    const uint64_t *s = src;
    for (; n >= 64; n -= 64, d += 8, s += 8) {
        uint64_t a = s[0], b = s[1], c = s[2], e = s[3], f = s[4], g = s[5], h = s[6], i = s[7];
        d[0] = a, d[1] = b, d[2] = c, d[3] = e, d[4] = f, d[5] = g, d[6] = h, d[7] = i;
    }
    unsigned char *db = (unsigned char *)d;
    const unsigned char *sb = (const unsigned char *)s;
    while (n--)
        *db++ = *sb++;
    return dst;
}

/* Copy n bytes; the ranges may overlap. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

/* Fill n bytes with c (8 bytes per step, then the tail: see memcpy). */
void *memset(void *dst, int c, size_t n)
{
    void *ret = dst;
    uint64_t v = (uint8_t)c * 0x0101010101010101ull;
    size_t q = n / 8, r = n % 8;
    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(r) : "a"(v) : "memory");
    return ret;
}

/* Compare n bytes as unsigned chars. */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

/* Length of a NUL-terminated string. */
size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Length of s, at most max. */
size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

/* Compare two strings. */
int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

/* Compare at most n characters of two strings. */
int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

/* First occurrence of c in s (c may be NUL), or NULL. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

/* Copy at most n characters, padding with NULs (like C's strncpy). */
char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = 0;
    return dst;
}

/* Parse an unsigned number in base 2..36 (0: 0x prefix means 16, leading 0 means 8, else 10). */
unsigned long long strtoull(const char *s, char **end, int base)
{
    unsigned long long v = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    for (;; s++) {
        int d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (*s >= 'a' && *s <= 'z')
            d = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'Z')
            d = *s - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (end)
        *end = (char *)s;
    return v;
}

/* Parse a signed number (see strtoull). */
long long strtoll(const char *s, char **end, int base)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-')
        return -(long long)strtoull(s + 1, end, base);
    return (long long)strtoull(s, end, base);
}
