/* stdlib.h - the freestanding subset the kernel provides (libc/string.c). */
#pragma once
#include <stddef.h>
unsigned long long strtoull(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
