/* aml_vm.h - the interpreter's machine state, shared by aml_exec.c (the loop) and the operator
 * handlers (aml_op_*.c, aml_store.c). Private to drivers/acpi/aml/ like aml_int.h.
 *
 * State of one evaluation (struct vm):
 *   items[]  the control stack. Three kinds:
 *     FRAME  a method invocation (or the table load): locals, args, return pc, method-local names.
 *     BLOCK  a term list being executed: Scope/Device bodies at load, If/Else/While bodies, the
 *            method body. `end` is where the list ends; While blocks remember their predicate pc.
 *     OP     an operator whose operands are being parsed: `sig` says what comes next
 *            (T TermArg, S SuperName, C SuperName that may not exist, R Target, N NameString,
 *            b/w/d immediate data, p PkgLength, E package elements until end); when the signature
 *            is exhausted the operator's handler runs on its operands, which sit on ops[] from opbase.
 *   ops[]    the operand stack (objects, each holding one reference).
 *   pc       the next AML byte. Every read is checked against the innermost item's `end`, and a
 *            PkgLength may never reach past the enclosing end.
 * Invariant: ops[] above an OP item's opbase holds exactly its parsed TermArg/target operands.
 * Limits: call depth, items (nesting), While loop time, evaluation time, heap (aml_alloc).
 */
#pragma once
#include "drivers/acpi/aml/aml_int.h"

enum { IT_FRAME, IT_BLOCK, IT_OP };
enum { BL_SCOPE, BL_IF, BL_ELSE, BL_WHILE, BL_METHOD };

/* Pseudo opcodes (beyond the 0x5Bxx range). */
enum { OP_CALL = 0x10000, OP_WHILE_COND = 0x10001 };

struct frame {
    struct aml_obj *locals[8], *args[7];
    struct aml_node *method; /* NULL: table load */
    struct aml_method *m;
    const uint8_t *ret_pc;
    const uint8_t *ret_base; /* the caller's table (error offsets) */
    bool want;
    struct aml_node *temps; /* method-local names, newest first */
    struct frame *prev;
    uint32_t refs; /* the running invocation + REF_LOCAL references to its slots */
    bool dead;     /* returned: locals and args are gone, the struct stays while refs > 0 */
};

struct item {
    uint8_t kind, sub, argi, nnames;
    bool want;
    bool as_target; /* OP: DerefOf parsed as a SuperName: yields the reference, not the value */
    uint32_t op;
    const char *sig;
    const uint8_t *start; /* OP: first byte of the opcode; WHILE: the predicate */
    const uint8_t *stmt;  /* BLOCK: the statement being run (table load recovery) */
    const uint8_t *end;
    uint32_t opbase;
    struct aml_node *scope;
    struct aml_name names[2];
    uint64_t imm[4];
    uint8_t nimm;
    uint64_t t0;
    struct aml_node *callee;
    struct frame *fr;
};

struct held_mutex {
    struct aml_obj *mutex;
    unsigned depth; /* call depth that acquired it */
};

struct vm {
    struct item *items;
    uint32_t nitems, cap_items;
    struct aml_obj **ops;
    uint32_t nops, cap_ops;
    const uint8_t *pc;
    const uint8_t *code_base; /* the running code's table: error offsets are table offsets */
    bool loading;             /* a table load: a failing statement is skipped (vm_recover) */
    unsigned stmt_errors;     /* statements skipped by vm_recover */
    int first_error;
    struct frame *fr;
    unsigned depth;
    uint64_t deadline;
    struct aml_obj *result;
    bool have_result;
    struct held_mutex held[16];
    unsigned nheld;
    uint32_t id;
    uint32_t steps;
};

/* An operator handler: runs OP item cur (a copy: the item stack may move) whose operands are
 * a[0 .. vm->nops - cur->opbase). It pops the item and its operands (vm_finish) or replaces them
 * (a block, a call). 0 or <0. */
typedef int (*aml_op_fn)(struct vm *vm, struct item *cur, struct aml_obj **a);

struct opinfo {
    const char *name;
    const char *sig;
    aml_op_fn exec;
};

/* The innermost item. */
static inline struct item *vm_top(struct vm *vm)
{
    return &vm->items[vm->nitems - 1];
}

/* Drop operands down to base. */
static inline void vm_pop_to(struct vm *vm, uint32_t base)
{
    while (vm->nops > base)
        aml_obj_unref(vm->ops[--vm->nops]);
}

/* aml_exec.c: the machine. */
void vm_init(struct vm *vm, const uint8_t *table);
void vm_fini(struct vm *vm);
int vm_run(struct vm *vm);
void vm_unwind_to(struct vm *vm, uint32_t n);
const struct opinfo *vm_op_info(uint32_t op);
/* aml_load.c: a failed statement at table load is logged, counted and skipped; 0 to go on. */
int vm_recover(struct vm *vm, int err);
struct item *vm_push_item(struct vm *vm, uint8_t kind);
int vm_push(struct vm *vm, struct aml_obj *obj);
int vm_need(struct vm *vm, size_t n);
int vm_pkglen(struct vm *vm, const uint8_t **endp);
int vm_call(struct vm *vm, struct aml_node *node, int argc, struct aml_obj **args, bool want);
int vm_push_while_cond(struct vm *vm);
int vm_frame_exit(struct vm *vm, struct aml_obj *result);
int vm_finish(struct vm *vm, struct item *cur, struct aml_obj *res);
int vm_finish_store(struct vm *vm, struct item *cur, struct aml_obj *res, struct aml_obj *target);
int vm_create_named(struct vm *vm, struct aml_node *scope, const struct aml_name *nm, struct aml_obj *obj,
                    struct aml_node **out);

/* aml_store.c: values and stores. */
struct aml_obj *aml_node_ref(struct aml_node *n);
struct aml_obj *aml_slot_ref(struct aml_obj **slot, bool is_arg, struct frame *fr);
int aml_deref(struct aml_obj *ref, struct aml_obj **out);
int aml_int_of(struct aml_obj *o, uint64_t *v);
int aml_store(struct vm *vm, struct aml_obj *val, struct aml_obj *ref, bool copy_object);
int aml_store_result(struct vm *vm, struct aml_obj *res, struct aml_obj *target);
struct aml_obj *aml_ref_target(struct aml_obj *ref);
struct aml_obj *aml_elem_value(struct aml_obj *e);
struct aml_node *aml_elem_node(struct aml_obj *e);
struct aml_obj *aml_local_ref(struct aml_obj *slot_ref);
struct aml_node *aml_target_node(struct aml_obj *ref);
int aml_resolve_result(struct aml_obj **res, int depth);

/* aml_op_logic.c */
int aml_compare(struct aml_obj *a, struct aml_obj *b, int *cmp);
/* aml_op_ctrl.c */
int aml_native_osi(struct aml_obj *arg, struct aml_obj **result);

/* The operator handlers, by file. */
int aml_op_binary(struct vm *, struct item *, struct aml_obj **);
int aml_op_divide(struct vm *, struct item *, struct aml_obj **);
int aml_op_unary(struct vm *, struct item *, struct aml_obj **);
int aml_op_incdec(struct vm *, struct item *, struct aml_obj **);
int aml_op_land_lor(struct vm *, struct item *, struct aml_obj **);
int aml_op_lnot(struct vm *, struct item *, struct aml_obj **);
int aml_op_lcompare(struct vm *, struct item *, struct aml_obj **);
int aml_op_match(struct vm *, struct item *, struct aml_obj **);
int aml_op_concat(struct vm *, struct item *, struct aml_obj **);
int aml_op_convert(struct vm *, struct item *, struct aml_obj **);
int aml_op_tostring(struct vm *, struct item *, struct aml_obj **);
int aml_op_mid(struct vm *, struct item *, struct aml_obj **);
int aml_op_buffer(struct vm *, struct item *, struct aml_obj **);
int aml_op_package(struct vm *, struct item *, struct aml_obj **);
int aml_op_store(struct vm *, struct item *, struct aml_obj **);
int aml_op_refof(struct vm *, struct item *, struct aml_obj **);
int aml_op_derefof(struct vm *, struct item *, struct aml_obj **);
int aml_op_index(struct vm *, struct item *, struct aml_obj **);
int aml_op_sizeof(struct vm *, struct item *, struct aml_obj **);
int aml_op_objecttype(struct vm *, struct item *, struct aml_obj **);
int aml_op_name(struct vm *, struct item *, struct aml_obj **);
int aml_op_alias(struct vm *, struct item *, struct aml_obj **);
int aml_op_scope(struct vm *, struct item *, struct aml_obj **);
int aml_op_method(struct vm *, struct item *, struct aml_obj **);
int aml_op_sync_obj(struct vm *, struct item *, struct aml_obj **);
int aml_op_region(struct vm *, struct item *, struct aml_obj **);
int aml_op_create_field(struct vm *, struct item *, struct aml_obj **);
int aml_op_field(struct vm *, struct item *, struct aml_obj **);
int aml_op_call(struct vm *, struct item *, struct aml_obj **);
int aml_op_while_cond(struct vm *, struct item *, struct aml_obj **);
int aml_op_if(struct vm *, struct item *, struct aml_obj **);
int aml_op_else(struct vm *, struct item *, struct aml_obj **);
int aml_op_while(struct vm *, struct item *, struct aml_obj **);
int aml_op_return(struct vm *, struct item *, struct aml_obj **);
int aml_op_break(struct vm *, struct item *, struct aml_obj **);
int aml_op_nop(struct vm *, struct item *, struct aml_obj **);
int aml_op_notify(struct vm *, struct item *, struct aml_obj **);
int aml_op_fatal(struct vm *, struct item *, struct aml_obj **);
int aml_op_stall_sleep(struct vm *, struct item *, struct aml_obj **);
int aml_op_mutex(struct vm *, struct item *, struct aml_obj **);
int aml_op_event(struct vm *, struct item *, struct aml_obj **);
int aml_op_load(struct vm *, struct item *, struct aml_obj **);
int aml_op_loadtable(struct vm *, struct item *, struct aml_obj **);
int aml_op_unload(struct vm *, struct item *, struct aml_obj **);
int aml_op_data_region(struct vm *, struct item *, struct aml_obj **);
