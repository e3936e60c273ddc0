/* probe.c - read a kernel address that may not be mapped: a page fault on the one probing
 * instruction resumes at its fixup instead of stopping the kernel (test aid: shows what the MMU,
 * TLB included, really does with an address, e.g. that an unmapped range faults). */
#include "kernel/kernel.h"

uint64_t probe_faults;

/* kern_probe_read(va): rdi = va; eax = the byte, or -1 when probe_read_insn faulted. */
__asm__(".text\n"
        ".globl kern_probe_read\n"
        "kern_probe_read:\n"
        "probe_read_insn:\n"
        "    movzbl (%rdi), %eax\n"
        "    ret\n"
        "probe_read_fixup:\n"
        "    movl $-1, %eax\n"
        "    ret\n");
extern const char probe_read_insn[], probe_read_fixup[];

/* If *rip is the probing instruction, point it at the fixup, count the fault and return true. */
bool probe_fixup(uint64_t *rip)
{
    if (*rip != (uint64_t)probe_read_insn)
        return false;
    *rip = (uint64_t)probe_read_fixup;
    __atomic_add_fetch(&probe_faults, 1, __ATOMIC_RELAXED);
    return true;
}
