/* aml.h - the AML interpreter's public API (see docs/aml.md).
 *
 * One global namespace. Typical kernel use:
 *   aml_load_table(dsdt, dsdt_len); aml_load_table(ssdt, len) ...   load every definition block
 *   aml_register_notify(NULL, handler, ctx);                         one handler for all devices
 *   aml_walk_hid("PNP0C80", fn, ctx);                                enumerate memory devices
 *   aml_eval_int(dev, "_STA", &sta); aml_eval(dev, "_CRS", 0, NULL, &obj) ... aml_obj_free(obj)
 *   aml_eval(NULL, "\\_GPE._E03", 0, NULL, NULL);                    notifies are delivered on return
 * Nothing here may run in interrupt context. Every function returns 0 or a negative AML_E* code;
 * the last error's text is in aml_last_error().
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Object types: the numbering of ACPI's ObjectType operator. */
enum aml_type {
    AML_UNINIT = 0,
    AML_INTEGER = 1,
    AML_STRING = 2,
    AML_BUFFER = 3,
    AML_PACKAGE = 4,
    AML_FIELD_UNIT = 5,
    AML_DEVICE = 6,
    AML_EVENT = 7,
    AML_METHOD = 8,
    AML_MUTEX = 9,
    AML_REGION = 10,
    AML_POWER_RES = 11,
    AML_PROCESSOR = 12,
    AML_THERMAL = 13,
    AML_BUFFER_FIELD = 14,
    AML_DDB_HANDLE = 15, /* a table loaded by Load/LoadTable (u.ival: its owner id) */
    AML_DEBUG = 16,
    AML_REFERENCE = 20, /* internal: RefOf / Index / a target */
    AML_SCOPE = 21,     /* internal: a bare scope such as \_GPE */
};

/* Error codes (negative). */
enum {
    AML_OK = 0,
    AML_ENOENT = -1,   /* name not found */
    AML_EINVAL = -2,   /* malformed AML or bad argument */
    AML_ENOTSUP = -3,  /* unsupported opcode / feature */
    AML_ETYPE = -4,    /* operand of the wrong type */
    AML_ENOMEM = -5,   /* heap or interpreter limit */
    AML_ELIMIT = -6,   /* call depth, nesting, loop time */
    AML_EEXIST = -7,   /* name already exists */
    AML_ERANGE = -8,   /* index / field / region out of range */
    AML_EDIVZERO = -9, /* divide by zero */
    AML_EMUTEX = -10,  /* mutex misuse */
    AML_EFATAL = -11,  /* the Fatal opcode */
};

struct aml_node;

/* A value returned by aml_eval (read-only for callers; free with aml_obj_free). */
struct aml_obj {
    uint32_t refs;
    uint8_t type; /* enum aml_type */
    union {
        uint64_t ival; /* AML_INTEGER */
        struct {
            uint32_t len;
            char *ptr;
        } str; /* AML_STRING: len chars + NUL */
        struct {
            uint32_t len;
            uint8_t *ptr;
        } buf; /* AML_BUFFER */
        struct {
            uint32_t count;
            struct aml_obj **elems;
        } pkg;                 /* AML_PACKAGE */
        struct aml_node *node; /* AML_REFERENCE to a named object */
    } u;
    void *priv; /* interpreter-internal */
};

/* Limits (tunable before use; the fuzzer lowers them). */
struct aml_limits {
    unsigned max_call_depth;  /* nested method calls (default 256) */
    unsigned max_nesting;     /* blocks + operators in flight (default 4096) */
    uint64_t loop_timeout_ns; /* one While loop (default 2 s) */
    uint64_t eval_timeout_ns; /* one evaluation (default 10 s) */
    size_t max_heap;          /* bytes the interpreter may hold (default 32 MiB) */
    size_t max_object;        /* bytes of one buffer/string/package (default 1 MiB) */
};
extern struct aml_limits aml_limits;

/* Sleep(ms) blocks through this when it is set (the kernel's ACPI worker thread: a sleep that lets
 * other threads and interrupts run), for the whole duration up to the evaluation's time limit.
 * Unset, Sleep busy-waits at most 10 ms (host tools, early boot). Stall(us) always spins (<= 100 us,
 * as the spec bounds it). */
extern void (*aml_sleep_fn)(uint64_t ns);

/* Load one definition block (DSDT/SSDT with its 36-byte header) into the global namespace.
 * The table must stay mapped: method bodies point into it. A top-level statement that fails is
 * logged with its table offset, counted in aml_load_errors() and skipped; the rest of the table
 * loads. A duplicate name keeps the first object (a duplicate Device/ThermalZone body is skipped).
 * 0 if every statement loaded, else <0: the header's or the first failed statement's error. */
int aml_load_table(const void *table, size_t len);
/* Offer a table (an SSDT the firmware lists but did not ask to load) to LoadTable and
 * DataTableRegion without loading it. The table must stay mapped. 0 or <0. */
int aml_register_table(const void *table, size_t len);
/* Number of failed statements and tables of all aml_load_table calls so far. */
unsigned aml_load_errors(void);

/* Find a node: path absolute ("\\_SB.PCI0") or relative to scope (NULL = root; no upward
 * search). NULL if absent. */
struct aml_node *aml_find(struct aml_node *scope, const char *path);
/* Write node's absolute path ("\\_SB_.MP00") into buf. */
void aml_node_path(const struct aml_node *node, char *buf, size_t size);
/* The 4-character name of node (NUL-terminated static-per-node string). */
const char *aml_node_name(const struct aml_node *node);
/* The object type of node (enum aml_type). */
int aml_node_type(const struct aml_node *node);
struct aml_node *aml_node_parent(const struct aml_node *node);

/* Evaluate scope+path: methods run with args (argc <= 7), other objects return their value
 * (fields are read). *result (if not NULL) gets a new object or NULL if nothing was returned;
 * free it with aml_obj_free. Pending notifies are delivered when the outermost evaluation
 * returns. 0 or <0 (aml_last_error() tells why). */
int aml_eval(struct aml_node *scope, const char *path, int argc, struct aml_obj **args,
             struct aml_obj **result);
/* Same with integer arguments. */
int aml_eval_args(struct aml_node *scope, const char *path, int argc, const uint64_t *args,
                  struct aml_obj **result);
/* Evaluate to an integer (strings/buffers converted as ToInteger does). */
int aml_eval_int(struct aml_node *scope, const char *path, uint64_t *out);

/* Objects for arguments and their release. */
struct aml_obj *aml_obj_integer(uint64_t v);
struct aml_obj *aml_obj_string(const char *s);
struct aml_obj *aml_obj_buffer(const void *data, uint32_t len);
void aml_obj_free(struct aml_obj *obj);
/* Print obj in the canonical format used by amlrun and the tests (indent = spaces). */
void aml_obj_print(const struct aml_obj *obj, int indent);

/* Call fn for each Device/Processor whose _HID or _CID matches hid ("PNP0C80": EisaId or string),
 * in namespace order. Stops early and returns fn's value if it returns non-zero. */
typedef int (*aml_walk_fn)(struct aml_node *dev, void *ctx);
int aml_walk_hid(const char *hid, aml_walk_fn fn, void *ctx);

/* Notify handlers: node NULL = every node. Up to 32 handlers. */
typedef void (*aml_notify_fn)(struct aml_node *node, uint32_t value, void *ctx);
int aml_register_notify(struct aml_node *node, aml_notify_fn fn, void *ctx);
int aml_unregister_notify(struct aml_node *node, aml_notify_fn fn);
/* Deliver queued notifies now; returns how many (aml_eval does it after the outermost call). */
int aml_deliver_notifies(void);
/* Notifies dropped because the queue (64 entries) was full. */
unsigned aml_notify_dropped(void);

/* Print the namespace under node (NULL = root) with plat_printf, one node per line. */
void aml_dump_ns(struct aml_node *node);
/* Pre-order walk: the node after n (n NULL: the first node under the root); NULL at the end. */
struct aml_node *aml_ns_next(struct aml_node *n);
/* Print the absolute path of every node under node (NULL = root), one per line. */
void aml_print_paths(struct aml_node *node);

/* Text of the last error ("" if none). */
const char *aml_last_error(void);
const char *aml_strerror(int err);

/* Free the whole namespace and all state (host tests, fuzzer). */
void aml_reset(void);
/* Bytes currently held by the interpreter. */
size_t aml_heap_used(void);
