/* holdhist.c - a histogram of lock-hold lengths (the interrupts-off windows of an offline) and its
 * percentiles. Units of 1024 ns (~1 us); below 8 units one bucket per unit, above that 8 buckets
 * per power of two, so a percentile is read to within 1/8 of its value. */
#include <string.h>

#include "mm/mm_internal.h"

/* Bucket of a hold of ns. */
static unsigned holdhist_bucket(uint64_t ns)
{
    uint64_t v = ns >> 10;
    if (v < 8)
        return (unsigned)v;
    unsigned lg = 63 - (unsigned)__builtin_clzll(v); /* >= 3 */
    unsigned b = 8 * (lg - 2) + (unsigned)((v >> (lg - 3)) & 7);
    return b < HOLDHIST_BUCKETS ? b : HOLDHIST_BUCKETS - 1;
}

/* The end (ns, exclusive) of bucket b: every hold counted in it was shorter. */
static uint64_t holdhist_bucket_end(unsigned b)
{
    if (b < 8)
        return (uint64_t)(b + 1) << 10;
    unsigned lg = b / 8 + 2, sub = b % 8;
    return (uint64_t)(9 + sub) << (lg - 3) << 10;
}

/* Forget every hold. */
void holdhist_reset(struct mm_holdhist *h)
{
    memset(h, 0, sizeof *h);
}

/* Count one hold of ns (over_ns: also counted apart if longer). */
void holdhist_add(struct mm_holdhist *h, uint64_t ns, uint64_t over_ns)
{
    h->n[holdhist_bucket(ns)]++;
    h->count++;
    h->over += ns > over_ns;
}

/* The permille'th per-mille hold length (an upper bound, within 1/8), at most max_ns; 0 if none. */
uint64_t holdhist_percentile(const struct mm_holdhist *h, unsigned permille, uint64_t max_ns)
{
    uint64_t want = (h->count * permille + 999) / 1000, seen = 0;
    for (unsigned b = 0; b < HOLDHIST_BUCKETS && want; b++) {
        seen += h->n[b];
        if (seen >= want) {
            uint64_t e = holdhist_bucket_end(b);
            return e < max_ns ? e : max_ns;
        }
    }
    return 0;
}
