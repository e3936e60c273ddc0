/* trap.c - the IDT, exception reports with symbolized backtraces, panic, IRQ dispatch. */
#include <stdio.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

extern const uint64_t isr_table[256];
static struct idt_entry idt[256];
static void (*irq_handlers[256])(void);
static uint64_t spurious_irqs;
static volatile int in_panic;

static const char *const exc_names[32] = {"divide error",
                                          "debug",
                                          "NMI",
                                          "breakpoint",
                                          "overflow",
                                          "bound range",
                                          "invalid opcode",
                                          "device not available",
                                          "double fault",
                                          "coprocessor overrun",
                                          "invalid TSS",
                                          "segment not present",
                                          "stack fault",
                                          "general protection",
                                          "page fault",
                                          "reserved",
                                          "x87 FP",
                                          "alignment check",
                                          "machine check",
                                          "SIMD FP",
                                          "virtualization",
                                          "control protection"};

/* Install the 256 stubs; #PF, #DF and NMI run on their own IST stacks. */
void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t a = isr_table[v];
        idt[v] = (struct idt_entry){(uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
    }
    idt[14].ist = 1;
    idt[8].ist = 2;
    idt[2].ist = 3;
    idt_load();
}

/* Load the IDT on this CPU. */
void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

/* Register fn for vector (32..255); it must send the EOI itself. */
void irq_set_handler(int vector, void (*fn)(void))
{
    PLAT_ASSERT(vector >= 32 && vector < 256);
    irq_handlers[vector] = fn;
}

/* Is [addr, addr+16) a readable kernel stack location? */
static bool frame_ok(uint64_t addr)
{
    return addr >= DIRECT_MAP_BASE && (addr & 7) == 0 && paging_virt_to_phys(addr) != ~0ull &&
           paging_virt_to_phys(addr + 8) != ~0ull;
}

/* Print one backtrace line for a code address. */
static void print_frame(int i, uint64_t addr)
{
    char line[160];
    uint64_t off;
    const char *name = ksym_lookup(addr, &off);
    int n = name ? snprintf(line, sizeof line, "  #%d 0x%016llx %s+0x%llx\n", i, (unsigned long long)addr,
                            name, (unsigned long long)off)
                 : snprintf(line, sizeof line, "  #%d 0x%016llx ?\n", i, (unsigned long long)addr);
    serial_write(line, n);
}

/* Print the return addresses of the frame-pointer chain at rbp, numbering from first. */
static void print_chain(int first, uint64_t rbp)
{
    for (int i = first; i < 32 && rbp && frame_ok(rbp); i++) {
        uint64_t *f = (uint64_t *)rbp;
        if (!f[1])
            break;
        print_frame(i, f[1]);
        if (f[0] <= rbp)
            break;
        rbp = f[0];
    }
}

/* Print "backtrace:" and the chain of frame pointers starting at rbp. */
void kern_backtrace(uint64_t rbp)
{
    serial_write("backtrace:\n", 11);
    print_chain(0, rbp);
}

/* Print a formatted line straight to the console (no log level, no allocation). */
static void raw(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    serial_write(line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

/* Stop the machine for good: selftest runs exit QEMU with the fail code. */
static __attribute__((noreturn)) void halt_forever(void)
{
    if (cmdline_has("selftest", NULL))
        kern_debug_exit(DEBUG_EXIT_FAIL);
    for (;;) {
        cli();
        hlt();
    }
}

/* Report an exception with registers and backtrace, then stop. */
static __attribute__((noreturn)) void exception_report(struct trap_frame *f)
{
    cli();
    in_panic++;
    const char *name = f->vector < 32 && exc_names[f->vector] ? exc_names[f->vector] : "exception";
    uint64_t off;
    const char *sym = ksym_lookup(f->rip, &off);
    raw("\nEXCEPTION %llu (%s) error 0x%llx at rip 0x%llx <%s+0x%llx>\n", (unsigned long long)f->vector, name,
        (unsigned long long)f->error, (unsigned long long)f->rip, sym ? sym : "?", (unsigned long long)off);
    if (f->vector == 14)
        raw("  cr2 0x%016llx (%s %s, %s)\n", (unsigned long long)read_cr2(),
            f->error & 1 ? "protection" : "not-present", f->error & 2 ? "write" : "read",
            f->error & 16 ? "instruction fetch" : "data");
    raw("  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", (unsigned long long)f->rax,
        (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    raw("  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n", (unsigned long long)f->rsi,
        (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->rsp);
    raw("  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n", (unsigned long long)f->r8,
        (unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11);
    raw("  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n", (unsigned long long)f->r12,
        (unsigned long long)f->r13, (unsigned long long)f->r14, (unsigned long long)f->r15);
    raw("  rflags %016llx cs %llx ss %llx\n", (unsigned long long)f->rflags, (unsigned long long)f->cs,
        (unsigned long long)f->ss);
    serial_write("backtrace:\n", 11);
    print_frame(0, f->rip);
    print_chain(1, f->rbp);
    raw("kernel stopped.\n");
    halt_forever();
}

/* Make the interrupted user thread resume in proc_exit_trap on its kernel stack, in ring 0. */
static void redirect_to_exit(struct trap_frame *f, const struct proc *p)
{
    f->rip = (uint64_t)proc_exit_trap;
    f->cs = 0x08;
    f->ss = 0x10;
    f->rsp = p->kstack_top - 8;
    f->rflags = 0x2;
}

/* Called by isr_common for every interrupt and exception. */
void trap_dispatch(struct trap_frame *f)
{
    if (f->vector == 14 && !(f->error & 1) && paging_migration_wait(read_cr2()))
        return; /* the page was being migrated: retry the access on its new page */
    if (f->vector == 14 && probe_fixup(&f->rip))
        return; /* kern_probe_read: it returns -1 */
    struct proc *p = proc_current();
    if (f->vector < 32 && p && f->vector != 2 && f->vector != 8 &&
        ((f->cs & 3) || (f->vector == 14 && read_cr2() < USER_TOP))) {
        /* a process's fault (or the kernel's, on a user address during a system call) */
        if (proc_trap(f->vector, exc_names[f->vector] ? exc_names[f->vector] : "exception", f->error, f->rip,
                      read_cr2()))
            redirect_to_exit(f, p);
        return;
    }
    if (f->vector < 32)
        exception_report(f);
    void (*fn)(void) = irq_handlers[f->vector];
    struct cpu *c = this_cpu();
    tlb_lazy_end(); /* an idle CPU woken by this interrupt: flush if a shootdown skipped it */
    c->irq_depth++;
    if (fn) {
        fn();
    } else {
        spurious_irqs++;
        if (f->vector != 0xff)
            lapic_eoi();
    }
    c->irq_depth--;
    sched_irq_exit();
    p = proc_current();
    if ((f->cs & 3) && p && p->killed)
        redirect_to_exit(f, p);
}

/* Print a message and a backtrace, then stop the machine. */
void panic(const char *fmt, ...)
{
    cli();
    if (in_panic++ > 1)
        halt_forever();
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    raw("\nPANIC: %s\n", line);
    kern_backtrace((uint64_t)__builtin_frame_address(0));
    raw("kernel stopped.\n");
    halt_forever();
}
