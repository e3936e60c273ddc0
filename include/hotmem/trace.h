/* trace.h - event types of the memory-manager and ACPI event trace (kernel/trace.c keeps the
 * ring; `trace` prints it, gdb's hm-trace reads it). Record with plat_trace(type, a, b, c). */
#pragma once

enum trace_type {
    TRACE_NONE = 0,
    TRACE_SCI,          /* a: SCI count */
    TRACE_GPE,          /* a: GPE number, b: 1 = method ran, 0 = no method */
    TRACE_NOTIFY,       /* a: slot (or ~0), b: notify value */
    TRACE_HOTADD,       /* a: base, b: size, c: node */
    TRACE_EJECT_REQ,    /* a: slot, b: base, c: size */
    TRACE_CAGE,         /* a: base, b: size, c: free pages taken */
    TRACE_MIGRATE,      /* one pass over a caged range: a: range base, b: pages moved, c: 0 or error */
    TRACE_OFFLINE_DONE, /* a: base, b: size, c: elapsed ns */
    TRACE_OFFLINE_FAIL, /* a: base, b: blocking pfn, c: owner (enum mm_owner) */
    TRACE_ONLINE,       /* a: base, b: size */
    TRACE_REMOVE,       /* a: base, b: size */
    TRACE_OST,          /* a: slot, b: event, c: status */
    TRACE_EJ0,          /* a: slot */
    TRACE_VMEM_REQ,     /* virtio-mem request: a: type (0 plug 1 unplug 2 all 3 state), b: addr, c: blocks */
    TRACE_VMEM_RESP,    /* its answer: a: type, b: 0 ack 1 nack 2 busy 3 error ~0 none, c: plugged bytes */
    TRACE_VMEM_MOVED,   /* a run offlined for unplug: a: base, b: pages migrated out, c: bytes */
    TRACE_LOCK_HOLD,    /* end of an offline: a: base, b: longest mm_lock hold (interrupts off) in ns,
                           c: times it released the lock to let others in */
    TRACE_USER_MIGRATE, /* a batch of user pages migrated: a: pages in the batch, b: last old pa, c: last new
                           pa */
    TRACE_USER_PINNED,  /* a pinned user page refused to migrate: a: pa, b: pins, c: holder id (pid) */
    TRACE_LOCK_DIST,    /* end of an offline, after lock-hold: a: mm_lock holds, b: holds longer than
                           MM_IRQOFF_AIM_NS, c: 99th percentile hold in ns */
    TRACE_NR_TYPES
};
