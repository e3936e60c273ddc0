/* aml_op_ref.c - operators on references and objects: RefOf, CondRefOf, DerefOf, Index, SizeOf,
 * ObjectType, Store, CopyObject. */
#include "drivers/acpi/aml/aml_vm.h"

/* Store / CopyObject(value, target): the value */
int aml_op_store(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    int err = 0;
    if ((err = aml_store(vm, a[0], a[1], cur->op == 0x9D)))
        return err;
    return vm_finish(vm, cur, aml_obj_ref(a[0]));
}

/* RefOf(name) / CondRefOf(name, target) */
int aml_op_refof(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct aml_obj *res = NULL;
    int err = 0;
    struct aml_ref *r = a[0]->priv;
    if (r->kind == REF_NULL)
        return vm_finish(vm, cur, aml_obj_integer(0));
    if (r->kind == REF_SLOT) {
        res = aml_local_ref(a[0]); /* the variable itself, not its current value */
        if (!res)
            return AML_ENOMEM;
    } else if (r->kind == REF_NODE) {
        res = aml_node_ref(a[0]->u.node);
    } else {
        res = aml_obj_ref(a[0]);
    }
    if (cur->op == 0x71)
        return vm_finish(vm, cur, res);
    err = aml_store(vm, res, a[1], false);
    aml_obj_unref(res);
    if (err)
        return err;
    return vm_finish(vm, cur, aml_obj_integer(aml_ones()));
}

/* DerefOf(reference or path string): the referenced value */
int aml_op_derefof(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct aml_obj *res = NULL;
    int err = 0;
    struct aml_node *nd;
    if (a[0]->type == AML_REFERENCE && cur->as_target) {
        res = aml_obj_ref(a[0]); /* Store(x, DerefOf(ref)): the target is the referent */
    } else if (a[0]->type == AML_REFERENCE) {
        if ((err = aml_deref(a[0], &res)))
            return err;
    } else if (a[0]->type == AML_STRING) {
        nd = aml_find(cur->scope, a[0]->u.str.ptr);
        if (!nd)
            return aml_error(AML_ENOENT, "DerefOf: %s not found", a[0]->u.str.ptr);
        if ((err = aml_node_value(nd, &res)))
            return err;
    } else {
        return aml_error(AML_ETYPE, "DerefOf needs a reference");
    }
    return vm_finish(vm, cur, res);
}

/* Index(pkg/buffer/string, i, target): an index reference */
int aml_op_index(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    struct aml_obj *src = a[0];
    if ((err = aml_int_of(a[1], &x)))
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
        if ((err = aml_store(vm, res, a[2], false))) {
            aml_obj_unref(res);
            return err;
        }
    }
    return vm_finish(vm, cur, res);
}

/* SizeOf(string/buffer/package) */
int aml_op_sizeof(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    struct aml_obj *v = aml_ref_target(a[0]);
    struct aml_obj *tmp = NULL;
    if (v && v->type == AML_REFERENCE && v->priv && aml_ref_target(v)) /* an Arg holding RefOf(x) */
        v = aml_ref_target(v);
    if (!v || v->type == AML_REFERENCE) {
        if ((err = aml_deref(a[0], &tmp)))
            return err;
        v = tmp;
    }
    if (v->type == AML_STRING)
        x = v->u.str.len;
    else if (v->type == AML_BUFFER)
        x = v->u.buf.len;
    else if (v->type == AML_PACKAGE)
        x = v->u.pkg.count;
    else if (v->type == AML_INTEGER) /* ACPICA: the integer width in bytes */
        x = aml_int_bits / 8;
    else
        err = aml_error(AML_ETYPE, "SizeOf of an object of type %d", v->type);
    aml_obj_unref(tmp);
    if (err)
        return err;
    return vm_finish(vm, cur, aml_obj_integer(x));
}

/* ObjectType(name): the ACPI type number */
int aml_op_objecttype(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    struct aml_ref *r = a[0]->type == AML_REFERENCE ? a[0]->priv : NULL;
    struct aml_obj *v = aml_ref_target(a[0]);
    if (!r) {
        x = v->type;
    } else if (r->kind == REF_INDEX) {
        struct aml_obj *t = r->target;
        struct aml_obj *e = t->type == AML_PACKAGE && r->index < t->u.pkg.count
                                ? aml_elem_value(t->u.pkg.elems[r->index])
                                : NULL;
        if (e && e->type == AML_REFERENCE && e->priv) /* a stored reference: its referent's type */
            e = aml_ref_target(e);
        x = t->type != AML_PACKAGE ? AML_BUFFER_FIELD : e ? e->type : 0;
    } else if (r->kind == REF_DEBUG) {
        x = AML_DEBUG;
    } else if (v && v->type == AML_REFERENCE && v->priv) {
        /* a local/arg/name holding a reference: the referent's type (ACPICA) */
        struct aml_ref *vr = v->priv;
        struct aml_obj *t = aml_ref_target(v);
        x = vr->kind == REF_INDEX   ? (vr->target->type == AML_PACKAGE ? AML_PACKAGE : AML_BUFFER_FIELD)
            : vr->kind == REF_DEBUG ? AML_DEBUG
            : t                     ? t->type
                                    : 0;
        if (vr->kind == REF_INDEX && vr->target->type == AML_PACKAGE && vr->index < vr->target->u.pkg.count) {
            struct aml_obj *e = aml_elem_value(vr->target->u.pkg.elems[vr->index]);
            x = e ? e->type : 0;
        }
    } else {
        x = v ? v->type : 0;
    }
    if (x == AML_SCOPE)
        x = 0;
    if (x == AML_REFERENCE)
        x = 0x14; /* ACPICA reports references as type 0x14 */
    return vm_finish(vm, cur, aml_obj_integer(x));
}
