/* aml_exec.c - the AML interpreter's loop: one loop over an explicit stack (struct vm, see aml_vm.h),
 * never recursing on AML nesting. It parses terms and operands; when an operator's operands are all
 * parsed, the operator's handler (the opcode tables below; aml_op_*.c by operator class) runs it.
 */
#include "drivers/acpi/aml/aml_vm.h"

#include <stdio.h>

unsigned aml_int_bits = 64;
uint32_t aml_eval_id;

static const char *const argsig = "TTTTTTT";

static const struct opinfo ops1[256] = {
    [0x06] = {"Alias", "NN", aml_op_alias},
    [0x08] = {"Name", "NT", aml_op_name},
    [0x10] = {"Scope", "pN", aml_op_scope},
    [0x11] = {"Buffer", "pT", aml_op_buffer},
    [0x12] = {"Package", "pbE", aml_op_package},
    [0x13] = {"VarPackage", "pTE", aml_op_package},
    [0x14] = {"Method", "pNb", aml_op_method},
    [0x15] = {"External", "Nbb", aml_op_nop},
    [0x70] = {"Store", "TS", aml_op_store},
    [0x71] = {"RefOf", "S", aml_op_refof},
    [0x72] = {"Add", "TTR", aml_op_binary},
    [0x73] = {"Concatenate", "TTR", aml_op_concat},
    [0x74] = {"Subtract", "TTR", aml_op_binary},
    [0x75] = {"Increment", "S", aml_op_incdec},
    [0x76] = {"Decrement", "S", aml_op_incdec},
    [0x77] = {"Multiply", "TTR", aml_op_binary},
    [0x78] = {"Divide", "TTRR", aml_op_divide},
    [0x79] = {"ShiftLeft", "TTR", aml_op_binary},
    [0x7A] = {"ShiftRight", "TTR", aml_op_binary},
    [0x7B] = {"And", "TTR", aml_op_binary},
    [0x7C] = {"Nand", "TTR", aml_op_binary},
    [0x7D] = {"Or", "TTR", aml_op_binary},
    [0x7E] = {"Nor", "TTR", aml_op_binary},
    [0x7F] = {"Xor", "TTR", aml_op_binary},
    [0x80] = {"Not", "TR", aml_op_unary},
    [0x81] = {"FindSetLeftBit", "TR", aml_op_unary},
    [0x82] = {"FindSetRightBit", "TR", aml_op_unary},
    [0x83] = {"DerefOf", "T", aml_op_derefof},
    [0x84] = {"ConcatenateResTemplate", "TTR", aml_op_concat},
    [0x85] = {"Mod", "TTR", aml_op_binary},
    [0x86] = {"Notify", "ST", aml_op_notify},
    [0x87] = {"SizeOf", "S", aml_op_sizeof},
    [0x88] = {"Index", "TTR", aml_op_index},
    [0x89] = {"Match", "TbTbTT", aml_op_match},
    [0x8A] = {"CreateDWordField", "TTN", aml_op_create_field},
    [0x8B] = {"CreateWordField", "TTN", aml_op_create_field},
    [0x8C] = {"CreateByteField", "TTN", aml_op_create_field},
    [0x8D] = {"CreateBitField", "TTN", aml_op_create_field},
    [0x8E] = {"ObjectType", "S", aml_op_objecttype},
    [0x8F] = {"CreateQWordField", "TTN", aml_op_create_field},
    [0x90] = {"LAnd", "TT", aml_op_land_lor},
    [0x91] = {"LOr", "TT", aml_op_land_lor},
    [0x92] = {"LNot", "T", aml_op_lnot},
    [0x93] = {"LEqual", "TT", aml_op_lcompare},
    [0x94] = {"LGreater", "TT", aml_op_lcompare},
    [0x95] = {"LLess", "TT", aml_op_lcompare},
    [0x96] = {"ToBuffer", "TR", aml_op_convert},
    [0x97] = {"ToDecimalString", "TR", aml_op_convert},
    [0x98] = {"ToHexString", "TR", aml_op_convert},
    [0x99] = {"ToInteger", "TR", aml_op_convert},
    [0x9C] = {"ToString", "TTR", aml_op_tostring},
    [0x9D] = {"CopyObject", "TS", aml_op_store},
    [0x9E] = {"Mid", "TTTR", aml_op_mid},
    [0x9F] = {"Continue", "", aml_op_break},
    [0xA0] = {"If", "pT", aml_op_if},
    [0xA1] = {"Else", "p", aml_op_else},
    [0xA2] = {"While", "p", aml_op_while},
    [0xA3] = {"Noop", "", aml_op_nop},
    [0xA4] = {"Return", "T", aml_op_return},
    [0xA5] = {"Break", "", aml_op_break},
    [0xCC] = {"BreakPoint", "", aml_op_nop},
};

static const struct opinfo ops2[256] = {
    [0x01] = {"Mutex", "Nb", aml_op_sync_obj},
    [0x02] = {"Event", "N", aml_op_sync_obj},
    [0x12] = {"CondRefOf", "CR", aml_op_refof},
    [0x13] = {"CreateField", "TTTN", aml_op_create_field},
    [0x1F] = {"LoadTable", "TTTTTT", aml_op_loadtable},
    [0x20] = {"Load", "NR", aml_op_load},
    [0x21] = {"Stall", "T", aml_op_stall_sleep},
    [0x22] = {"Sleep", "T", aml_op_stall_sleep},
    [0x23] = {"Acquire", "Sw", aml_op_mutex},
    [0x24] = {"Signal", "S", aml_op_event},
    [0x25] = {"Wait", "ST", aml_op_event},
    [0x26] = {"Reset", "S", aml_op_event},
    [0x27] = {"Release", "S", aml_op_mutex},
    [0x28] = {"FromBCD", "TR", aml_op_unary},
    [0x29] = {"ToBCD", "TR", aml_op_unary},
    [0x2A] = {"Unload", "S", aml_op_unload},
    [0x32] = {"Fatal", "bdT", aml_op_fatal},
    [0x80] = {"OperationRegion", "NbTT", aml_op_region},
    [0x81] = {"Field", "pNb", aml_op_field},
    [0x82] = {"Device", "pN", aml_op_scope},
    [0x83] = {"Processor", "pNbdb", aml_op_scope},
    [0x84] = {"PowerResource", "pNbw", aml_op_scope},
    [0x85] = {"ThermalZone", "pN", aml_op_scope},
    [0x86] = {"IndexField", "pNNb", aml_op_field},
    [0x87] = {"BankField", "pNNTb", aml_op_field},
    [0x88] = {"DataTableRegion", "NTTT", aml_op_data_region},
};

/* ---- stacks ------------------------------------------------------------------------------ */

/* Push a new item inheriting scope and end from the current top. NULL on limit. */
struct item *vm_push_item(struct vm *vm, uint8_t kind)
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
int vm_push(struct vm *vm, struct aml_obj *obj)
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

/* ---- frames ------------------------------------------------------------------------------ */

void aml_frame_put(void *frame)
{
    struct frame *fr = frame;
    if (--fr->refs == 0)
        aml_free(fr);
}

/* Free a frame's locals, args and method-local names; the struct goes with its last reference. */
static void frame_free(struct vm *vm, struct frame *fr)
{
    fr->dead = true;
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
    aml_frame_put(fr);
}

/* Start executing method node with args (references taken over). */
int vm_call(struct vm *vm, struct aml_node *node, int argc, struct aml_obj **args, bool want)
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
    fr->refs = 1;
    fr->method = node;
    fr->m = m;
    fr->ret_pc = vm->pc;
    fr->ret_base = vm->code_base;
    fr->want = want;
    fr->prev = vm->fr;
    if (m->flags & 8)
        m->busy++;
    struct item *it = vm_push_item(vm, IT_FRAME);
    if (!it) {
        frame_free(vm, fr);
        return AML_ELIMIT;
    }
    it->fr = fr;
    vm->fr = fr;
    vm->code_base = m->table;
    vm->depth++;
    struct item *b = vm_push_item(vm, IT_BLOCK);
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
int vm_frame_exit(struct vm *vm, struct aml_obj *result)
{
    while (vm->nitems && vm_top(vm)->kind != IT_FRAME)
        vm->nitems--;
    if (!vm->nitems) {
        aml_obj_unref(result);
        return aml_error(AML_EINVAL, "return outside a method");
    }
    struct item *it = vm_top(vm);
    vm_pop_to(vm, it->opbase);
    struct frame *fr = it->fr;
    vm->nitems--;
    bool want = fr->want;
    vm->pc = fr->ret_pc;
    vm->code_base = fr->ret_base;
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
    return vm_push(vm, result ? result : aml_obj_integer(0));
}

/* ---- reading AML ---------------------------------------------------------------------------- */

int vm_need(struct vm *vm, size_t n)
{
    const uint8_t *end = vm_top(vm)->end;
    if (vm->pc > end || (size_t)(end - vm->pc) < n)
        return aml_error(AML_EINVAL, "AML ends inside an operator (offset 0x%lx)",
                         (unsigned long)(vm->pc - vm->code_base));
    return 0;
}

/* Parse a PkgLength at pc; *end = its start + length, checked against the current bound. */
int vm_pkglen(struct vm *vm, const uint8_t **endp)
{
    const uint8_t *start = vm->pc;
    int err = vm_need(vm, 1);
    if (err)
        return err;
    uint8_t lead = *vm->pc;
    unsigned n = lead >> 6;
    err = vm_need(vm, 1 + n);
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
    const uint8_t *end = vm_top(vm)->end;
    if (len < 1 + n || len > (size_t)(end - start))
        return aml_error(AML_EINVAL, "PkgLength 0x%x past the enclosing end (offset 0x%lx)", len,
                         (unsigned long)(start - vm->code_base));
    *endp = start + len;
    return 0;
}

/* ---- term parsing ---------------------------------------------------------------------------- */

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
    case 0x5B20:
    case 0x5B2A:
    case 0x5B88:
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
    struct item *it = vm_push_item(vm, IT_OP);
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

/* *v = a REF_PATH element for the NameString [p, end) (not defined yet) in scope. */
static int path_ref(struct aml_node *scope, const uint8_t *p, const uint8_t *end, struct aml_obj **v)
{
    *v = aml_reference(REF_PATH);
    if (!*v)
        return aml_error(AML_ENOMEM, "out of memory");
    ((struct aml_ref *)(*v)->priv)->path = p;
    ((struct aml_ref *)(*v)->priv)->index = (uint32_t)(end - p);
    (*v)->u.node = scope;
    aml_node_get(scope);
    return 0;
}

/* A NameString term at pc: a method call (an OP item is pushed, *v stays NULL), nothing (a statement
 * naming a non-method), or the named object's value in *v. mode 'E': a package element (names are
 * not invoked; unresolved names become strings). */
static int begin_name(struct vm *vm, bool want, int mode, struct aml_obj **v)
{
    const uint8_t *p = vm->pc;
    struct aml_name nm;
    int err;
    if ((err = aml_parse_name(&vm->pc, vm_top(vm)->end, &nm)))
        return err;
    struct aml_node *n = aml_resolve(vm_top(vm)->scope, &nm);
    if (!n) {
        char buf[96];
        aml_name_str(&nm, buf, sizeof buf);
        if (mode == 'E') /* maybe defined later: looked up when the element is read */
            return path_ref(vm_top(vm)->scope, p, vm->pc, v);
        return aml_error(AML_ENOENT, "undefined name %s at offset 0x%lx", buf,
                         (unsigned long)(p - vm->code_base));
    }
    if (mode == 'E') {
        /* like ACPICA: fields resolve to their value now; other names stay references, read when
         * the element is (DerefOf, Match, or the package leaving the interpreter): a Store to the
         * name later is seen through the package */
        uint8_t t = n->obj->type;
        if (t == AML_FIELD_UNIT || t == AML_BUFFER_FIELD)
            return aml_node_value(n, v);
        *v = aml_node_ref(n);
        if (*v)
            ((struct aml_ref *)(*v)->priv)->index = 1; /* written as a name in the package */
        return *v ? 0 : aml_error(AML_ENOMEM, "out of memory");
    }
    if (n->obj->type == AML_METHOD) {
        struct aml_method *m = n->obj->priv;
        struct item *it = vm_push_item(vm, IT_OP);
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
    return aml_node_value(n, v);
}

/* Parse the next term at pc. want: its value is an operand (pushed); otherwise a statement.
 * mode 'E': a package element (names are not invoked; unresolved names become strings). */
static int begin_term(struct vm *vm, bool want, int mode)
{
    int err = vm_need(vm, 1);
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
        if ((err = vm_need(vm, 1 + n)))
            return err;
        uint64_t x = 0;
        for (unsigned i = 0; i < n; i++)
            x |= (uint64_t)p[1 + i] << (8 * i);
        vm->pc += 1 + n;
        v = aml_obj_integer(aml_trunc(x));
        break;
    }
    case 0x0D: {
        const uint8_t *end = vm_top(vm)->end, *s = p + 1;
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
        if ((err = vm_need(vm, 2)))
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
            if ((err = begin_name(vm, want, mode, &v)) || !v)
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
    return vm_push(vm, v);
}

/* Parse a SuperName / Target operand: pushes a reference (REF_NULL for a NullName target;
 * for kind 'C' also when the name does not exist). */
static int begin_target(struct vm *vm, char kind)
{
    int err = vm_need(vm, 1);
    if (err)
        return err;
    const uint8_t *p = vm->pc;
    uint8_t b = *p;
    struct frame *fr = vm->fr;
    if (b == 0x00) {
        if (kind != 'R')
            return aml_error(AML_EINVAL, "NullName where a name is required");
        vm->pc++;
        return vm_push(vm, aml_reference(REF_NULL));
    }
    if (b >= 0x60 && b <= 0x67) {
        vm->pc++;
        return vm_push(vm, aml_slot_ref(&fr->locals[b - 0x60], false, fr));
    }
    if (b >= 0x68 && b <= 0x6E) {
        vm->pc++;
        return vm_push(vm, aml_slot_ref(&fr->args[b - 0x68], true, fr));
    }
    if (b == 0x5B) {
        if ((err = vm_need(vm, 2)))
            return err;
        if (p[1] == 0x31) {
            vm->pc += 2;
            return vm_push(vm, aml_reference(REF_DEBUG));
        }
        return aml_error(AML_EINVAL, "bad target opcode 0x5B 0x%02X", p[1]);
    }
    if (b == 0x88 || b == 0x83 || b == 0x71) {
        int e = begin_term(vm, true, 0);
        if (!e && b == 0x83)
            vm_top(vm)->as_target = true;
        return e;
    }
    if (b == '\\' || b == '^' || b == 0x2E || b == 0x2F || (b >= 'A' && b <= 'Z') || b == '_') {
        struct aml_name nm;
        if ((err = aml_parse_name(&vm->pc, vm_top(vm)->end, &nm)))
            return err;
        struct aml_node *n = aml_resolve(vm_top(vm)->scope, &nm);
        if (!n) {
            if (kind == 'C')
                return vm_push(vm, aml_reference(REF_NULL));
            char buf[96];
            aml_name_str(&nm, buf, sizeof buf);
            return aml_error(AML_ENOENT, "undefined name %s at offset 0x%lx", buf,
                             (unsigned long)(p - vm->code_base));
        }
        return vm_push(vm, aml_node_ref(n));
    }
    return aml_error(AML_EINVAL, "bad target opcode 0x%02X at offset 0x%lx", b,
                     (unsigned long)(p - vm->code_base));
}

/* Create a named object for the running code: at load, duplicates are logged and skipped
 * (returns 1, *out = the existing node); in a method, names go on the frame's temp list. */
/* The table offset of the statement being run (for messages). */
static unsigned long stmt_offset(struct vm *vm)
{
    for (uint32_t i = vm->nitems; i-- > 0;)
        if (vm->items[i].kind == IT_BLOCK && vm->items[i].stmt)
            return (unsigned long)(vm->items[i].stmt - vm->code_base);
    return (unsigned long)(vm->pc - vm->code_base);
}

int vm_create_named(struct vm *vm, struct aml_node *scope, const struct aml_name *nm, struct aml_obj *obj,
                    struct aml_node **out)
{
    int err = aml_create(scope, nm, obj, out);
    if (err == AML_EEXIST && !vm->fr->method) {
        char buf[96];
        aml_name_str(nm, buf, sizeof buf);
        plat_log(LOG_WARN, AML_TAG, "table offset 0x%lx: duplicate name %s skipped (the first stays)",
                 stmt_offset(vm), buf);
        vm->stmt_errors++;
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

/* Pop the finished OP item (and its operands), then push res if wanted. */
int vm_finish(struct vm *vm, struct item *cur, struct aml_obj *res)
{
    vm->nitems--;
    vm_pop_to(vm, cur->opbase);
    if (cur->want)
        return vm_push(vm, res ? res : aml_obj_integer(0));
    aml_obj_unref(res);
    return 0;
}

/* Store res (NULL: out of memory) into target, then finish cur with it as the value. On error
 * res is released. */
int vm_finish_store(struct vm *vm, struct item *cur, struct aml_obj *res, struct aml_obj *target)
{
    int err = aml_store_result(vm, res, target);
    if (err) {
        aml_obj_unref(res);
        return err;
    }
    return vm_finish(vm, cur, res);
}

/* ---- operators ------------------------------------------------------------------------------ */

static const struct opinfo op_call = {"call", NULL, aml_op_call};
static const struct opinfo op_while_cond = {"While", "T", aml_op_while_cond};

/* The table entry of opcode op (a one-byte, 0x5B-prefixed or pseudo opcode). */
const struct opinfo *vm_op_info(uint32_t op)
{
    if (op < 0x100)
        return &ops1[op];
    if (op < 0x10000)
        return &ops2[op & 0xff];
    return op == OP_CALL ? &op_call : &op_while_cond;
}

/* Check that exactly the operands of OP item cur are on the stack, with references where its
 * signature wants a name (a SuperName such as DerefOf(...) may yield a plain value: only SizeOf and
 * ObjectType can use one, they look at the object itself; elsewhere it is an error, not a crash). */
static int check_operands(struct vm *vm, const struct item *cur)
{
    struct aml_obj **a = vm->ops ? &vm->ops[cur->opbase] : NULL;
    uint32_t na = vm->nops - cur->opbase;
    uint32_t expect = 0;
    bool var = false;
    for (const char *k = cur->sig; *k; k++) {
        if ((*k == 'S' || *k == 'C' || *k == 'R') && expect < na && cur->op != 0x87 && cur->op != 0x8E &&
            (a[expect]->type != AML_REFERENCE || !a[expect]->priv))
            return aml_error(AML_ETYPE, "operand %u of opcode 0x%X must be a name or reference", expect + 1,
                             cur->op);
        if (*k == 'T' || *k == 'S' || *k == 'C' || *k == 'R')
            expect++;
        var |= *k == 'E';
    }
    if (var ? na < expect : na != expect)
        return aml_error(AML_EINVAL, "internal: operand count mismatch for opcode 0x%X", cur->op);
    return 0;
}

/* Execute the operator on top of the item stack: all its operands are parsed. */
static int exec_op(struct vm *vm, struct item *itp)
{
    struct item cur = *itp; /* itp may move when items are pushed */
    int err = check_operands(vm, &cur);
    if (err)
        return err;
    return vm_op_info(cur.op)->exec(vm, &cur, vm->ops ? &vm->ops[cur.opbase] : NULL);
}

/* ---- the loop ------------------------------------------------------------------------------- */

/* Push the evaluation of a While predicate at pc. */
int vm_push_while_cond(struct vm *vm)
{
    struct item *c = vm_push_item(vm, IT_OP);
    if (!c)
        return AML_ELIMIT;
    c->op = OP_WHILE_COND;
    c->sig = "T";
    c->want = true;
    c->start = vm->pc;
    return 0;
}

/* A block's term list is finished (pc reached its end). */
static int block_end(struct vm *vm, struct item *it)
{
    int err;
    switch (it->sub) {
    case BL_METHOD:
        return vm_frame_exit(vm, NULL);
    case BL_WHILE: {
        uint64_t now = plat_now_ns();
        if (now - it->t0 > aml_limits.loop_timeout_ns)
            return aml_error(AML_ELIMIT, "While loop ran longer than %llu ms",
                             (unsigned long long)(aml_limits.loop_timeout_ns / 1000000));
        if (now > vm->deadline)
            return aml_error(AML_ELIMIT, "evaluation time limit reached");
        vm->pc = it->start;
        return vm_push_while_cond(vm);
    }
    case BL_IF:
        vm->nitems--;
        /* skip a following Else */
        if (vm->pc < vm_top(vm)->end && *vm->pc == 0xA1) {
            const uint8_t *e;
            vm->pc++;
            if ((err = vm_pkglen(vm, &e)))
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
        if ((err = vm_need(vm, n)))
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
        if ((err = vm_pkglen(vm, &e)))
            return err;
        it->end = e;
        it->argi++;
        return 0;
    }
    }
    return aml_error(AML_EINVAL, "internal: bad signature");
}

/* Run until the item stack is empty. On error everything is unwound and freed. */
int vm_run(struct vm *vm)
{
    int err = 0;
    while (vm->nitems) {
        struct item *it = vm_top(vm);
        if ((++vm->steps & 0xfff) == 0 && plat_now_ns() > vm->deadline) {
            err = aml_error(AML_ELIMIT, "evaluation time limit reached");
            break;
        }
        if (it->kind == IT_BLOCK) {
            if (vm->pc >= it->end) {
                err = block_end(vm, it);
            } else {
                it->stmt = vm->pc;
                err = begin_term(vm, false, 0);
            }
        } else if (it->kind == IT_OP) {
            if (it->sig[it->argi] == 0)
                err = exec_op(vm, it);
            else
                err = next_operand(vm, it);
        } else {
            err = aml_error(AML_EINVAL, "internal: frame on top");
        }
        if (err && vm->loading)
            err = vm_recover(vm, err);
        if (err)
            break;
    }
    if (err) {
        /* unwind: free operands, frames (locals, args, method-local names, mutexes) */
        vm_pop_to(vm, 0);
        vm_unwind_to(vm, 0);
    }
    return err;
}

/* Pop items (freeing frames: locals, args, method-local names, mutexes) until n are left. */
void vm_unwind_to(struct vm *vm, uint32_t n)
{
    while (vm->nitems > n) {
        struct item *it = vm_top(vm);
        vm->nitems--;
        if (it->kind == IT_FRAME) {
            vm->fr = it->fr->prev;
            vm->code_base = it->fr->ret_base;
            frame_free(vm, it->fr);
            vm->depth--;
        }
    }
}

void vm_init(struct vm *vm, const uint8_t *base)
{
    memset(vm, 0, sizeof *vm);
    vm->code_base = base;
    vm->id = ++aml_eval_id;
    vm->deadline = plat_now_ns() + aml_limits.eval_timeout_ns;
}

void vm_fini(struct vm *vm)
{
    vm_pop_to(vm, 0);
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

/* Run method with argc args (references taken); *result gets the return value or NULL. */
int aml_exec_method(struct aml_node *node, int argc, struct aml_obj **args, struct aml_obj **result)
{
    struct aml_method *m = node->obj->priv;
    *result = NULL;
    if (argc > 7)
        argc = 7;
    if (!m->code) {
        int err = aml_native_osi(argc ? args[0] : NULL, result);
        for (int i = 0; i < argc; i++)
            aml_obj_unref(args[i]);
        return err;
    }
    struct vm vm;
    vm_init(&vm, m->table);
    int err = vm_call(&vm, node, argc, args, true);
    if (!err)
        err = vm_run(&vm);
    if (!err && vm.result && vm.result->refs > 1 && vm.result->type != AML_REFERENCE) {
        struct aml_obj *c; /* shared with the namespace: the caller gets a snapshot */
        err = aml_obj_copy(vm.result, &c);
        aml_obj_unref(vm.result);
        vm.result = err ? NULL : c;
    }
    if (!err)
        err = aml_resolve_result(&vm.result, 0);
    if (!err)
        *result = vm.result;
    else
        aml_obj_unref(vm.result);
    vm_fini(&vm);
    return err;
}
