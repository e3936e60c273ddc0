/* events.h - ACPI fixed (PM1) and general-purpose (GPE) events, and the SCI.
 *
 * The SCI interrupt handler only calls acpi_events_sci(), which masks the SCI line (through the
 * hook given to acpi_events_init) and records that it fired. Everything else runs from the main
 * loop in acpi_events_poll(): for every GPE whose status and enable bits are both set, the GPE is
 * disabled, its \_GPE._Exx (edge: status cleared before the method) or _Lxx (level: status cleared
 * after) method is run in the AML interpreter (Notifies queued by the method are delivered when it
 * returns), and the GPE is enabled again. While a method run produced Notifies it is run again,
 * at most ACPI_GPE_MAX_PASSES times (QEMU's MSCN handles insert *or* remove per slot per pass).
 * A method that fails is run again later (ACPI_GPE_RETRY_NS, doubling, ACPI_GPE_MAX_RETRIES).
 * PM1 status bits that are set and enabled are cleared. Then the SCI line is unmasked.
 *
 * Register blocks come from the FADT: GPE0/GPE1 (status = first half, enable = second half,
 * status is write-1-to-clear), PM1a/PM1b event (16-bit status then 16-bit enable). Only
 * SystemIO blocks are supported (every QEMU machine); port I/O goes through plat_io_*.
 *
 * Concurrency: acpi_events_sci() may run in interrupt context, on any CPU; nothing else may.
 * acpi_events_poll runs on the kernel's worker thread (kernel/worker.c, under kern_work_mutex) and
 * is not reentrant (a nested call, e.g. from an mm poll hook while an offline waits, returns 0).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "drivers/acpi/tables/tables.h"

/* GPE numbers handled: the GPE0 and GPE1 blocks together cover at most 256. */
#define ACPI_GPE_MAX 256
/* Runs of one GPE method per event while each run produced Notifies. */
#define ACPI_GPE_MAX_PASSES 16
/* A GPE method that failed (e.g. no memory for the interpreter) is run again by a later poll
 * after ACPI_GPE_RETRY_NS, doubling, at most ACPI_GPE_MAX_RETRIES times. */
#define ACPI_GPE_RETRY_NS 100000000ull
#define ACPI_GPE_MAX_RETRIES 5
/* Wait for SCI_EN after the SMI_CMD write of ACPI_ENABLE (ACPI spec: firmware may take a while). */
#define ACPI_ENABLE_TIMEOUT_NS 3000000000ull

/* Counters for every event (never reset except by acpi_events_reset). */
struct acpi_event_counters {
    uint64_t sci;               /* SCI interrupts */
    uint64_t sci_spurious;      /* SCIs after which the poll found no status bit set */
    uint64_t polls;             /* polls that handled at least one event */
    uint64_t gpe[ACPI_GPE_MAX]; /* events per GPE (status & enable seen set) */
    uint64_t gpe_runs;          /* GPE method runs (reruns included) */
    uint64_t gpe_reruns;        /* runs beyond the first because the previous one notified */
    uint64_t gpe_pass_limit;    /* events that stopped at ACPI_GPE_MAX_PASSES */
    uint64_t gpe_no_method;     /* status set on a GPE without a method (cleared, stays disabled) */
    uint64_t gpe_errors;        /* GPE methods that failed in the interpreter */
    uint64_t gpe_retries;       /* runs of a failed method again, later */
    uint64_t pm1[16];           /* PM1 status bits seen set and enabled, per bit */
    uint64_t notify[256];       /* Notifies delivered, by value */
    uint64_t notify_other;      /* Notifies with a value > 255 */
    uint64_t errors;            /* other errors: bad blocks, ACPI enable failure, ... */
};

/* Forget all state and counters (host tests). Unregisters the Notify counter. */
void acpi_events_reset(void);
/* Enter ACPI mode through SMI_CMD if the FADT says it is needed (SMI_CMD and ACPI_ENABLE non-zero
 * and SCI_EN clear in PM1a_CNT); waits for SCI_EN. 0 (also when nothing was needed) or -1. */
int acpi_events_enable_acpi(const struct acpi_fadt *fadt);
/* Set up the PM1 and GPE blocks of fadt: disable and clear everything, then enable each GPE that
 * has an _Exx/_Lxx method under \_GPE (the AML namespace must be loaded). sci_mask(true/false)
 * masks/unmasks the SCI line (NULL: none, e.g. host tests). Number of GPEs enabled, or -1 if the
 * FADT is unusable. */
int acpi_events_init(const struct acpi_fadt *fadt, void (*sci_mask)(bool masked));
/* The SCI handler's work (interrupt context): mask the SCI line, count, mark work pending. */
void acpi_events_sci(void);
/* Main-loop work: handle PM1 and GPE events as described above, unmask the SCI. Returns the number
 * of events handled. */
int acpi_events_poll(void);
/* Run the method of enabled GPE gpe (with reruns while it notifies), whether or not its status is
 * set. 0, or -1 if gpe has no method or the method failed. */
int acpi_events_run_gpe(unsigned gpe);
/* Run every enabled GPE's method once as above (the boot scan: requests survive a reset). Number of
 * methods that failed. */
int acpi_events_boot_scan(void);
/* Is gpe enabled (has a method)? Its method is edge (_Exx) or level (_Lxx) in *level. */
bool acpi_events_gpe_enabled(unsigned gpe, bool *level);
const struct acpi_event_counters *acpi_events_counters(void);
/* Print the counters, one key=value per line (only non-zero per-GPE/per-value ones). */
void acpi_events_dump(void);
