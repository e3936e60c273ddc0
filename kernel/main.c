/* main.c - kmain: bring the machine up in order, then run the main event loop. */
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/percpu.h"

const char *kern_cmdline = "";
const char *kern_boot_loader;
void shell_prompt(void);
void shell_input(int c);

/* Does the command line contain word w, alone or as w=value? */
bool cmdline_has(const char *w, const char **value)
{
    size_t n = strlen(w);
    for (const char *p = kern_cmdline; *p;) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, w, n) && (p[n] == 0 || p[n] == ' ' || p[n] == '=')) {
            if (value)
                *value = p[n] == '=' ? p + n + 1 : NULL;
            return true;
        }
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

/* Reset through the PCI reset register, then the keyboard controller, then a triple fault. */
void kern_reboot(void)
{
    cli();
    outb(0xcf9, 0x06);
    outb(0x64, 0xfe);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) none = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(none));
    for (;;)
        hlt();
}

/* Ask QEMU's isa-debug-exit device to end QEMU with (code << 1) | 1. */
void kern_debug_exit(int code)
{
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
}

/* The shell thread's loop: feed serial input to the shell, sleep until more arrives. */
static __attribute__((noreturn)) void main_loop(void)
{
    for (;;) {
        int c;
        while ((c = serial_getc()) >= 0)
            shell_input(c);
        serial_wait_input();
    }
}

void kern_boot_info(uint64_t mb2_phys);
void kern_late_init(void);
void kern_acpi_sleep_on_threads(void);
void kern_acpi_tables(void);

/* C entry from boot.asm: mb2_phys is the multiboot2 information block. */
void kmain(uint64_t mb2_phys)
{
    percpu_set(&cpus[0]); /* first: spinlocks (console, mm) read this_cpu() */
    serial_init();
    kern_uptime_ns();
    plat_printf("\nhotmem %s booting\n", HOTMEM_VERSION);
    gdt_init();
    idt_init();
    kern_boot_info(mb2_phys);
    paging_init();
    kern_acpi_tables();
    apic_init();
    timer_init();
    serial_enable_irq();
    cpus[0].online = 1;
    sti();
    lapic_timer_start();
    kern_late_init();
    proc_init();
    sched_init();
    sched_init_cpu("shell", false);
    kern_acpi_sleep_on_threads();
    console_set_owner(sched_current());
    smp_init();
    if (cmdline_has("selftest", NULL))
        selftest_run_all();
    kern_worker_start();
    plat_printf("hotmem %s ready. Type 'help' for commands.\n", HOTMEM_VERSION);
    shell_prompt();
    main_loop();
}
