/* gdt.c - each CPU's GDT (kernel code/data and its TSS) and the interrupt stacks for faults that
 * must not run on a possibly broken kernel stack (#PF from the stack guard page, #DF, NMI). The
 * boot CPU's IST stacks are in .bss; an AP's come with its stack block (smp.c). */
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

#define IST_STACK_SIZE 16384
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static struct tss tsss[MAX_CPUS];
static uint64_t gdts[MAX_CPUS][8];

/* The boot CPU's GDT and TSS with its .bss IST stacks. */
void gdt_init(void)
{
    uint64_t tops[3];
    for (int i = 0; i < 3; i++)
        tops[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
    gdt_init_cpu(0, tops);
}

/* Load CPU id's GDT with code 0x08, data 0x10, TSS 0x18, user data/code (USER_DS, USER_CS), the
 * syscall MSRs, and IST1..3 (#PF, #DF, NMI) at ist_top. */
void gdt_init_cpu(unsigned id, const uint64_t ist_top[3])
{
    struct tss *t = &tsss[id];
    uint64_t *gdt = gdts[id];
    memset(t, 0, sizeof *t);
    for (int i = 0; i < 3; i++)
        t->ist[i] = ist_top[i];
    t->iomap_base = sizeof *t;
    uint64_t base = (uint64_t)t, limit = sizeof *t - 1;
    gdt[0] = 0;
    gdt[1] = 0x00209A0000000000ull;
    gdt[2] = 0x0000920000000000ull;
    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);
    gdt[4] = base >> 32;
    gdt[5] = 0;                     /* GDT_USER_BASE: SYSRET's 32-bit CS slot, unused */
    gdt[6] = 0x0000F20000000000ull; /* USER_DS: data, DPL 3 */
    gdt[7] = 0x0020FA0000000000ull; /* USER_CS: 64-bit code, DPL 3 */
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {sizeof gdts[0] - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n"
                     "pushq $0x08\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1: mov $0x10, %%ax\n"
                     "mov %%ax, %%ds\n"
                     "mov %%ax, %%es\n"
                     "mov %%ax, %%ss\n"
                     "mov $0x18, %%ax\n"
                     "ltr %%ax\n"
                     :
                     : "m"(gdtr)
                     : "rax", "memory");
    syscall_init_cpu();
}

/* The stack the CPU switches to on an interrupt from ring 3 (the user thread's kernel stack). */
void gdt_set_rsp0(uint64_t top)
{
    tsss[this_cpu()->id].rsp[0] = top;
}
