/* apic.h - MADT facts handed to the APIC code. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define APIC_MAX_OVERRIDES 16
struct apic_override {
    uint8_t irq;    /* ISA IRQ (source) */
    uint32_t gsi;   /* global system interrupt */
    uint16_t flags; /* MPS INTI flags: bits 0-1 polarity, 2-3 trigger */
};
void apic_set_madt_info(uint64_t lapic_addr, uint64_t ioapic_addr, uint32_t gsi_base,
                        const struct apic_override *ovr, int n);
void apic_isa_to_gsi(int irq, uint32_t *gsi, bool *level, bool *active_low);
