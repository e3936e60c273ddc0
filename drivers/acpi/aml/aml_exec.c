/* aml_exec.c - the AML interpreter: one loop over an explicit stack, never recursing on AML nesting.
 *
 * State of one evaluation (struct vm):
 *   items[]  the control stack. Three kinds:
 *     FRAME  a method invocation (or the table load): locals, args, return pc, method-local names.
 *     BLOCK  a term list being executed: Scope/Device bodies at load, If/Else/While bodies, the
 *            method body. `end` is where the list ends; While blocks remember their predicate pc.
 *     OP     an operator whose operands are being parsed: `sig` says what comes next
 *            (T TermArg, S SuperName, C SuperName that may not exist, R Target, N NameString,
 *            b/w/d immediate data, p PkgLength, E package elements until end); when the signature
 *            is exhausted the operator executes on its operands, which sit on ops[] from opbase.
 *   ops[]    the operand stack (objects, each holding one reference).
 *   pc       the next AML byte. Every read is checked against the innermost item's `end`, and a
 *            PkgLength may never reach past the enclosing end.
 * Invariant: ops[] above an OP item's opbase holds exactly its parsed TermArg/target operands.
 * Limits: call depth, items (nesting), While loop time, evaluation time, heap (aml_alloc).
 */
#include "drivers/acpi/aml/aml_int.h"

#include <stdio.h>

unsigned aml_int_bits = 64;
uint32_t aml_eval_id;

enum { IT_FRAME, IT_BLOCK, IT_OP };
enum { BL_SCOPE, BL_IF, BL_ELSE, BL_WHILE, BL_METHOD };

/* Pseudo opcodes (beyond the 0x5Bxx range). */
enum { OP_CALL = 0x10000, OP_WHILE_COND = 0x10001 };

struct frame {
    struct aml_obj *locals[8], *args[7];
    struct aml_node *method; /* NULL: table load */
    struct aml_method *m;
    const uint8_t *ret_pc;
    bool want;
    struct aml_node *temps; /* method-local names, newest first */
    struct frame *prev;
};

struct item {
    uint8_t kind, sub, argi, nnames;
    bool want;
    uint32_t op;
    const char *sig;
    const uint8_t *start; /* OP: first byte of the opcode; WHILE: the predicate */
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
    const uint8_t *code_base; /* for error offsets */
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

static const char *const argsig = "TTTTTTT";

struct opinfo {
    const char *name;
    const char *sig;
};

static const struct opinfo ops1[256] = {
    [0x06] = {"Alias", "NN"},
    [0x08] = {"Name", "NT"},
    [0x10] = {"Scope", "pN"},
    [0x11] = {"Buffer", "pT"},
    [0x12] = {"Package", "pbE"},
    [0x13] = {"VarPackage", "pTE"},
    [0x14] = {"Method", "pNb"},
    [0x15] = {"External", "Nbb"},
    [0x70] = {"Store", "TS"},
    [0x71] = {"RefOf", "S"},
    [0x72] = {"Add", "TTR"},
    [0x73] = {"Concatenate", "TTR"},
    [0x74] = {"Subtract", "TTR"},
    [0x75] = {"Increment", "S"},
    [0x76] = {"Decrement", "S"},
    [0x77] = {"Multiply", "TTR"},
    [0x78] = {"Divide", "TTRR"},
    [0x79] = {"ShiftLeft", "TTR"},
    [0x7A] = {"ShiftRight", "TTR"},
    [0x7B] = {"And", "TTR"},
    [0x7C] = {"Nand", "TTR"},
    [0x7D] = {"Or", "TTR"},
    [0x7E] = {"Nor", "TTR"},
    [0x7F] = {"Xor", "TTR"},
    [0x80] = {"Not", "TR"},
    [0x81] = {"FindSetLeftBit", "TR"},
    [0x82] = {"FindSetRightBit", "TR"},
    [0x83] = {"DerefOf", "T"},
    [0x84] = {"ConcatenateResTemplate", "TTR"},
    [0x85] = {"Mod", "TTR"},
    [0x86] = {"Notify", "ST"},
    [0x87] = {"SizeOf", "S"},
    [0x88] = {"Index", "TTR"},
    [0x89] = {"Match", "TbTbTT"},
    [0x8A] = {"CreateDWordField", "TTN"},
    [0x8B] = {"CreateWordField", "TTN"},
    [0x8C] = {"CreateByteField", "TTN"},
    [0x8D] = {"CreateBitField", "TTN"},
    [0x8E] = {"ObjectType", "S"},
    [0x8F] = {"CreateQWordField", "TTN"},
    [0x90] = {"LAnd", "TT"},
    [0x91] = {"LOr", "TT"},
    [0x92] = {"LNot", "T"},
    [0x93] = {"LEqual", "TT"},
    [0x94] = {"LGreater", "TT"},
    [0x95] = {"LLess", "TT"},
    [0x96] = {"ToBuffer", "TR"},
    [0x97] = {"ToDecimalString", "TR"},
    [0x98] = {"ToHexString", "TR"},
    [0x99] = {"ToInteger", "TR"},
    [0x9C] = {"ToString", "TTR"},
    [0x9D] = {"CopyObject", "TS"},
    [0x9E] = {"Mid", "TTTR"},
    [0x9F] = {"Continue", ""},
    [0xA0] = {"If", "pT"},
    [0xA1] = {"Else", "p"},
    [0xA2] = {"While", "p"},
    [0xA3] = {"Noop", ""},
    [0xA4] = {"Return", "T"},
    [0xA5] = {"Break", ""},
    [0xCC] = {"BreakPoint", ""},
};

static const struct opinfo ops2[256] = {
    [0x01] = {"Mutex", "Nb"},
    [0x02] = {"Event", "N"},
    [0x12] = {"CondRefOf", "CR"},
    [0x13] = {"CreateField", "TTTN"},
    [0x21] = {"Stall", "T"},
    [0x22] = {"Sleep", "T"},
    [0x23] = {"Acquire", "Sw"},
    [0x24] = {"Signal", "S"},
    [0x25] = {"Wait", "ST"},
    [0x26] = {"Reset", "S"},
    [0x27] = {"Release", "S"},
    [0x28] = {"FromBCD", "TR"},
    [0x29] = {"ToBCD", "TR"},
    [0x32] = {"Fatal", "bdT"},
    [0x80] = {"OperationRegion", "NbTT"},
    [0x81] = {"Field", "pNb"},
    [0x82] = {"Device", "pN"},
    [0x83] = {"Processor", "pNbdb"},
    [0x84] = {"PowerResource", "pNbw"},
    [0x85] = {"ThermalZone", "pN"},
    [0x86] = {"IndexField", "pNNb"},
    [0x87] = {"BankField", "pNNTb"},
};

/* ---- stacks ------------------------------------------------------------------------------ */

static struct item *top(struct vm *vm)
{
    return &vm->items[vm->nitems - 1];
}

/* Push a new item inheriting scope and end from the current top. NULL on limit. */
static struct item *push_item(struct vm *vm, uint8_t kind)
{
    if (vm->nitems >= aml_limits.max_nesting) {
        aml_error(AML_ELIMIT, "nesting deeper than %u", aml_limits.max_nesting);
        return NULL;
    }
    if (vm->nitems == vm->cap_items) {
        uint32_t cap = vm->cap_items ? vm->cap_items * 2 : 32;
        struct item *n = aml_alloc(cap * sizeof *n);
        if (!n) {
            aml_error(AML_ENOMEM, "out of memory for the interpreter stack");
            return NULL;
        }
        if (vm->items)
            memcpy(n, vm->items, vm->nitems * sizeof *n);
        aml_free(vm->items);
        vm->items = n;
        vm->cap_items = cap;
    }
    struct item *it = &vm->items[vm->nitems];
    memset(it, 0, sizeof *it);
    if (vm->nitems) {
        it->scope = vm->items[vm->nitems - 1].scope;
        it->end = vm->items[vm->nitems - 1].end;
    }
    it->kind = kind;
    it->opbase = vm->nops;
    vm->nitems++;
    return it;
}

/* Push obj (its reference moves to the stack). NULL obj means out of memory. */
static int push_op(struct vm *vm, struct aml_obj *obj)
{
    if (!obj)
        return aml_error(AML_ENOMEM, "out of memory");
    if (vm->nops == vm->cap_ops) {
        uint32_t cap = vm->cap_ops ? vm->cap_ops * 2 : 32;
        if (cap > aml_limits.max_nesting * 8) {
            aml_obj_unref(obj);
            return aml_error(AML_ELIMIT, "operand stack overflow");
        }
        struct aml_obj **n = aml_alloc(cap * sizeof *n);
        if (!n) {
            aml_obj_unref(obj);
            return aml_error(AML_ENOMEM, "out of memory for the operand stack");
        }
        if (vm->ops)
            memcpy(n, vm->ops, vm->nops * sizeof *n);
        aml_free(vm->ops);
        vm->ops = n;
        vm->cap_ops = cap;
    }
    vm->ops[vm->nops++] = obj;
    return 0;
}

static void pop_ops_to(struct vm *vm, uint32_t base)
{
    while (vm->nops > base)
        aml_obj_unref(vm->ops[--vm->nops]);
}

/* ---- frames ------------------------------------------------------------------------------ */

/* Free a frame's locals, args and method-local names. */
static void frame_free(struct vm *vm, struct frame *fr)
{
    for (int i = 0; i < 8; i++)
        aml_obj_unref(fr->locals[i]);
    for (int i = 0; i < 7; i++)
        aml_obj_unref(fr->args[i]);
    while (fr->temps) {
        struct aml_node *n = fr->temps;
        fr->temps = n->tnext;
        aml_node_unlink_free(n);
    }
    if (fr->m && (fr->m->flags & 8) && fr->m->busy)
        fr->m->busy--;
    /* Mutexes still held by this invocation are released (logged: the method leaked them). */
    while (vm->nheld && vm->held[vm->nheld - 1].depth >= vm->depth) {
        struct held_mutex *h = &vm->held[--vm->nheld];
        struct aml_mutex *mx = h->mutex->priv;
        plat_log(LOG_WARN, AML_TAG, "method exited holding a mutex: released");
        if (mx) {
            mx->depth = 0;
            mx->owner = 0;
        }
        aml_obj_unref(h->mutex);
    }
    aml_free(fr);
}

/* Start executing method node with args (references taken over). */
static int call_method(struct vm *vm, struct aml_node *node, int argc, struct aml_obj **args, bool want)
{
    struct aml_method *m = node->obj->priv;
    int err = 0;
    if (vm->depth >= aml_limits.max_call_depth)
        err = aml_error(AML_ELIMIT, "call depth limit (%u) reached calling %s", aml_limits.max_call_depth,
                        node->sname);
    else if (plat_now_ns() > vm->deadline)
        err = aml_error(AML_ELIMIT, "evaluation time limit reached");
    struct frame *fr = err ? NULL : aml_alloc(sizeof *fr);
    if (!err && !fr)
        err = aml_error(AML_ENOMEM, "out of memory for a method frame");
    if (err) {
        for (int i = 0; i < argc; i++)
            aml_obj_unref(args[i]);
        return err;
    }
    for (int i = 0; i < argc && i < 7; i++)
        fr->args[i] = args[i];
    fr->method = node;
    fr->m = m;
    fr->ret_pc = vm->pc;
    fr->want = want;
    fr->prev = vm->fr;
    if (m->flags & 8)
        m->busy++;
    struct item *it = push_item(vm, IT_FRAME);
    if (!it) {
        frame_free(vm, fr);
        return AML_ELIMIT;
    }
    it->fr = fr;
    vm->fr = fr;
    vm->depth++;
    struct item *b = push_item(vm, IT_BLOCK);
    if (!b)
        return AML_ELIMIT;
    b->sub = BL_METHOD;
    b->scope = node;
    b->end = m->code + m->len;
    vm->pc = m->code;
    return 0;
}

/* Leave the current frame returning result (reference moved; NULL = no value). Items above
 * the frame are discarded. */
static int frame_exit(struct vm *vm, struct aml_obj *result)
{
    while (vm->nitems && top(vm)->kind != IT_FRAME)
        vm->nitems--;
    if (!vm->nitems) {
        aml_obj_unref(result);
        return aml_error(AML_EINVAL, "return outside a method");
    }
    struct item *it = top(vm);
    pop_ops_to(vm, it->opbase);
    struct frame *fr = it->fr;
    vm->nitems--;
    bool want = fr->want;
    vm->pc = fr->ret_pc;
    vm->fr = fr->prev;
    frame_free(vm, fr);
    vm->depth--;
    if (vm->nitems == 0) {
        vm->result = result;
        vm->have_result = true;
        return 0;
    }
    if (!want) {
        aml_obj_unref(result);
        return 0;
    }
    return push_op(vm, result ? result : aml_obj_integer(0));
}

/* ---- reading AML ---------------------------------------------------------------------------- */

static int need(struct vm *vm, size_t n)
{
    const uint8_t *end = top(vm)->end;
    if (vm->pc > end || (size_t)(end - vm->pc) < n)
        return aml_error(AML_EINVAL, "AML ends inside an operator (offset 0x%lx)",
                         (unsigned long)(vm->pc - vm->code_base));
    return 0;
}

/* Parse a PkgLength at pc; *end = its start + length, checked against the current bound. */
static int parse_pkglen(struct vm *vm, const uint8_t **endp)
{
    const uint8_t *start = vm->pc;
    int err = need(vm, 1);
    if (err)
        return err;
    uint8_t lead = *vm->pc;
    unsigned n = lead >> 6;
    err = need(vm, 1 + n);
    if (err)
        return err;
    uint32_t len;
    if (n == 0) {
        len = lead & 0x3f;
    } else {
        if (lead & 0x30)
            return aml_error(AML_EINVAL, "bad PkgLength lead byte 0x%02x", lead);
        len = lead & 0x0f;
        for (unsigned i = 0; i < n; i++)
            len |= (uint32_t)vm->pc[1 + i] << (4 + 8 * i);
    }
    vm->pc += 1 + n;
    const uint8_t *end = top(vm)->end;
    if (len < 1 + n || len > (size_t)(end - start))
        return aml_error(AML_EINVAL, "PkgLength 0x%x past the enclosing end (offset 0x%lx)", len,
                         (unsigned long)(start - vm->code_base));
    *endp = start + len;
    return 0;
}

/* A reference object to node n (holds a node reference). */
static struct aml_obj *node_ref(struct aml_node *n)
{
    struct aml_obj *r = aml_reference(REF_NODE);
    if (r) {
        r->u.node = n;
        aml_node_get(n);
    }
    return r;
}

/* ---- values ---------------------------------------------------------------------------------- */

/* The value of a named object: data objects shared, fields read, others as a reference. */
static int node_value(struct aml_node *n, struct aml_obj **out)
{
    struct aml_obj *o = n->obj;
    switch (o->type) {
    case AML_INTEGER:
    case AML_STRING:
    case AML_BUFFER:
    case AML_PACKAGE:
        *out = aml_obj_ref(o);
        return 0;
    case AML_FIELD_UNIT:
        return aml_field_read(o, out);
    case AML_BUFFER_FIELD:
        return aml_bfield_read(o, out);
    case AML_UNINIT:
        return aml_error(AML_ETYPE, "%s is uninitialized or was deleted", n->sname);
    default:
        *out = node_ref(n);
        return *out ? 0 : AML_ENOMEM;
    }
}

int aml_node_value(struct aml_node *n, struct aml_obj **out)
{
    return node_value(n, out);
}

/* Dereference a reference object: the referenced value (new reference in *out). */
static int deref(struct aml_obj *ref, struct aml_obj **out)
{
    if (ref->type != AML_REFERENCE) {
        *out = aml_obj_ref(ref);
        return 0;
    }
    struct aml_ref *r = ref->priv;
    switch (r->kind) {
    case REF_NODE:
        return node_value(ref->u.node, out);
    case REF_SLOT:
        if (!*r->slot)
            return aml_error(AML_ETYPE, "uninitialized local or argument");
        *out = aml_obj_ref(*r->slot);
        return 0;
    case REF_OBJ:
        if (r->target->type == AML_FIELD_UNIT)
            return aml_field_read(r->target, out);
        if (r->target->type == AML_BUFFER_FIELD)
            return aml_bfield_read(r->target, out);
        *out = aml_obj_ref(r->target);
        return 0;
    case REF_INDEX: {
        struct aml_obj *t = r->target;
        if (t->type == AML_PACKAGE) {
            if (r->index >= t->u.pkg.count)
                return aml_error(AML_ERANGE, "index %u past the package end", r->index);
            struct aml_obj *e = t->u.pkg.elems[r->index];
            if (!e)
                return aml_error(AML_ETYPE, "package element %u is uninitialized", r->index);
            if (e->type == AML_REFERENCE && ((struct aml_ref *)e->priv)->kind == REF_NODE)
                return node_value(e->u.node, out);
            *out = aml_obj_ref(e);
            return 0;
        }
        if (t->type == AML_BUFFER) {
            if (r->index >= t->u.buf.len)
                return aml_error(AML_ERANGE, "index %u past the buffer end", r->index);
            *out = aml_obj_integer(t->u.buf.ptr[r->index]);
        } else if (t->type == AML_STRING) {
            if (r->index >= t->u.str.len)
                return aml_error(AML_ERANGE, "index %u past the string end", r->index);
            *out = aml_obj_integer((uint8_t)t->u.str.ptr[r->index]);
        } else {
            return aml_error(AML_ETYPE, "bad index reference");
        }
        return *out ? 0 : AML_ENOMEM;
    }
    default:
        return aml_error(AML_ETYPE, "cannot dereference this reference");
    }
}

/* Operand as an integer (implicit conversion). */
static int int_of(struct aml_obj *o, uint64_t *v)
{
    if (o->type == AML_INTEGER) {
        *v = o->u.ival;
        return 0;
    }
    if (o->type == AML_REFERENCE)
        return aml_error(AML_ETYPE, "a reference used as an integer");
    return aml_to_int(o, v, true);
}

/* Convert val to the type of a named object being stored to (Integer/String/Buffer targets). */
static int convert_for(uint8_t type, struct aml_obj *val, struct aml_obj *old, struct aml_obj **out)
{
    uint64_t v;
    int err;
    switch (type) {
    case AML_INTEGER:
        if ((err = int_of(val, &v)))
            return err;
        *out = aml_obj_integer(v);
        return *out ? 0 : AML_ENOMEM;
    case AML_STRING:
        if (val->type == AML_BUFFER) {
            uint32_t n = 0;
            while (n < val->u.buf.len && val->u.buf.ptr[n])
                n++;
            *out = aml_str_new((const char *)val->u.buf.ptr, n);
            return *out ? 0 : AML_ENOMEM;
        }
        if ((err = aml_to_str(val, out, 0)))
            return err;
        if (*out == val) {
            aml_obj_unref(val);
            *out = aml_str_new(val->u.str.ptr, val->u.str.len);
        }
        return *out ? 0 : AML_ENOMEM;
    case AML_BUFFER: {
        /* ACPICA: the buffer keeps its length; the source is copied, truncated or zero-padded. */
        struct aml_obj *b;
        if (val->type == AML_STRING) {
            b = aml_buf_new((const uint8_t *)val->u.str.ptr, val->u.str.len);
        } else if ((err = aml_to_buf(val, &b))) {
            return err;
        }
        if (!b)
            return AML_ENOMEM;
        uint32_t len = old->u.buf.len;
        struct aml_obj *n = aml_buf_new(NULL, len);
        if (n)
            memcpy(n->u.buf.ptr, b->u.buf.ptr, b->u.buf.len < len ? b->u.buf.len : len);
        aml_obj_unref(b);
        *out = n;
        return n ? 0 : AML_ENOMEM;
    }
    }
    return aml_obj_copy(val, out);
}

static void debug_line(const char *s)
{
    plat_log(LOG_INFO, "aml-debug", "%.*s",
             (int)(strlen(s) && s[strlen(s) - 1] == '\n' ? strlen(s) - 1 : strlen(s)), s);
}

/* Store val into the location ref names (ACPI Store semantics; copy, implicit conversion for
 * named Integer/String/Buffer objects, field writes). copy_object: CopyObject (no conversion). */
static int store(struct vm *vm, struct aml_obj *val, struct aml_obj *ref, bool copy_object)
{
    (void)vm;
    if (ref->type != AML_REFERENCE)
        return aml_error(AML_ETYPE, "store target is not a name, local, argument or index");
    struct aml_ref *r = ref->priv;
    struct aml_obj *nv = NULL;
    int err;
    if (val->type == AML_REFERENCE && ((struct aml_ref *)val->priv)->kind == REF_SLOT)
        return aml_error(AML_ETYPE, "store of a transient reference");
    switch (r->kind) {
    case REF_NULL:
        return 0;
    case REF_DEBUG:
        aml_obj_print_to(val, 0, debug_line);
        return 0;
    case REF_SLOT: {
        struct aml_obj *cur = *r->slot;
        if (cur && cur->type == AML_REFERENCE && r->index == 1 && !copy_object) {
            /* ArgX holding a reference (RefOf passed in): store through it */
            struct aml_ref *cr = cur->priv;
            if (cr->kind != REF_SLOT)
                return store(vm, val, cur, false); /* one level: cur is never REF_SLOT */
        }
        if ((err = aml_obj_copy(val, &nv)))
            return err;
        aml_obj_unref(*r->slot);
        *r->slot = nv;
        return 0;
    }
    case REF_NODE: {
        struct aml_node *n = ref->u.node;
        struct aml_obj *o = n->obj;
        if (!copy_object) {
            if (o->type == AML_FIELD_UNIT)
                return aml_field_write(o, val);
            if (o->type == AML_BUFFER_FIELD)
                return aml_bfield_write(o, val);
            if (o->type == AML_INTEGER || o->type == AML_STRING || o->type == AML_BUFFER)
                err = convert_for(o->type, val, o, &nv);
            else if (o->type == AML_PACKAGE || o->type == AML_UNINIT)
                err = aml_obj_copy(val, &nv);
            else
                return aml_error(AML_ETYPE, "cannot store to %s (type %d)", n->sname, o->type);
        } else {
            if (o->type == AML_METHOD || o->type == AML_DEVICE || o->type == AML_REGION ||
                o->type == AML_MUTEX)
                return aml_error(AML_ETYPE, "cannot CopyObject over %s", n->sname);
            err = aml_obj_copy(val, &nv);
        }
        if (err)
            return err;
        n->obj = nv;
        aml_obj_unref(o);
        return 0;
    }
    case REF_OBJ: {
        struct aml_obj *t = r->target;
        if (t->type == AML_FIELD_UNIT)
            return aml_field_write(t, val);
        if (t->type == AML_BUFFER_FIELD)
            return aml_bfield_write(t, val);
        if (t->type == AML_INTEGER) {
            uint64_t v;
            if ((err = int_of(val, &v)))
                return err;
            t->u.ival = v;
            return 0;
        }
        return aml_error(AML_ETYPE, "cannot store through a reference to type %d", t->type);
    }
    case REF_INDEX: {
        struct aml_obj *t = r->target;
        if (t->type == AML_PACKAGE) {
            if (r->index >= t->u.pkg.count)
                return aml_error(AML_ERANGE, "index %u past the package end", r->index);
            /* a package holding an Index/RefOf reference could hold itself: a cycle that reference
             * counting never frees. Only references to names may go into packages. */
            if (val->type == AML_REFERENCE && ((struct aml_ref *)val->priv)->kind != REF_NODE)
                return aml_error(AML_ETYPE, "cannot store an Index/RefOf reference into a package");
            if ((err = aml_obj_copy(val, &nv)))
                return err;
            aml_obj_unref(t->u.pkg.elems[r->index]);
            t->u.pkg.elems[r->index] = nv;
            return 0;
        }
        uint64_t v;
        if ((err = int_of(val, &v)))
            return err;
        if (t->type == AML_BUFFER) {
            if (r->index >= t->u.buf.len)
                return aml_error(AML_ERANGE, "index %u past the buffer end", r->index);
            t->u.buf.ptr[r->index] = (uint8_t)v;
            return 0;
        }
        if (t->type == AML_STRING) {
            if (r->index >= t->u.str.len)
                return aml_error(AML_ERANGE, "index %u past the string end", r->index);
            t->u.str.ptr[r->index] = (char)v;
            return 0;
        }
        return aml_error(AML_ETYPE, "bad index reference");
    }
    }
    return aml_error(AML_ETYPE, "bad store target");
}

/* ---- term parsing ---------------------------------------------------------------------------- */

static struct aml_obj *slot_ref(struct aml_obj **slot, bool is_arg)
{
    struct aml_obj *r = aml_reference(REF_SLOT);
    if (r) {
        ((struct aml_ref *)r->priv)->slot = slot;
        ((struct aml_ref *)r->priv)->index = is_arg;
    }
    return r;
}

/* Whether opcode op produces a value (may appear as an operand). */
static bool yields_value(uint32_t op)
{
    switch (op) {
    case 0x06:
    case 0x08:
    case 0x10:
    case 0x14:
    case 0x15:
    case 0x86:
    case 0x8A:
    case 0x8B:
    case 0x8C:
    case 0x8D:
    case 0x8F:
    case 0x9F:
    case 0xA0:
    case 0xA1:
    case 0xA2:
    case 0xA3:
    case 0xA4:
    case 0xA5:
    case 0xCC:
    case 0x5B01:
    case 0x5B02:
    case 0x5B13:
    case 0x5B21:
    case 0x5B22:
    case 0x5B24:
    case 0x5B26:
    case 0x5B27:
    case 0x5B32:
    case 0x5B80:
    case 0x5B81:
    case 0x5B82:
    case 0x5B83:
    case 0x5B84:
    case 0x5B85:
    case 0x5B86:
    case 0x5B87:
        return false;
    }
    return true;
}

/* Begin an operator item for opcode op with info oi at vm->pc (already past the opcode). */
static int begin_op(struct vm *vm, uint32_t op, const struct opinfo *oi, const uint8_t *start, bool want)
{
    if (want && !yields_value(op))
        return aml_error(AML_EINVAL, "%s used as an operand at offset 0x%lx", oi->name,
                         (unsigned long)(start - vm->code_base));
    struct item *it = push_item(vm, IT_OP);
    if (!it)
        return AML_ELIMIT;
    it->op = op;
    it->sig = oi->sig;
    it->start = start;
    it->want = want;
    return 0;
}

static int unsupported(struct vm *vm, const uint8_t *p, int ext)
{
    if (ext)
        return aml_error(AML_ENOTSUP, "unsupported opcode 0x5B 0x%02X at offset 0x%lx", p[1],
                         (unsigned long)(p - vm->code_base));
    return aml_error(AML_ENOTSUP, "unsupported opcode 0x%02X at offset 0x%lx", p[0],
                     (unsigned long)(p - vm->code_base));
}

/* Parse the next term at pc. want: its value is an operand (pushed); otherwise a statement.
 * mode 'E': a package element (names are not invoked; unresolved names become strings). */
static int begin_term(struct vm *vm, bool want, int mode)
{
    int err = need(vm, 1);
    if (err)
        return err;
    const uint8_t *p = vm->pc;
    uint8_t b = *p;
    struct aml_obj *v = NULL;
    struct frame *fr = vm->fr;
    switch (b) {
    case 0x00:
        vm->pc++;
        v = aml_obj_integer(0);
        break;
    case 0x01:
        vm->pc++;
        v = aml_obj_integer(1);
        break;
    case 0xFF:
        vm->pc++;
        v = aml_obj_integer(aml_ones());
        break;
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0E: {
        unsigned n = b == 0x0A ? 1 : b == 0x0B ? 2 : b == 0x0C ? 4 : 8;
        if ((err = need(vm, 1 + n)))
            return err;
        uint64_t x = 0;
        for (unsigned i = 0; i < n; i++)
            x |= (uint64_t)p[1 + i] << (8 * i);
        vm->pc += 1 + n;
        v = aml_obj_integer(aml_trunc(x));
        break;
    }
    case 0x0D: {
        const uint8_t *end = top(vm)->end, *s = p + 1;
        while (s < end && *s)
            s++;
        if (s >= end)
            return aml_error(AML_EINVAL, "unterminated string at offset 0x%lx",
                             (unsigned long)(p - vm->code_base));
        v = aml_str_new((const char *)p + 1, (uint32_t)(s - p - 1));
        vm->pc = s + 1;
        break;
    }
    case 0x60:
    case 0x61:
    case 0x62:
    case 0x63:
    case 0x64:
    case 0x65:
    case 0x66:
    case 0x67:
    case 0x68:
    case 0x69:
    case 0x6A:
    case 0x6B:
    case 0x6C:
    case 0x6D:
    case 0x6E: {
        struct aml_obj *o = b < 0x68 ? fr->locals[b - 0x60] : fr->args[b - 0x68];
        vm->pc++;
        if (!want)
            return 0;
        if (!o) {
            if (b < 0x68)
                return aml_error(AML_ETYPE, "Local%d used before it was set", b - 0x60);
            return aml_error(AML_ETYPE, "Arg%d not passed", b - 0x68);
        }
        v = aml_obj_ref(o);
        break;
    }
    case 0x5B: {
        if ((err = need(vm, 2)))
            return err;
        uint8_t e = p[1];
        if (e == 0x30) {
            vm->pc += 2;
            v = aml_obj_integer(2); /* Revision: our interpreter revision */
            break;
        }
        if (e == 0x31) {
            vm->pc += 2;
            v = aml_reference(REF_DEBUG);
            break;
        }
        if (e == 0x33) {
            vm->pc += 2;
            v = aml_obj_integer(aml_trunc(plat_now_ns() / 100));
            break;
        }
        if (!ops2[e].name)
            return unsupported(vm, p, 1);
        vm->pc += 2;
        return begin_op(vm, 0x5B00 | e, &ops2[e], p, want);
    }
    default:
        if (b == '\\' || b == '^' || b == 0x2E || b == 0x2F || (b >= 'A' && b <= 'Z') || b == '_') {
            struct aml_name nm;
            if ((err = aml_parse_name(&vm->pc, top(vm)->end, &nm)))
                return err;
            struct aml_node *n = aml_resolve(top(vm)->scope, &nm);
            if (!n) {
                char buf[96];
                aml_name_str(&nm, buf, sizeof buf);
                if (mode == 'E') {
                    v = aml_str_new(buf, (uint32_t)strlen(buf));
                    break;
                }
                return aml_error(AML_ENOENT, "undefined name %s at offset 0x%lx", buf,
                                 (unsigned long)(p - vm->code_base));
            }
            if (mode == 'E') {
                /* like ACPICA: data objects and fields resolve to their value, others to a reference */
                uint8_t t = n->obj->type;
                if (t == AML_INTEGER || t == AML_STRING || t == AML_BUFFER || t == AML_PACKAGE ||
                    t == AML_FIELD_UNIT || t == AML_BUFFER_FIELD) {
                    if ((err = node_value(n, &v)))
                        return err;
                } else {
                    v = node_ref(n);
                }
                break;
            }
            if (n->obj->type == AML_METHOD) {
                struct aml_method *m = n->obj->priv;
                struct item *it = push_item(vm, IT_OP);
                if (!it)
                    return AML_ELIMIT;
                it->op = OP_CALL;
                it->sig = argsig + 7 - (m->flags & 7);
                it->start = p;
                it->want = want;
                it->callee = n;
                return 0;
            }
            if (!want)
                return 0;
            if ((err = node_value(n, &v)))
                return err;
            break;
        }
        if (!ops1[b].name)
            return unsupported(vm, p, 0);
        vm->pc++;
        return begin_op(vm, b, &ops1[b], p, want);
    }
    if (!v)
        return aml_error(AML_ENOMEM, "out of memory");
    if (!want) {
        aml_obj_unref(v);
        return 0;
    }
    return push_op(vm, v);
}

/* Parse a SuperName / Target operand: pushes a reference (REF_NULL for a NullName target;
 * for kind 'C' also when the name does not exist). */
static int begin_target(struct vm *vm, char kind)
{
    int err = need(vm, 1);
    if (err)
        return err;
    const uint8_t *p = vm->pc;
    uint8_t b = *p;
    struct frame *fr = vm->fr;
    if (b == 0x00) {
        if (kind != 'R')
            return aml_error(AML_EINVAL, "NullName where a name is required");
        vm->pc++;
        return push_op(vm, aml_reference(REF_NULL));
    }
    if (b >= 0x60 && b <= 0x67) {
        vm->pc++;
        return push_op(vm, slot_ref(&fr->locals[b - 0x60], false));
    }
    if (b >= 0x68 && b <= 0x6E) {
        vm->pc++;
        return push_op(vm, slot_ref(&fr->args[b - 0x68], true));
    }
    if (b == 0x5B) {
        if ((err = need(vm, 2)))
            return err;
        if (p[1] == 0x31) {
            vm->pc += 2;
            return push_op(vm, aml_reference(REF_DEBUG));
        }
        return aml_error(AML_EINVAL, "bad target opcode 0x5B 0x%02X", p[1]);
    }
    if (b == 0x88 || b == 0x83 || b == 0x71)
        return begin_term(vm, true, 0);
    if (b == '\\' || b == '^' || b == 0x2E || b == 0x2F || (b >= 'A' && b <= 'Z') || b == '_') {
        struct aml_name nm;
        if ((err = aml_parse_name(&vm->pc, top(vm)->end, &nm)))
            return err;
        struct aml_node *n = aml_resolve(top(vm)->scope, &nm);
        if (!n) {
            if (kind == 'C')
                return push_op(vm, aml_reference(REF_NULL));
            char buf[96];
            aml_name_str(&nm, buf, sizeof buf);
            return aml_error(AML_ENOENT, "undefined name %s at offset 0x%lx", buf,
                             (unsigned long)(p - vm->code_base));
        }
        return push_op(vm, node_ref(n));
    }
    return aml_error(AML_EINVAL, "bad target opcode 0x%02X at offset 0x%lx", b,
                     (unsigned long)(p - vm->code_base));
}

static int native_osi(struct aml_obj *arg, struct aml_obj **result);

/* ---- operators ---------------------------------------------------------------------------- */

/* Create a named object for the running code: at load, duplicates are logged and skipped
 * (returns 1, *out = the existing node); in a method, names go on the frame's temp list. */
static int create_named(struct vm *vm, struct aml_node *scope, const struct aml_name *nm, struct aml_obj *obj,
                        struct aml_node **out)
{
    int err = aml_create(scope, nm, obj, out);
    if (err == AML_EEXIST && !vm->fr->method) {
        char buf[96];
        aml_name_str(nm, buf, sizeof buf);
        plat_log(LOG_WARN, AML_TAG, "duplicate name %s skipped", buf);
        return 1;
    }
    if (err)
        return err;
    if (vm->fr->method) {
        (*out)->tnext = vm->fr->temps;
        vm->fr->temps = *out;
    }
    return 0;
}

/* Compare a and b as LEqual/LGreater/LLess do: by a's type. *cmp <0, 0, >0. */
static int compare(struct aml_obj *a, struct aml_obj *b, int *cmp)
{
    int err;
    if (a->type == AML_INTEGER) {
        uint64_t y;
        if ((err = int_of(b, &y)))
            return err;
        *cmp = a->u.ival < y ? -1 : a->u.ival > y;
        return 0;
    }
    struct aml_obj *bb;
    const uint8_t *pa, *pb;
    uint32_t la, lb;
    if (a->type == AML_STRING) {
        if ((err = aml_to_str(b, &bb, 0)))
            return err;
        pa = (const uint8_t *)a->u.str.ptr, la = a->u.str.len;
        pb = (const uint8_t *)bb->u.str.ptr, lb = bb->u.str.len;
    } else if (a->type == AML_BUFFER) {
        if ((err = aml_to_buf(b, &bb)))
            return err;
        pa = a->u.buf.ptr, la = a->u.buf.len;
        pb = bb->u.buf.ptr, lb = bb->u.buf.len;
    } else {
        return aml_error(AML_ETYPE, "cannot compare objects of type %d", a->type);
    }
    uint32_t n = la < lb ? la : lb;
    int c = memcmp(pa, pb, n);
    if (!c)
        c = la < lb ? -1 : la > lb;
    *cmp = c;
    aml_obj_unref(bb);
    return 0;
}

/* Concatenate(a, b) by a's type. */
static int concat(struct aml_obj *a, struct aml_obj *b, struct aml_obj **out)
{
    int err;
    struct aml_obj *x = NULL, *y = NULL;
    if (a->type == AML_STRING) {
        if ((err = aml_to_str(b, &y, 0)))
            return err;
        uint64_t n = (uint64_t)a->u.str.len + y->u.str.len;
        if (n > aml_limits.max_object) {
            aml_obj_unref(y);
            return aml_error(AML_ENOMEM, "string too long");
        }
        *out = aml_str_new(NULL, (uint32_t)n);
        if (*out) {
            memcpy((*out)->u.str.ptr, a->u.str.ptr, a->u.str.len);
            memcpy((*out)->u.str.ptr + a->u.str.len, y->u.str.ptr, y->u.str.len);
        }
        aml_obj_unref(y);
        return *out ? 0 : AML_ENOMEM;
    }
    if (a->type == AML_INTEGER) {
        uint64_t v;
        if ((err = int_of(b, &v)))
            return err;
        struct aml_obj tmp = {.refs = 1, .type = AML_INTEGER};
        tmp.u.ival = v;
        if ((err = aml_to_buf(a, &x)))
            return err;
        if ((err = aml_to_buf(&tmp, &y))) {
            aml_obj_unref(x);
            return err;
        }
    } else if (a->type == AML_BUFFER) {
        x = aml_obj_ref(a);
        if ((err = aml_to_buf(b, &y))) {
            aml_obj_unref(x);
            return err;
        }
    } else {
        return aml_error(AML_ETYPE, "cannot concatenate objects of type %d", a->type);
    }
    uint64_t n = (uint64_t)x->u.buf.len + y->u.buf.len;
    *out = n > aml_limits.max_object ? NULL : aml_buf_new(NULL, (uint32_t)n);
    if (*out) {
        memcpy((*out)->u.buf.ptr, x->u.buf.ptr, x->u.buf.len);
        memcpy((*out)->u.buf.ptr + x->u.buf.len, y->u.buf.ptr, y->u.buf.len);
    }
    aml_obj_unref(x);
    aml_obj_unref(y);
    return *out ? 0 : aml_error(AML_ENOMEM, "buffer too long");
}

/* Match's comparison: op 0 true, 1 ==, 2 <=, 3 <, 4 >=, 5 >. */
static int match_one(int mop, struct aml_obj *e, struct aml_obj *v, bool *ok)
{
    int c, err;
    if (mop == 0) {
        *ok = true;
        return 0;
    }
    if (mop > 5)
        return aml_error(AML_EINVAL, "bad Match operator %d", mop);
    if (e->type != AML_INTEGER && e->type != AML_STRING && e->type != AML_BUFFER) {
        *ok = false;
        return 0;
    }
    if ((err = compare(e, v, &c)))
        return err;
    *ok = (mop == 1 && c == 0) || (mop == 2 && c <= 0) || (mop == 3 && c < 0) || (mop == 4 && c >= 0) ||
          (mop == 5 && c > 0);
    return 0;
}

/* The object a reference operand names (a plain value operand is its own target). */
static struct aml_obj *deref_ref_target(struct aml_obj *ref)
{
    struct aml_ref *r = ref->priv;
    if (ref->type != AML_REFERENCE || !r)
        return ref;
    if (r->kind == REF_NODE)
        return ref->u.node->obj;
    if (r->kind == REF_SLOT)
        return *r->slot;
    if (r->kind == REF_OBJ)
        return r->target;
    return NULL;
}

/* Parse a FieldList in [pc, end) creating field units. kind: FIELD_NORMAL/INDEX/BANK. */
static int parse_field_list(struct vm *vm, struct item *cur, struct aml_field *proto)
{
    uint32_t bit = 0;
    uint8_t flags = proto->flags;
    int err;
    while (vm->pc < cur->end) {
        uint8_t b = *vm->pc;
        const uint8_t *e;
        if (b == 0x00 || (b >= 'A' && b <= 'Z') || b == '_') {
            uint32_t nameseg = 0;
            if (b != 0) {
                if ((err = need(vm, 4)))
                    return err;
                struct aml_name nm;
                const uint8_t *q = vm->pc;
                if ((err = aml_parse_name(&q, vm->pc + 4, &nm)))
                    return err;
                memcpy(&nameseg, vm->pc, 4);
                vm->pc += 4;
            } else {
                vm->pc++;
            }
            /* the field length is a PkgLength encoding of a bit count */
            if ((err = need(vm, 1)))
                return err;
            uint8_t lead = *vm->pc;
            unsigned n = lead >> 6;
            if ((err = need(vm, 1 + n)))
                return err;
            uint32_t len = n ? (lead & 0x0fu) : (lead & 0x3fu);
            for (unsigned i = 0; i < n; i++)
                len |= (uint32_t)vm->pc[1 + i] << (4 + 8 * i);
            vm->pc += 1 + n;
            if (b != 0) {
                struct aml_obj *o = aml_obj_new(AML_FIELD_UNIT);
                struct aml_field *f = o ? aml_alloc(sizeof *f) : NULL;
                if (!f) {
                    aml_obj_unref(o);
                    return aml_error(AML_ENOMEM, "out of memory");
                }
                *f = *proto;
                f->flags = flags;
                f->bit_off = bit;
                f->bit_len = len;
                o->priv = f;
                struct aml_name nm = {.nseg = 1, .segs = (const uint8_t *)&nameseg};
                struct aml_node *nd;
                if ((err = create_named(vm, cur->scope, &nm, o, &nd)) < 0)
                    return err;
            }
            if ((uint64_t)bit + len > 0xffffffffull)
                return aml_error(AML_EINVAL, "field offset overflow");
            bit += len;
        } else if (b == 0x01) {
            if ((err = need(vm, 3)))
                return err;
            flags = (uint8_t)((flags & 0xf0) | (vm->pc[1] & 0x0f));
            proto->attrib = vm->pc[2];
            vm->pc += 3;
        } else if (b == 0x03) {
            if ((err = need(vm, 4)))
                return err;
            flags = (uint8_t)((flags & 0xf0) | (vm->pc[1] & 0x0f));
            vm->pc += 4;
        } else if (b == 0x02) {
            return aml_error(AML_ENOTSUP, "ConnectField is not supported");
        } else {
            return aml_error(AML_EINVAL, "bad field list byte 0x%02X", b);
        }
        (void)e;
    }
    return 0;
}

/* Pop the finished OP item (and its operands), then push res if wanted. */
static int finish(struct vm *vm, struct item *cur, struct aml_obj *res)
{
    vm->nitems--;
    pop_ops_to(vm, cur->opbase);
    if (cur->want)
        return push_op(vm, res ? res : aml_obj_integer(0));
    aml_obj_unref(res);
    return 0;
}

static int store_target(struct vm *vm, struct aml_obj *res, struct aml_obj *target)
{
    if (!res)
        return aml_error(AML_ENOMEM, "out of memory");
    return store(vm, res, target, false);
}

static uint64_t bcd_from(uint64_t x)
{
    uint64_t r = 0, m = 1;
    while (x) {
        r += (x & 15) * m;
        m *= 10;
        x >>= 4;
    }
    return r;
}

static uint64_t bcd_to(uint64_t x)
{
    uint64_t r = 0;
    for (int s = 0; x && s < 64; s += 4) {
        r |= (x % 10) << s;
        x /= 10;
    }
    return r;
}

static void busy_wait_ns(struct vm *vm, uint64_t ns)
{
    uint64_t t = plat_now_ns(), end = t + ns;
    if (end > vm->deadline)
        end = vm->deadline;
    while (plat_now_ns() < end)
        ;
}

/* Execute the operator on top of the item stack: all its operands are parsed. */
static int exec_op(struct vm *vm, struct item *itp)
{
    struct item cur = *itp; /* itp may move when items are pushed */
    struct aml_obj **a = vm->ops ? &vm->ops[cur.opbase] : NULL;
    uint32_t na = vm->nops - cur.opbase;
    struct aml_obj *res = NULL;
    uint64_t x = 0, y = 0;
    int err = 0, c;
    struct aml_node *nd;

    /* invariant check: exactly the parsed operands are on the stack */
    uint32_t expect = 0;
    bool var = false;
    for (const char *k = cur.sig; *k; k++) {
        /* a SuperName such as DerefOf(...) may yield a plain value: only SizeOf and ObjectType
         * can use one (they look at the object itself); elsewhere it is an error, not a crash */
        if ((*k == 'S' || *k == 'C' || *k == 'R') && expect < na && cur.op != 0x87 && cur.op != 0x8E &&
            (a[expect]->type != AML_REFERENCE || !a[expect]->priv))
            return aml_error(AML_ETYPE, "operand %u of opcode 0x%X must be a name or reference", expect + 1,
                             cur.op);
        if (*k == 'T' || *k == 'S' || *k == 'C' || *k == 'R')
            expect++;
        var |= *k == 'E';
    }
    if (var ? na < expect : na != expect)
        return aml_error(AML_EINVAL, "internal: operand count mismatch for opcode 0x%X", cur.op);

    switch (cur.op) {
    case OP_CALL: {
        struct aml_obj *args[7];
        for (uint32_t i = 0; i < na && i < 7; i++)
            args[i] = a[i];
        vm->nops = cur.opbase;
        vm->nitems--;
        struct aml_method *m = cur.callee->obj->priv;
        if (!m->code) {
            err = native_osi(na ? args[0] : NULL, &res);
            for (uint32_t i = 0; i < na; i++)
                aml_obj_unref(args[i]);
            if (err)
                return err;
            if (cur.want)
                return push_op(vm, res);
            aml_obj_unref(res);
            return 0;
        }
        return call_method(vm, cur.callee, (int)na, args, cur.want);
    }
    case OP_WHILE_COND:
        if ((err = int_of(a[0], &x)))
            return err;
        vm->nitems--;
        pop_ops_to(vm, cur.opbase);
        if (!x) {
            vm->pc = top(vm)->end;
            vm->nitems--;
        }
        return 0;

    /* integer arithmetic */
    case 0x72:
    case 0x74:
    case 0x77:
    case 0x79:
    case 0x7A:
    case 0x7B:
    case 0x7C:
    case 0x7D:
    case 0x7E:
    case 0x7F:
    case 0x85:
        if ((err = int_of(a[0], &x)) || (err = int_of(a[1], &y)))
            return err;
        switch (cur.op) {
        case 0x72:
            x += y;
            break;
        case 0x74:
            x -= y;
            break;
        case 0x77:
            x *= y;
            break;
        case 0x79:
            x = y >= aml_int_bits ? 0 : x << y;
            break;
        case 0x7A:
            x = y >= aml_int_bits ? 0 : x >> y;
            break;
        case 0x7B:
            x &= y;
            break;
        case 0x7C:
            x = ~(x & y);
            break;
        case 0x7D:
            x |= y;
            break;
        case 0x7E:
            x = ~(x | y);
            break;
        case 0x7F:
            x ^= y;
            break;
        case 0x85:
            if (!y)
                return aml_error(AML_EDIVZERO, "Mod by zero");
            x %= y;
            break;
        }
        res = aml_obj_integer(aml_trunc(x));
        if ((err = store_target(vm, res, a[2]))) {
            aml_obj_unref(res);
            return err;
        }
        return finish(vm, &cur, res);
    case 0x78: /* Divide */
        if ((err = int_of(a[0], &x)) || (err = int_of(a[1], &y)))
            return err;
        if (!y)
            return aml_error(AML_EDIVZERO, "Divide by zero");
        {
            struct aml_obj *rem = aml_obj_integer(x % y);
            res = aml_obj_integer(x / y);
            err = store_target(vm, rem, a[2]);
            if (!err)
                err = store_target(vm, res, a[3]);
            aml_obj_unref(rem);
            if (err) {
                aml_obj_unref(res);
                return err;
            }
        }
        return finish(vm, &cur, res);
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x5B28:
    case 0x5B29:
        if ((err = int_of(a[0], &x)))
            return err;
        if (cur.op == 0x80) {
            x = ~x;
        } else if (cur.op == 0x81) {
            y = 0;
            for (unsigned i = 0; i < aml_int_bits; i++)
                if (x >> i & 1)
                    y = i + 1;
            x = y;
        } else if (cur.op == 0x82) {
            y = 0;
            for (unsigned i = aml_int_bits; i > 0; i--)
                if (x >> (i - 1) & 1)
                    y = i;
            x = y;
        } else if (cur.op == 0x5B28) {
            x = bcd_from(x);
        } else {
            x = bcd_to(x);
        }
        res = aml_obj_integer(aml_trunc(x));
        if ((err = store_target(vm, res, a[1]))) {
            aml_obj_unref(res);
            return err;
        }
        return finish(vm, &cur, res);
    case 0x75:
    case 0x76: { /* Increment / Decrement */
        struct aml_obj *v;
        if ((err = deref(a[0], &v)))
            return err;
        err = int_of(v, &x);
        aml_obj_unref(v);
        if (err)
            return err;
        res = aml_obj_integer(aml_trunc(cur.op == 0x75 ? x + 1 : x - 1));
        if ((err = store_target(vm, res, a[0]))) {
            aml_obj_unref(res);
            return err;
        }
        return finish(vm, &cur, res);
    }
    case 0x90:
    case 0x91:
        if ((err = int_of(a[0], &x)) || (err = int_of(a[1], &y)))
            return err;
        x = cur.op == 0x90 ? (x && y) : (x || y);
        return finish(vm, &cur, aml_obj_integer(x ? aml_ones() : 0));
    case 0x92:
        if ((err = int_of(a[0], &x)))
            return err;
        return finish(vm, &cur, aml_obj_integer(x ? 0 : aml_ones()));
    case 0x93:
    case 0x94:
    case 0x95:
        if ((err = compare(a[0], a[1], &c)))
            return err;
        x = cur.op == 0x93 ? c == 0 : cur.op == 0x94 ? c > 0 : c < 0;
        return finish(vm, &cur, aml_obj_integer(x ? aml_ones() : 0));
    case 0x73: /* Concatenate */
    case 0x84: /* ConcatenateResTemplate */
        if (cur.op == 0x73) {
            if ((err = concat(a[0], a[1], &res)))
                return err;
        } else {
            if (a[0]->type != AML_BUFFER || a[1]->type != AML_BUFFER)
                return aml_error(AML_ETYPE, "ConcatenateResTemplate needs buffers");
            uint32_t l0 = a[0]->u.buf.len, l1 = a[1]->u.buf.len;
            if (l0 >= 2 && a[0]->u.buf.ptr[l0 - 2] == 0x79)
                l0 -= 2;
            if (l1 >= 2 && a[1]->u.buf.ptr[l1 - 2] == 0x79)
                l1 -= 2;
            res = aml_buf_new(NULL, l0 + l1 + 2);
            if (!res)
                return AML_ENOMEM;
            memcpy(res->u.buf.ptr, a[0]->u.buf.ptr, l0);
            memcpy(res->u.buf.ptr + l0, a[1]->u.buf.ptr, l1);
            res->u.buf.ptr[l0 + l1] = 0x79;
            res->u.buf.ptr[l0 + l1 + 1] = 0;
        }
        if ((err = store_target(vm, res, a[2]))) {
            aml_obj_unref(res);
            return err;
        }
        return finish(vm, &cur, res);
    case 0x96:
    case 0x97:
    case 0x98:
    case 0x99: /* ToBuffer ToDecimalString ToHexString ToInteger */
        if (cur.op == 0x96) {
            err = aml_to_buf(a[0], &res);
        } else if (cur.op == 0x99) {
            if (!(err = aml_to_int(a[0], &x, false)))
                res = aml_obj_integer(x);
        } else if (a[0]->type == AML_STRING) {
            res = aml_obj_ref(a[0]);
        } else {
            err = aml_to_str(a[0], &res, cur.op == 0x97 ? 'd' : 'x');
        }
        if (err)
            return err;
        if ((err = store_target(vm, res, a[1]))) {
            aml_obj_unref(res);
            return err;
        }
        return finish(vm, &cur, res);
    case 0x9C: { /* ToString(buffer, length) */
        if (a[0]->type != AML_BUFFER)
            return aml_error(AML_ETYPE, "ToString needs a buffer");
        if ((err = int_of(a[1], &x)))
            return err;
        uint32_t n = 0;
        while (n < a[0]->u.buf.len && a[0]->u.buf.ptr[n] && n < x)
            n++;
        res = aml_str_new((const char *)a[0]->u.buf.ptr, n);
        if ((err = store_target(vm, res, a[2]))) {
            aml_obj_unref(res);
            return err;
        }
        return finish(vm, &cur, res);
    }
    case 0x9E: { /* Mid */
        if ((err = int_of(a[1], &x)) || (err = int_of(a[2], &y)))
            return err;
        if (a[0]->type == AML_STRING || a[0]->type == AML_BUFFER) {
            bool s = a[0]->type == AML_STRING;
            uint32_t len = s ? a[0]->u.str.len : a[0]->u.buf.len;
            const uint8_t *p = s ? (const uint8_t *)a[0]->u.str.ptr : a[0]->u.buf.ptr;
            if (x > len)
                x = len;
            if (y > len - x)
                y = len - x;
            res = s ? aml_str_new((const char *)p + x, (uint32_t)y) : aml_buf_new(p + x, (uint32_t)y);
        } else {
            return aml_error(AML_ETYPE, "Mid needs a string or buffer");
        }
        if ((err = store_target(vm, res, a[3]))) {
            aml_obj_unref(res);
            return err;
        }
        return finish(vm, &cur, res);
    }
    case 0x87: { /* SizeOf */
        struct aml_obj *v = deref_ref_target(a[0]);
        struct aml_obj *tmp = NULL;
        if (!v || v->type == AML_REFERENCE) {
            if ((err = deref(a[0], &tmp)))
                return err;
            v = tmp;
        }
        if (v->type == AML_STRING)
            x = v->u.str.len;
        else if (v->type == AML_BUFFER)
            x = v->u.buf.len;
        else if (v->type == AML_PACKAGE)
            x = v->u.pkg.count;
        else
            err = aml_error(AML_ETYPE, "SizeOf of an object of type %d", v->type);
        aml_obj_unref(tmp);
        if (err)
            return err;
        return finish(vm, &cur, aml_obj_integer(x));
    }
    case 0x8E: { /* ObjectType */
        struct aml_ref *r = a[0]->type == AML_REFERENCE ? a[0]->priv : NULL;
        struct aml_obj *v = deref_ref_target(a[0]);
        if (!r) {
            x = v->type;
        } else if (r->kind == REF_INDEX) {
            struct aml_obj *t = r->target;
            x = t->type == AML_PACKAGE
                    ? (r->index < t->u.pkg.count && t->u.pkg.elems[r->index] ? t->u.pkg.elems[r->index]->type
                                                                             : 0)
                    : AML_BUFFER_FIELD;
        } else if (r->kind == REF_DEBUG) {
            x = AML_DEBUG;
        } else {
            x = v ? v->type : 0;
        }
        if (x == AML_SCOPE)
            x = 0;
        if (x == AML_REFERENCE)
            x = 0x14; /* ACPICA reports references as type 0x14 */
        return finish(vm, &cur, aml_obj_integer(x));
    }
    case 0x71: /* RefOf */
    case 0x5B12: /* CondRefOf */ {
        struct aml_ref *r = a[0]->priv;
        if (r->kind == REF_NULL)
            return finish(vm, &cur, aml_obj_integer(0));
        if (r->kind == REF_SLOT) {
            if (!*r->slot)
                return aml_error(AML_ETYPE, "RefOf an uninitialized local");
            res = aml_reference(REF_OBJ);
            if (!res)
                return AML_ENOMEM;
            ((struct aml_ref *)res->priv)->target = aml_obj_ref(*r->slot);
        } else if (r->kind == REF_NODE) {
            res = node_ref(a[0]->u.node);
        } else {
            res = aml_obj_ref(a[0]);
        }
        if (cur.op == 0x71)
            return finish(vm, &cur, res);
        err = store(vm, res, a[1], false);
        aml_obj_unref(res);
        if (err)
            return err;
        return finish(vm, &cur, aml_obj_integer(aml_ones()));
    }
    case 0x83: /* DerefOf */
        if (a[0]->type == AML_REFERENCE) {
            if ((err = deref(a[0], &res)))
                return err;
        } else if (a[0]->type == AML_STRING) {
            nd = aml_find(cur.scope, a[0]->u.str.ptr);
            if (!nd)
                return aml_error(AML_ENOENT, "DerefOf: %s not found", a[0]->u.str.ptr);
            if ((err = node_value(nd, &res)))
                return err;
        } else {
            return aml_error(AML_ETYPE, "DerefOf needs a reference");
        }
        return finish(vm, &cur, res);
    case 0x88: { /* Index */
        struct aml_obj *src = a[0];
        if ((err = int_of(a[1], &x)))
            return err;
        uint32_t len = src->type == AML_PACKAGE  ? src->u.pkg.count
                       : src->type == AML_BUFFER ? src->u.buf.len
                       : src->type == AML_STRING ? src->u.str.len
                                                 : 0;
        if (src->type != AML_PACKAGE && src->type != AML_BUFFER && src->type != AML_STRING)
            return aml_error(AML_ETYPE, "Index of an object of type %d", src->type);
        if (x >= len)
            return aml_error(AML_ERANGE, "Index %llu past the end (%u)", (unsigned long long)x, len);
        res = aml_reference(REF_INDEX);
        if (!res)
            return AML_ENOMEM;
        ((struct aml_ref *)res->priv)->target = aml_obj_ref(src);
        ((struct aml_ref *)res->priv)->index = (uint32_t)x;
        if (((struct aml_ref *)a[2]->priv)->kind != REF_NULL) {
            if ((err = store(vm, res, a[2], false))) {
                aml_obj_unref(res);
                return err;
            }
        }
        return finish(vm, &cur, res);
    }
    case 0x89: { /* Match(pkg, op1, v1, op2, v2, start) */
        if (a[0]->type != AML_PACKAGE)
            return aml_error(AML_ETYPE, "Match needs a package");
        if ((err = int_of(a[3], &x)))
            return err;
        res = NULL;
        for (uint64_t i = x; i < a[0]->u.pkg.count; i++) {
            struct aml_obj *e = a[0]->u.pkg.elems[i];
            bool ok1, ok2;
            if (!e)
                continue;
            if ((err = match_one((int)cur.imm[0], e, a[1], &ok1)) ||
                (err = match_one((int)cur.imm[1], e, a[2], &ok2)))
                return err;
            if (ok1 && ok2) {
                res = aml_obj_integer(i);
                break;
            }
        }
        return finish(vm, &cur, res ? res : aml_obj_integer(aml_ones()));
    }
    case 0x86: { /* Notify */
        struct aml_ref *r = a[0]->priv;
        if (r->kind != REF_NODE)
            return aml_error(AML_ETYPE, "Notify needs a device");
        uint8_t t = a[0]->u.node->obj->type;
        if (t != AML_DEVICE && t != AML_PROCESSOR && t != AML_THERMAL && t != AML_POWER_RES)
            return aml_error(AML_ETYPE, "Notify on %s, which is not a device", a[0]->u.node->sname);
        if ((err = int_of(a[1], &x)))
            return err;
        aml_notify_queue(a[0]->u.node, (uint32_t)x);
        return finish(vm, &cur, NULL);
    }
    case 0x70: /* Store */
    case 0x9D: /* CopyObject */
        if ((err = store(vm, a[0], a[1], cur.op == 0x9D)))
            return err;
        return finish(vm, &cur, aml_obj_ref(a[0]));
    case 0x8A:
    case 0x8B:
    case 0x8C:
    case 0x8D:
    case 0x8F:
    case 0x5B13: { /* Create*Field */
        struct aml_obj *src = a[0];
        if (src->type != AML_BUFFER)
            return aml_error(AML_ETYPE, "Create*Field on an object of type %d", src->type);
        if ((err = int_of(a[1], &x)))
            return err;
        uint64_t bits;
        switch (cur.op) {
        case 0x8A:
            bits = 32, x *= 8;
            break;
        case 0x8B:
            bits = 16, x *= 8;
            break;
        case 0x8C:
            bits = 8, x *= 8;
            break;
        case 0x8D:
            bits = 1;
            break;
        case 0x8F:
            bits = 64, x *= 8;
            break;
        default:
            if ((err = int_of(a[2], &bits)))
                return err;
            if (!bits)
                return aml_error(AML_EINVAL, "CreateField of zero bits");
        }
        if (x + bits > (uint64_t)src->u.buf.len * 8 || x > 0xffffffffull || bits > 0xffffffffull)
            return aml_error(AML_ERANGE, "buffer field [%llu, +%llu bits) past the buffer end (%u bytes)",
                             (unsigned long long)x, (unsigned long long)bits, src->u.buf.len);
        struct aml_obj *o = aml_obj_new(AML_BUFFER_FIELD);
        struct aml_bfield *bf = o ? aml_alloc(sizeof *bf) : NULL;
        if (!bf) {
            aml_obj_unref(o);
            return aml_error(AML_ENOMEM, "out of memory");
        }
        bf->buf = aml_obj_ref(src);
        bf->bit_off = (uint32_t)x;
        bf->bit_len = (uint32_t)bits;
        bf->always_buffer = cur.op == 0x5B13; /* ACPICA: CreateField fields read as buffers */
        o->priv = bf;
        if ((err = create_named(vm, cur.scope, &cur.names[0], o, &nd)) < 0)
            return err;
        return finish(vm, &cur, NULL);
    }
    case 0x08: { /* Name */
        struct aml_obj *v = a[0];
        if (v->refs > 1 || v->type == AML_REFERENCE) {
            if ((err = aml_obj_copy(v, &v)))
                return err;
        } else {
            aml_obj_ref(v);
        }
        if ((err = create_named(vm, cur.scope, &cur.names[0], v, &nd)) < 0)
            return err;
        return finish(vm, &cur, NULL);
    }
    case 0x06: { /* Alias */
        struct aml_node *src = aml_resolve(cur.scope, &cur.names[0]);
        if (!src)
            return aml_error(AML_ENOENT, "Alias source not found");
        if ((err = create_named(vm, cur.scope, &cur.names[1], aml_obj_ref(src->obj), &nd)) < 0)
            return err;
        return finish(vm, &cur, NULL);
    }
    case 0x15: /* External */
    case 0xA3: /* Noop */
    case 0xCC: /* BreakPoint */
        return finish(vm, &cur, NULL);
    case 0x10:
    case 0x5B82:
    case 0x5B83:
    case 0x5B84:
    case 0x5B85: { /* Scope Device Processor PowerRes Thermal */
        vm->nitems--;
        pop_ops_to(vm, cur.opbase);
        if (cur.op == 0x10) {
            nd = aml_resolve(cur.scope, &cur.names[0]);
            if (!nd) {
                char buf[96];
                aml_name_str(&cur.names[0], buf, sizeof buf);
                return aml_error(AML_ENOENT, "Scope(%s): no such scope", buf);
            }
        } else {
            uint8_t t = cur.op == 0x5B82   ? AML_DEVICE
                        : cur.op == 0x5B83 ? AML_PROCESSOR
                        : cur.op == 0x5B84 ? AML_POWER_RES
                                           : AML_THERMAL;
            struct aml_obj *o = aml_obj_new(t);
            if (o && t == AML_PROCESSOR)
                o->u.ival = cur.imm[0]; /* processor id */
            if ((err = create_named(vm, cur.scope, &cur.names[0], o, &nd)) < 0)
                return err;
        }
        struct item *b = push_item(vm, IT_BLOCK);
        if (!b)
            return AML_ELIMIT;
        b->sub = BL_SCOPE;
        b->scope = nd;
        b->end = cur.end;
        return 0;
    }
    case 0x14: { /* Method */
        struct aml_obj *o = aml_obj_new(AML_METHOD);
        struct aml_method *m = o ? aml_alloc(sizeof *m) : NULL;
        if (!m) {
            aml_obj_unref(o);
            return aml_error(AML_ENOMEM, "out of memory");
        }
        m->code = vm->pc;
        m->len = (uint32_t)(cur.end - vm->pc);
        m->flags = (uint8_t)cur.imm[0];
        o->priv = m;
        vm->pc = cur.end;
        if ((err = create_named(vm, cur.scope, &cur.names[0], o, &nd)) < 0)
            return err;
        return finish(vm, &cur, NULL);
    }
    case 0x5B01:
    case 0x5B02: { /* Mutex Event */
        struct aml_obj *o = aml_obj_new(cur.op == 0x5B01 ? AML_MUTEX : AML_EVENT);
        struct aml_mutex *mx = o ? aml_alloc(sizeof *mx) : NULL;
        if (!mx) {
            aml_obj_unref(o);
            return aml_error(AML_ENOMEM, "out of memory");
        }
        mx->sync = (uint8_t)(cur.imm[0] & 15);
        o->priv = mx;
        if ((err = create_named(vm, cur.scope, &cur.names[0], o, &nd)) < 0)
            return err;
        return finish(vm, &cur, NULL);
    }
    case 0x5B80: { /* OperationRegion */
        if ((err = int_of(a[0], &x)) || (err = int_of(a[1], &y)))
            return err;
        struct aml_obj *o = aml_obj_new(AML_REGION);
        struct aml_region *rg = o ? aml_alloc(sizeof *rg) : NULL;
        if (!rg) {
            aml_obj_unref(o);
            return aml_error(AML_ENOMEM, "out of memory");
        }
        rg->space = (uint8_t)cur.imm[0];
        rg->base = x;
        rg->len = y;
        rg->node = cur.scope;
        o->priv = rg;
        if ((err = create_named(vm, cur.scope, &cur.names[0], o, &nd)) < 0)
            return err;
        return finish(vm, &cur, NULL);
    }
    case 0x5B81:
    case 0x5B86:
    case 0x5B87: { /* Field IndexField BankField */
        struct aml_field proto;
        memset(&proto, 0, sizeof proto);
        struct aml_node *n0 = aml_resolve(cur.scope, &cur.names[0]);
        struct aml_node *n1 = cur.op != 0x5B81 ? aml_resolve(cur.scope, &cur.names[1]) : NULL;
        if (!n0 || (cur.op != 0x5B81 && !n1)) {
            char buf[96];
            aml_name_str(&cur.names[n0 ? 1 : 0], buf, sizeof buf);
            return aml_error(AML_ENOENT, "field declaration: %s not found", buf);
        }
        if (cur.op == 0x5B81) {
            proto.kind = FIELD_NORMAL;
            proto.region = n0;
            proto.flags = (uint8_t)cur.imm[0];
            if (n0->obj->type != AML_REGION)
                return aml_error(AML_ETYPE, "Field: %s is not an operation region", n0->sname);
        } else if (cur.op == 0x5B86) {
            proto.kind = FIELD_INDEX;
            proto.index = n0;
            proto.data = n1;
            proto.flags = (uint8_t)cur.imm[0];
            if (n0->obj->type != AML_FIELD_UNIT || n1->obj->type != AML_FIELD_UNIT)
                return aml_error(AML_ETYPE, "IndexField: index and data must be fields");
        } else {
            proto.kind = FIELD_BANK;
            proto.region = n0;
            proto.bank = n1;
            if ((err = int_of(a[0], &proto.bank_value)))
                return err;
            proto.flags = (uint8_t)cur.imm[0];
            if (n0->obj->type != AML_REGION || n1->obj->type != AML_FIELD_UNIT)
                return aml_error(AML_ETYPE, "BankField: bad region or bank field");
        }
        if ((err = parse_field_list(vm, &cur, &proto)))
            return err;
        vm->pc = cur.end;
        return finish(vm, &cur, NULL);
    }
    case 0x11: { /* Buffer */
        if ((err = int_of(a[0], &x)))
            return err;
        uint64_t init = (uint64_t)(cur.end - vm->pc);
        uint64_t len = x > init ? x : init;
        if (len > aml_limits.max_object)
            return aml_error(AML_ENOMEM, "Buffer of %llu bytes exceeds the object limit",
                             (unsigned long long)len);
        res = aml_buf_new(NULL, (uint32_t)len);
        if (!res)
            return AML_ENOMEM;
        memcpy(res->u.buf.ptr, vm->pc, (size_t)init);
        vm->pc = cur.end;
        return finish(vm, &cur, res);
    }
    case 0x12:
    case 0x13: { /* Package VarPackage */
        uint32_t first = 0;
        if (cur.op == 0x12) {
            x = cur.imm[0];
        } else {
            if ((err = int_of(a[0], &x)))
                return err;
            first = 1;
        }
        uint32_t nel = na - first;
        if (x < nel)
            x = nel;
        if (x > aml_limits.max_object / sizeof(void *))
            return aml_error(AML_ENOMEM, "Package of %llu elements exceeds the object limit",
                             (unsigned long long)x);
        res = aml_pkg_new((uint32_t)x);
        if (!res)
            return AML_ENOMEM;
        for (uint32_t i = 0; i < nel; i++) {
            struct aml_obj *e = a[first + i];
            if (e->type == AML_REFERENCE && ((struct aml_ref *)e->priv)->kind != REF_NODE) {
                aml_obj_unref(res);
                return aml_error(AML_ETYPE, "bad package element");
            }
            res->u.pkg.elems[i] = aml_obj_ref(e);
        }
        return finish(vm, &cur, res);
    }
    case 0xA0: /* If */
        if ((err = int_of(a[0], &x)))
            return err;
        vm->nitems--;
        pop_ops_to(vm, cur.opbase);
        if (x) {
            struct item *b = push_item(vm, IT_BLOCK);
            if (!b)
                return AML_ELIMIT;
            b->sub = BL_IF;
            b->end = cur.end;
            return 0;
        }
        vm->pc = cur.end;
        if (vm->pc < top(vm)->end && *vm->pc == 0xA1) {
            const uint8_t *e;
            vm->pc++;
            if ((err = parse_pkglen(vm, &e)))
                return err;
            struct item *b = push_item(vm, IT_BLOCK);
            if (!b)
                return AML_ELIMIT;
            b->sub = BL_ELSE;
            b->end = e;
        }
        return 0;
    case 0xA1: /* Else without If: skip */
        vm->pc = cur.end;
        return finish(vm, &cur, NULL);
    case 0xA2: { /* While */
        vm->nitems--;
        struct item *b = push_item(vm, IT_BLOCK);
        if (!b)
            return AML_ELIMIT;
        b->sub = BL_WHILE;
        b->start = vm->pc;
        b->end = cur.end;
        b->t0 = plat_now_ns();
        struct item *c2 = push_item(vm, IT_OP);
        if (!c2)
            return AML_ELIMIT;
        c2->op = OP_WHILE_COND;
        c2->sig = "T";
        c2->want = true;
        c2->start = vm->pc;
        return 0;
    }
    case 0xA4: /* Return */
        res = aml_obj_ref(a[0]);
        if (res->type == AML_REFERENCE && ((struct aml_ref *)res->priv)->kind == REF_SLOT) {
            aml_obj_unref(res);
            return aml_error(AML_ETYPE, "Return of a transient reference");
        }
        if (!vm->fr->method) {
            aml_obj_unref(res);
            return aml_error(AML_EINVAL, "Return outside a method");
        }
        return frame_exit(vm, res);
    case 0xA5:   /* Break */
    case 0x9F: { /* Continue */
        vm->nitems--;
        while (vm->nitems && top(vm)->kind == IT_BLOCK && top(vm)->sub != BL_WHILE &&
               top(vm)->sub != BL_METHOD)
            vm->nitems--;
        struct item *w = top(vm);
        if (w->kind != IT_BLOCK || w->sub != BL_WHILE)
            return aml_error(AML_EINVAL, "%s outside a While loop", cur.op == 0xA5 ? "Break" : "Continue");
        if (cur.op == 0xA5) {
            vm->pc = w->end;
            vm->nitems--;
            return 0;
        }
        vm->pc = w->end; /* block_end re-evaluates the predicate */
        return 0;
    }
    case 0x5B21:
    case 0x5B22: /* Stall (us) Sleep (ms) */
        if ((err = int_of(a[0], &x)))
            return err;
        if (cur.op == 0x5B21)
            busy_wait_ns(vm, (x > 100 ? 100 : x) * 1000);
        else
            busy_wait_ns(vm, (x > 10 ? 10 : x) * 1000000ull);
        return finish(vm, &cur, NULL);
    case 0x5B23:
    case 0x5B27: { /* Acquire Release */
        struct aml_ref *r = a[0]->priv;
        struct aml_obj *mo = r->kind == REF_NODE ? a[0]->u.node->obj : NULL;
        if (!mo || mo->type != AML_MUTEX || !mo->priv)
            return aml_error(AML_ETYPE, "%s needs a mutex", cur.op == 0x5B23 ? "Acquire" : "Release");
        struct aml_mutex *mx = mo->priv;
        if (cur.op == 0x5B23) {
            if (mx->depth && mx->owner != vm->id) {
                /* held by another (outer) evaluation: a single CPU cannot wait for it */
                busy_wait_ns(vm, cur.imm[0] >= 0xffff ? 0 : cur.imm[0] * 1000000ull);
                return finish(vm, &cur, aml_obj_integer(aml_ones()));
            }
            if (!mx->depth) {
                if (vm->nheld >= 16)
                    return aml_error(AML_ELIMIT, "more than 16 mutexes held");
                vm->held[vm->nheld].mutex = aml_obj_ref(mo);
                vm->held[vm->nheld].depth = vm->depth;
                vm->nheld++;
                mx->owner = vm->id;
            }
            mx->depth++;
            return finish(vm, &cur, aml_obj_integer(0));
        }
        if (!mx->depth || mx->owner != vm->id)
            return aml_error(AML_EMUTEX, "Release of %s, which is not held", a[0]->u.node->sname);
        if (--mx->depth == 0) {
            mx->owner = 0;
            for (unsigned i = vm->nheld; i-- > 0;) {
                if (vm->held[i].mutex != mo)
                    continue;
                aml_obj_unref(mo);
                memmove(&vm->held[i], &vm->held[i + 1], (vm->nheld - i - 1) * sizeof vm->held[0]);
                vm->nheld--;
                break;
            }
        }
        return finish(vm, &cur, NULL);
    }
    case 0x5B24:
    case 0x5B25:
    case 0x5B26: { /* Signal Wait Reset */
        struct aml_ref *r = a[0]->priv;
        struct aml_obj *eo = r->kind == REF_NODE ? a[0]->u.node->obj : NULL;
        if (!eo || eo->type != AML_EVENT || !eo->priv)
            return aml_error(AML_ETYPE, "Signal/Wait/Reset needs an event");
        struct aml_mutex *ev = eo->priv;
        if (cur.op == 0x5B24) {
            ev->depth++;
        } else if (cur.op == 0x5B26) {
            ev->depth = 0;
        } else {
            if ((err = int_of(a[1], &x)))
                return err;
            if (ev->depth) {
                ev->depth--;
                return finish(vm, &cur, aml_obj_integer(0));
            }
            busy_wait_ns(vm, x >= 0xffff ? 0 : (x > 10 ? 10 : x) * 1000000ull);
            return finish(vm, &cur, aml_obj_integer(aml_ones()));
        }
        return finish(vm, &cur, NULL);
    }
    case 0x5B32: /* Fatal */
        return aml_error(AML_EFATAL, "Fatal(type 0x%llx, code 0x%llx)", (unsigned long long)cur.imm[0],
                         (unsigned long long)cur.imm[1]);
    }
    return aml_error(AML_ENOTSUP, "unsupported opcode 0x%X", cur.op);
}

/* ---- the loop ------------------------------------------------------------------------------- */

/* A block's term list is finished (pc reached its end). */
static int block_end(struct vm *vm, struct item *it)
{
    int err;
    switch (it->sub) {
    case BL_METHOD:
        return frame_exit(vm, NULL);
    case BL_WHILE: {
        uint64_t now = plat_now_ns();
        if (now - it->t0 > aml_limits.loop_timeout_ns)
            return aml_error(AML_ELIMIT, "While loop ran longer than %llu ms",
                             (unsigned long long)(aml_limits.loop_timeout_ns / 1000000));
        if (now > vm->deadline)
            return aml_error(AML_ELIMIT, "evaluation time limit reached");
        vm->pc = it->start;
        struct item *c = push_item(vm, IT_OP);
        if (!c)
            return AML_ELIMIT;
        c->op = OP_WHILE_COND;
        c->sig = "T";
        c->want = true;
        c->start = vm->pc;
        return 0;
    }
    case BL_IF:
        vm->nitems--;
        /* skip a following Else */
        if (vm->pc < top(vm)->end && *vm->pc == 0xA1) {
            const uint8_t *e;
            vm->pc++;
            if ((err = parse_pkglen(vm, &e)))
                return err;
            vm->pc = e;
        }
        return 0;
    default:
        vm->nitems--;
        return 0;
    }
}

/* Parse the next operand of OP item it. */
static int next_operand(struct vm *vm, struct item *it)
{
    char k = it->sig[it->argi];
    int err;
    switch (k) {
    case 'T':
        it->argi++;
        return begin_term(vm, true, 0);
    case 'S':
    case 'C':
    case 'R':
        it->argi++;
        return begin_target(vm, k);
    case 'E':
        if (vm->pc >= it->end) {
            it->argi++;
            return 0;
        }
        return begin_term(vm, true, 'E');
    case 'N':
        if (it->nnames >= 2)
            return aml_error(AML_EINVAL, "internal: too many names");
        it->argi++;
        return aml_parse_name(&vm->pc, it->end, &it->names[it->nnames++]);
    case 'b':
    case 'w':
    case 'd': {
        unsigned n = k == 'b' ? 1 : k == 'w' ? 2 : 4;
        if ((err = need(vm, n)))
            return err;
        uint64_t x = 0;
        for (unsigned i = 0; i < n; i++)
            x |= (uint64_t)vm->pc[i] << (8 * i);
        vm->pc += n;
        it->imm[it->nimm++ & 3] = x;
        it->argi++;
        return 0;
    }
    case 'p': {
        const uint8_t *e;
        if ((err = parse_pkglen(vm, &e)))
            return err;
        it->end = e;
        it->argi++;
        return 0;
    }
    }
    return aml_error(AML_EINVAL, "internal: bad signature");
}

/* Run until the item stack is empty. On error everything is unwound and freed. */
static int run(struct vm *vm)
{
    int err = 0;
    while (vm->nitems) {
        struct item *it = top(vm);
        if ((++vm->steps & 0xfff) == 0 && plat_now_ns() > vm->deadline) {
            err = aml_error(AML_ELIMIT, "evaluation time limit reached");
            break;
        }
        if (it->kind == IT_BLOCK) {
            if (vm->pc >= it->end)
                err = block_end(vm, it);
            else
                err = begin_term(vm, false, 0);
        } else if (it->kind == IT_OP) {
            if (it->sig[it->argi] == 0)
                err = exec_op(vm, it);
            else
                err = next_operand(vm, it);
        } else {
            err = aml_error(AML_EINVAL, "internal: frame on top");
        }
        if (err)
            break;
    }
    if (err) {
        /* unwind: free operands, frames (locals, args, method-local names, mutexes) */
        pop_ops_to(vm, 0);
        while (vm->nitems) {
            struct item *it = top(vm);
            vm->nitems--;
            if (it->kind == IT_FRAME) {
                vm->fr = it->fr->prev;
                frame_free(vm, it->fr);
                vm->depth--;
            }
        }
    }
    return err;
}

static void vm_init(struct vm *vm, const uint8_t *base)
{
    memset(vm, 0, sizeof *vm);
    vm->code_base = base;
    vm->id = ++aml_eval_id;
    vm->deadline = plat_now_ns() + aml_limits.eval_timeout_ns;
}

static void vm_fini(struct vm *vm)
{
    pop_ops_to(vm, 0);
    while (vm->nheld) {
        struct held_mutex *h = &vm->held[--vm->nheld];
        struct aml_mutex *mx = h->mutex->priv;
        if (mx) {
            mx->depth = 0;
            mx->owner = 0;
        }
        aml_obj_unref(h->mutex);
    }
    aml_free(vm->items);
    aml_free(vm->ops);
}

static int native_osi(struct aml_obj *arg, struct aml_obj **result)
{
    static const char *const known[] = {
        "Windows 2000",     "Windows 2001",
        "Windows 2001 SP1", "Windows 2001.1",
        "Windows 2001 SP2", "Windows 2001.1 SP1",
        "Windows 2006",     "Windows 2006.1",
        "Windows 2006 SP1", "Windows 2006 SP2",
        "Windows 2009",     "Windows 2012",
        "Windows 2013",     "Windows 2015",
        "Windows 2016",     "Windows 2017",
        "Windows 2017.2",   "Windows 2018",
        "Windows 2018.2",   "Windows 2019",
        "Windows 2020",     "Extended Address Space Descriptor",
    };
    uint64_t v = 0;
    if (!arg || arg->type != AML_STRING)
        return aml_error(AML_ETYPE, "_OSI needs a string");
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i]) == arg->u.str.len && !memcmp(known[i], arg->u.str.ptr, arg->u.str.len))
            v = aml_ones();
    *result = aml_obj_integer(v);
    return *result ? 0 : AML_ENOMEM;
}

/* Run method with argc args (references taken); *result gets the return value or NULL. */
int aml_exec_method(struct aml_node *node, int argc, struct aml_obj **args, struct aml_obj **result)
{
    struct aml_method *m = node->obj->priv;
    *result = NULL;
    if (argc > 7)
        argc = 7;
    if (!m->code) {
        int err = native_osi(argc ? args[0] : NULL, result);
        for (int i = 0; i < argc; i++)
            aml_obj_unref(args[i]);
        return err;
    }
    struct vm vm;
    vm_init(&vm, m->code);
    int err = call_method(&vm, node, argc, args, true);
    if (!err)
        err = run(&vm);
    if (!err)
        *result = vm.result;
    else
        aml_obj_unref(vm.result);
    vm_fini(&vm);
    return err;
}

/* Execute a table's top-level term list (code, len) in the root scope. */
int aml_exec_load(const uint8_t *code, uint32_t len)
{
    struct vm vm;
    vm_init(&vm, code - 36);
    vm.deadline = plat_now_ns() + aml_limits.eval_timeout_ns;
    struct frame *fr = aml_alloc(sizeof *fr);
    if (!fr)
        return aml_error(AML_ENOMEM, "out of memory");
    struct item *it = push_item(&vm, IT_FRAME);
    int err = AML_ELIMIT;
    if (it) {
        it->fr = fr;
        it->scope = aml_root;
        it->end = code + len;
        vm.fr = fr;
        struct item *b = push_item(&vm, IT_BLOCK);
        if (b) {
            b->sub = BL_METHOD;
            b->scope = aml_root;
            b->end = code + len;
            vm.pc = code;
            err = run(&vm);
        }
    } else {
        aml_free(fr);
    }
    aml_obj_unref(vm.result);
    vm_fini(&vm);
    return err;
}
