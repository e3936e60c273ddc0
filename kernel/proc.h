/* proc.h - user processes: ring 3 programs loaded from ELF modules, each with its own address
 * space (lower half; the kernel half is the kernel's own PML4 entries, shared), one kernel thread
 * that enters and leaves user mode, demand-paged anonymous memory from the movable zone of the
 * process's node, shared anonymous objects, and counted named pins.
 *
 * Process states:  RUNNING --exit/fault/kill--> ZOMBIE (address space freed, record kept for
 * `ps` until reaped by the next run) --> FREE.
 * Locking: the address space (page tables, vmas, pins) changes only under mm_lock (it is part
 * of what migration walks); the process table under proc_lock (rank PLAT_RANK_WAITQ is not
 * needed: proc_lock is taken with no other lock held, before mm_lock). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "mm/mm.h"

struct thread;

/* A shared anonymous object: pages allocated on first touch, mapped by every vma that uses it. */
struct shm {
    uint64_t key;
    uint64_t npages;
    uint64_t *pa;  /* 0 until touched; each a user page whose rmap holds (shm, index) */
    unsigned refs; /* vmas mapping it */
    unsigned node;
};

/* A mapped range [start, end) with PROT_* bits; shm NULL for private anonymous memory. */
struct vma {
    uint64_t start, end;
    unsigned prot;
    struct shm *shm;
    struct vma *next;
};

struct pin {
    uint64_t va, npages; /* npages 0: slot free */
    char name[16];
};

enum proc_state { P_FREE, P_RUNNING, P_ZOMBIE };

struct proc {
    enum proc_state state;
    unsigned pid;
    char name[16];
    unsigned node;          /* default node of its memory */
    unsigned cpu;           /* the CPU its thread runs on */
    uint64_t pml4;          /* physical address of its PML4 */
    volatile uint64_t cpus; /* CPUs that ran it (targets of its TLB shootdowns) */
    struct thread *thread;
    uint64_t kstack_top; /* its thread's kernel stack top (TSS rsp0, syscall stack) */
    struct vma *vmas;
    uint64_t mmap_next; /* next free address for mmap */
    struct pin pins[PIN_MAX];
    volatile int killed; /* kill asked: the thread exits at its next kernel entry */
    uint64_t entry;      /* ELF entry point */
    int exit_code;
    char exit_msg[96];
    uint64_t faults, migration_waits, stall_max_ns;
    uint64_t passes, errors; /* reported by the program (sys_report) */
    int argc;
    char args[PROC_ARGS][32];
};

#define PROT_READ 1u
#define PROT_WRITE 2u
#define PROT_EXEC 4u
#define MAP_SHARED 1u /* arg: key of the shared object */
#define MAP_NODE 2u   /* arg: node of the memory */

/* proc.c */
extern struct proc procs[PROC_MAX];
void proc_init(void);
/* Start program name with argv on a CPU; pid, or <0 after printing why. */
int proc_run(const char *name, int argc, char **argv);
int proc_kill(unsigned pid);
/* The calling thread's process (NULL for kernel threads). */
struct proc *proc_current(void);
/* Exit the calling process's thread (never returns). */
__attribute__((noreturn)) void proc_exit(int code, const char *msg);
/* The scheduler's switch hook: address space, rsp0 and syscall stack of next. */
void proc_switch_to(struct thread *next);
/* Describe p ("pid=3,prog=pin") for failure messages. */
void proc_describe(void *holder, char *buf, size_t n);
void proc_dump(void);
/* trap.c helpers: resolve a fault of the current process (0) or condemn it (-1); where the
 * condemned thread resumes. */
int proc_trap(uint64_t vector, const char *name, uint64_t err, uint64_t rip, uint64_t cr2);
__attribute__((noreturn)) void proc_exit_trap(void);
/* Programs: multiboot2 modules found at boot. */
int prog_find(const char *name, const uint8_t **data, uint64_t *size);
void prog_dump(void);

/* uvm.c: address spaces */
int uvm_create(struct proc *p);
void uvm_destroy(struct proc *p);
/* Map [va, va+len) for p with prot (a vma; pages on first touch); 0 or <0. */
int uvm_map(struct proc *p, uint64_t va, uint64_t len, unsigned prot, struct shm *shm);
int uvm_unmap(struct proc *p, uint64_t va, uint64_t len);
/* Handle a fault of p at va (write/exec/user bits as the #PF error code): 0 resolved, <0 bad
 * access (why in *why). */
int uvm_fault(struct proc *p, uint64_t va, uint64_t err, const char **why);
/* Touch [va, va+len) (fault in, check prot) so the kernel may copy; 0 or <0. */
int uvm_prefault(struct proc *p, uint64_t va, uint64_t len, bool write);
/* Physical page mapped at va (present), or 0. */
uint64_t uvm_pa(struct proc *p, uint64_t va);
/* Take mm_lock (its irq state returned) once no page of p in [va, va + n pages) is being migrated:
 * the pages uvm_pa finds there then stay put until the caller releases it (writes through the
 * direct map, pins). */
unsigned long uvm_lock_settled(struct proc *p, uint64_t va, uint64_t n);
/* Resident pages per node and zone. */
void uvm_resident(struct proc *p, uint64_t res[MAX_NODES][MM_NR_ZONES]);
struct shm *shm_get(uint64_t key, uint64_t npages, unsigned node);
void shm_put(struct shm *s);

/* elf.c: check an ELF image and map its loadable segments into p; entry in *entry. 0, or <0
 * with the reason in *why. */
int elf_load(struct proc *p, const uint8_t *img, uint64_t size, uint64_t *entry, const char **why);

/* syscall.c */
void syscall_init_cpu(void);
/* gdt.c: this CPU's TSS rsp0 (the stack of interrupts from ring 3). */
void gdt_set_rsp0(uint64_t top);
/* paging.c: the kernel's PML4 (its upper half is copied into every address space). */
uint64_t paging_kernel_pml4(void);
