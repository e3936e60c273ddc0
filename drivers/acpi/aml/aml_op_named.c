/* aml_op_named.c - operators that create named objects: Name, Alias, Scope, Device, Processor,
 * PowerResource, ThermalZone, Method, Mutex, Event, OperationRegion, Create*Field. */
#include "drivers/acpi/aml/aml_vm.h"

/* Name(name, value) */
int aml_op_name(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    int err = 0;
    struct aml_node *nd;
    struct aml_obj *v = a[0];
    if (v->refs > 1 || v->type == AML_REFERENCE) {
        if ((err = aml_obj_copy(v, &v)))
            return err;
    } else {
        aml_obj_ref(v);
    }
    if ((err = vm_create_named(vm, cur->scope, &cur->names[0], v, &nd)) < 0)
        return err;
    return vm_finish(vm, cur, NULL);
}

/* Alias(source, alias) */
int aml_op_alias(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    int err = 0;
    struct aml_node *nd;
    struct aml_node *src = aml_resolve(cur->scope, &cur->names[0]);
    if (!src) {
        /* like ACPICA: the alias name exists, unresolved (CondRefOf sees it, reading it fails) */
        vm_create_named(vm, cur->scope, &cur->names[1], aml_obj_new(AML_UNINIT), &nd);
        char buf[96];
        aml_name_str(&cur->names[0], buf, sizeof buf);
        return aml_error(AML_ENOENT, "Alias source %s not found", buf);
    }
    if ((err = vm_create_named(vm, cur->scope, &cur->names[1], aml_obj_ref(src->obj), &nd)) < 0)
        return err;
    return vm_finish(vm, cur, NULL);
}

/* Scope / Device / Processor / PowerResource / ThermalZone: (create and) enter the body */
int aml_op_scope(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    int err = 0;
    struct aml_node *nd;
    vm->nitems--;
    vm_pop_to(vm, cur->opbase);
    if (cur->op == 0x10) {
        nd = aml_resolve(cur->scope, &cur->names[0]);
        if (!nd) {
            char buf[96];
            aml_name_str(&cur->names[0], buf, sizeof buf);
            return aml_error(AML_ENOENT, "Scope(%s): no such scope", buf);
        }
    } else {
        uint8_t t = cur->op == 0x5B82   ? AML_DEVICE
                    : cur->op == 0x5B83 ? AML_PROCESSOR
                    : cur->op == 0x5B84 ? AML_POWER_RES
                                        : AML_THERMAL;
        struct aml_obj *o = aml_obj_new(t);
        if (o && t == AML_PROCESSOR)
            o->u.ival = cur->imm[0]; /* processor id */
        if ((err = vm_create_named(vm, cur->scope, &cur->names[0], o, &nd)) < 0)
            return err;
        if (err) { /* a duplicate at load: the first object stays, this body is not run */
            vm->pc = cur->end;
            return 0;
        }
    }
    struct item *b = vm_push_item(vm, IT_BLOCK);
    if (!b)
        return AML_ELIMIT;
    b->sub = BL_SCOPE;
    b->scope = nd;
    b->end = cur->end;
    return 0;
}

/* Method(name, flags): the body is recorded, not run */
int aml_op_method(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    int err = 0;
    struct aml_node *nd;
    struct aml_obj *o = aml_obj_new(AML_METHOD);
    struct aml_method *m = o ? aml_alloc(sizeof *m) : NULL;
    if (!m) {
        aml_obj_unref(o);
        return aml_error(AML_ENOMEM, "out of memory");
    }
    m->table = vm->code_base;
    m->code = vm->pc;
    m->len = (uint32_t)(cur->end - vm->pc);
    m->flags = (uint8_t)cur->imm[0];
    o->priv = m;
    vm->pc = cur->end;
    if ((err = vm_create_named(vm, cur->scope, &cur->names[0], o, &nd)) < 0)
        return err;
    return vm_finish(vm, cur, NULL);
}

/* Mutex(name, sync) / Event(name) */
int aml_op_sync_obj(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    int err = 0;
    struct aml_node *nd;
    struct aml_obj *o = aml_obj_new(cur->op == 0x5B01 ? AML_MUTEX : AML_EVENT);
    struct aml_mutex *mx = o ? aml_alloc(sizeof *mx) : NULL;
    if (!mx) {
        aml_obj_unref(o);
        return aml_error(AML_ENOMEM, "out of memory");
    }
    mx->sync = (uint8_t)(cur->imm[0] & 15);
    o->priv = mx;
    if ((err = vm_create_named(vm, cur->scope, &cur->names[0], o, &nd)) < 0)
        return err;
    return vm_finish(vm, cur, NULL);
}

/* OperationRegion(name, space, offset, length) */
int aml_op_region(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0, y = 0;
    int err = 0;
    struct aml_node *nd;
    if ((err = aml_int_of(a[0], &x)) || (err = aml_int_of(a[1], &y)))
        return err;
    struct aml_obj *o = aml_obj_new(AML_REGION);
    struct aml_region *rg = o ? aml_alloc(sizeof *rg) : NULL;
    if (!rg) {
        aml_obj_unref(o);
        return aml_error(AML_ENOMEM, "out of memory");
    }
    rg->space = (uint8_t)cur->imm[0];
    rg->base = x;
    rg->len = y;
    rg->node = cur->scope;
    o->priv = rg;
    if ((err = vm_create_named(vm, cur->scope, &cur->names[0], o, &nd)) < 0)
        return err;
    if (!err && aml_owner && !vm->fr->method) /* a table's region: _REG runs when the load ends */
        aml_table_note_region(nd);
    return vm_finish(vm, cur, NULL);
}

/* CreateBit/Byte/Word/DWord/QWordField, CreateField over a buffer */
int aml_op_create_field(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    struct aml_node *nd;
    struct aml_obj *src = a[0];
    if (src->type != AML_BUFFER)
        return aml_error(AML_ETYPE, "Create*Field on an object of type %d", src->type);
    if ((err = aml_int_of(a[1], &x)))
        return err;
    uint64_t bits;
    switch (cur->op) {
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
        if ((err = aml_int_of(a[2], &bits)))
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
    bf->always_buffer = cur->op == 0x5B13; /* ACPICA: CreateField fields read as buffers */
    o->priv = bf;
    if ((err = vm_create_named(vm, cur->scope, &cur->names[0], o, &nd)) < 0)
        return err;
    return vm_finish(vm, cur, NULL);
}
