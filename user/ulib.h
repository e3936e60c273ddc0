/* ulib.h - the user programs' runtime: system calls (numbers as in kernel/syscall.c), console
 * output, number parsing. Programs are static, freestanding, general registers only (the kernel
 * does not save vector state across switches). */
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 1
#define PAGE 4096ul

long sys_write(const void *buf, unsigned long len);
__attribute__((noreturn)) void sys_exit(long code);
void *sys_mmap(unsigned long len, int prot, int flags, unsigned long arg);
long sys_munmap(void *addr, unsigned long len);
void sys_yield(void);
void sys_sleep(unsigned long ms);
long sys_getpid(void);
long sys_pin(void *addr, unsigned long len, const char *name);
long sys_unpin(long id);
long sys_spawn(const char *cmdline);
void sys_report(unsigned long passes, unsigned long errors);
unsigned long sys_time(void);
long sys_setnode(unsigned long node);

/* printf subset: %s %c %d %u %x %p with optional l/ll (all 64-bit). */
void uprintf(const char *fmt, ...);
unsigned long uatoi(const char *s);
int ustreq(const char *a, const char *b);
/* "node N" in argv[i..]: N, or -1. */
long arg_node(int argc, char **argv, int i);
