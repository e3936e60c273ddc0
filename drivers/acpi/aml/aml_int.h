/* aml_int.h - internals shared by the aml_*.c files. Not for the rest of the kernel. */
#pragma once
#include "platform.h"
#include "drivers/acpi/aml/aml.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define AML_TAG "aml"

/* A namespace node. Children are a singly linked list in creation order.
 * Invariant: a node is in its parent's child list iff it is reachable; method-local nodes are also
 * on their frame's temp list (tnext) and are unlinked and freed when the method returns. */
struct aml_node {
    uint32_t name; /* 4 ASCII bytes, little endian as in AML */
    char sname[5];
    struct aml_node *parent, *child, *next, *last_child;
    struct aml_node *tnext; /* frame's list of method-local names */
    struct aml_obj *obj;    /* the object; NULL never (a bare scope has AML_SCOPE) */
    uint32_t refs;          /* references from REF_NODE objects and the notify queue */
    uint16_t owner;         /* the table whose load created it (aml_table.c), 0 at run time */
    bool dead;              /* removed from the namespace; freed when refs reaches 0 */
};

/* Reference kinds (AML_REFERENCE objects, priv part). */
/* REF_NODE a name (index 1: written as a name in a package literal, read when the element is);
 * REF_SLOT a local/arg while one operator runs; REF_LOCAL RefOf(LocalX/ArgX): the slot of a frame
 * (held; reads fail once the method returned); REF_INDEX Index(); REF_PATH a package element naming
 * an object not yet defined (target: the path string, u.node: the scope; resolved when read). */
enum { REF_NODE, REF_SLOT, REF_INDEX, REF_DEBUG, REF_NULL, REF_OBJ, REF_LOCAL, REF_PATH };

/* Private data hung off aml_obj.priv for the non-data types. */
struct aml_method {
    const uint8_t *table; /* the definition block holding the body (error offsets) */
    const uint8_t *code;
    uint32_t len;
    uint8_t flags; /* bits 0-2 argc, bit 3 serialized, bits 4-7 sync level */
    uint32_t busy; /* serialized: active invocations */
};

struct aml_region {
    const uint8_t *mem; /* DataTableRegion: the table itself (read-only), else NULL */
    uint8_t space;
    bool reg; /* _REG(space, 1) was run for it (and _REG(space, 0) not since) */
    uint64_t base, len;
    struct aml_node *node; /* for PCI_Config: parent device's _ADR / _BBN */
};

enum { FIELD_NORMAL, FIELD_INDEX, FIELD_BANK };
struct aml_field {
    uint8_t kind;
    uint8_t flags; /* access type bits 0-3, lock bit 4, update rule bits 5-6 */
    uint8_t attrib;
    uint32_t bit_off, bit_len;
    struct aml_node *region;       /* NORMAL and BANK */
    struct aml_node *index, *data; /* INDEX */
    struct aml_node *bank;         /* BANK: the bank-select field */
    uint64_t bank_value;
};

struct aml_bfield {
    struct aml_obj *buf; /* holds a reference */
    uint32_t bit_off, bit_len;
    bool always_buffer; /* made by CreateField: reads return a Buffer (as ACPICA does) */
};

struct aml_mutex {
    uint8_t sync;
    uint32_t depth; /* acquisitions held */
    uint32_t owner; /* evaluation id holding it */
};

struct aml_ref {
    uint8_t kind;
    struct aml_obj **slot;  /* REF_SLOT: a local/arg (only transiently, inside one operator) */
    struct aml_obj *target; /* REF_INDEX: package/buffer/string (held); REF_OBJ: the object (held) */
    void *frame;            /* REF_SLOT, REF_LOCAL: the frame owning slot (REF_LOCAL holds it) */
    const uint8_t *path;    /* REF_PATH: the NameString in the (mapped) table, index bytes long */
    uint32_t index;
};

/* Interpreter-wide globals. */
extern unsigned aml_int_bits; /* 32 or 64, from the DSDT revision */
extern struct aml_node *aml_root;
extern uint32_t aml_eval_id;

static inline uint64_t aml_ones(void)
{
    return aml_int_bits == 32 ? 0xffffffffull : ~0ull;
}
static inline uint64_t aml_trunc(uint64_t v)
{
    return v & aml_ones();
}

/* aml_obj.c: allocation with accounting, objects, conversions. */
void *aml_alloc(size_t n);
void aml_free(void *p);
int aml_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct aml_obj *aml_obj_new(uint8_t type);
struct aml_obj *aml_obj_ref(struct aml_obj *o);
void aml_obj_unref(struct aml_obj *o);
struct aml_obj *aml_str_new(const char *s, uint32_t len);
struct aml_obj *aml_buf_new(const uint8_t *data, uint32_t len);
struct aml_obj *aml_pkg_new(uint32_t count);
struct aml_obj *aml_reference(uint8_t kind);
/* Deep copy of a data object (integer/string/buffer/package); others get a new reference. */
int aml_obj_copy(struct aml_obj *src, struct aml_obj **out);
/* Conversions (implicit rules when implicit; ToInteger's decimal/0x rule otherwise). */
int aml_to_int(struct aml_obj *o, uint64_t *out, bool implicit);
int aml_to_buf(struct aml_obj *o, struct aml_obj **out);
int aml_to_str(struct aml_obj *o, struct aml_obj **out, int how); /* 0 implicit, 'x' hex, 'd' dec */
void aml_obj_print_to(const struct aml_obj *o, int indent, void (*out)(const char *));

/* aml_table.c: the table registry and the owner of the table being loaded. */
extern uint16_t aml_owner;
uint16_t aml_table_add(const uint8_t *t, uint32_t len, bool copy, bool loaded);
int aml_table_load(uint16_t id);
void aml_table_reg(uint16_t id, bool connect, int from);
void aml_table_note_region(struct aml_node *n);
void aml_table_reset(void);
void aml_count_load_errors(unsigned n);

/* aml_ns.c */
struct aml_node *aml_node_new(struct aml_node *parent, uint32_t name, struct aml_obj *obj);
struct aml_node *aml_child(const struct aml_node *scope, uint32_t name);
void aml_node_unlink_free(struct aml_node *n);
bool aml_node_is_under(const struct aml_node *n, const struct aml_node *anc);
void aml_node_get(struct aml_node *n);
void aml_node_put(struct aml_node *n);
void aml_ns_init(void);
void aml_ns_free(void);

/* A parsed NameString: prefix and segments (pointing into AML). */
struct aml_name {
    bool root;
    uint8_t up;
    uint8_t nseg;
    const uint8_t *segs;
};
int aml_parse_name(const uint8_t **pc, const uint8_t *end, struct aml_name *out);
/* Resolve: search rules apply to single-segment relative names. NULL if absent. */
struct aml_node *aml_resolve(struct aml_node *scope, const struct aml_name *nm);
/* Create the last segment under the scope named by the others. */
int aml_create(struct aml_node *scope, const struct aml_name *nm, struct aml_obj *obj, struct aml_node **out);
void aml_name_str(const struct aml_name *nm, char *buf, size_t size);
/* REF_PATH e: its name parsed into *nm (0), for lookup or messages (aml_store.c). */
int aml_ref_path(const struct aml_obj *e, struct aml_name *nm);

/* aml_region.c: fields, buffer fields, region I/O. */
int aml_field_read(struct aml_obj *field, struct aml_obj **out);
int aml_field_write(struct aml_obj *field, struct aml_obj *val);
int aml_bfield_read(struct aml_obj *bf, struct aml_obj **out);
int aml_bfield_write(struct aml_obj *bf, struct aml_obj *val);

/* aml_exec.c */
int aml_exec_method(struct aml_node *method, int argc, struct aml_obj **args, struct aml_obj **result);
/* Run a table's top-level terms; failing statements are skipped and counted in *errors. 0 or the
 * first statement's error. */
int aml_exec_load(const uint8_t *table, uint32_t len, unsigned *errors);
/* The value of a named object (fields read; devices etc. as references). */
int aml_node_value(struct aml_node *n, struct aml_obj **out);
/* Drop a REF_LOCAL's hold on a method frame (aml_exec.c). */
void aml_frame_put(void *frame);
/* Queue a notify (aml_api.c). */
void aml_notify_queue(struct aml_node *node, uint32_t value);
