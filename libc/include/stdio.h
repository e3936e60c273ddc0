/* stdio.h - the freestanding subset the kernel provides (libc/printf.c).
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' ' ' '+' '#', width and precision
 * (also '*'), length modifiers hh h l ll z j t. */
#pragma once
#include <stdarg.h>
#include <stddef.h>
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
