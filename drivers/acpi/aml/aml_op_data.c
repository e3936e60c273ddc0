/* aml_op_data.c - operators building data objects: Buffer, Package, Concatenate, conversions, Mid. */
#include "drivers/acpi/aml/aml_vm.h"

#include <stdio.h>

/* Whether o is Integer, String or Buffer data. */
static bool is_data(const struct aml_obj *o)
{
    return o->type == AML_INTEGER || o->type == AML_STRING || o->type == AML_BUFFER;
}

/* ACPICA's text for an operand that has no data value: "[Package Object]", "[Device Object]"... */
static struct aml_obj *type_text(struct aml_obj *o)
{
    static const char *const names[] = {"Untyped",   "Integer",    "String",    "Buffer",  "Package",
                                        "FieldUnit", "Device",     "Event",     "Method",  "Mutex",
                                        "OpRegion",  "Power",      "Processor", "Thermal", "BufferField",
                                        "DdbHandle", "DebugObject"};
    struct aml_obj *t = o->type == AML_REFERENCE ? aml_ref_target(o) : o;
    char buf[32];
    snprintf(buf, sizeof buf, "[%s Object]", t && t->type <= 16 ? names[t->type] : "Reference");
    return aml_str_new(buf, (uint32_t)strlen(buf));
}

/* Concatenate(a, b) by a's type; an operand without a data value (a Package, a Device...) is its
 * type text, as ACPICA does (so a debug Printf of any object works). */
static int concat(struct aml_obj *a, struct aml_obj *b, struct aml_obj **out)
{
    int err;
    struct aml_obj *x = NULL, *y = NULL;
    if (!is_data(a)) {
        if (!(x = type_text(a)))
            return AML_ENOMEM;
        err = concat(x, b, out); /* one level: x is a String */
        aml_obj_unref(x);
        return err;
    }
    if (a->type == AML_STRING) {
        if (!is_data(b))
            y = type_text(b);
        else if ((err = aml_to_str(b, &y, 0)))
            return err;
        if (!y)
            return AML_ENOMEM;
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
        if ((err = aml_int_of(b, &v)))
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

/* Concatenate / ConcatenateResTemplate -> target */
int aml_op_concat(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct aml_obj *res = NULL;
    int err = 0;
    if (cur->op == 0x73) {
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
    return vm_finish_store(vm, cur, res, a[2]);
}

/* ToBuffer ToDecimalString ToHexString ToInteger -> target */
int aml_op_convert(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    if (cur->op == 0x96) {
        err = aml_to_buf(a[0], &res);
    } else if (cur->op == 0x99) {
        if (!(err = aml_to_int(a[0], &x, false)))
            res = aml_obj_integer(x);
    } else if (a[0]->type == AML_STRING) {
        res = aml_obj_ref(a[0]);
    } else {
        err = aml_to_str(a[0], &res, cur->op == 0x97 ? 'd' : 'x');
    }
    if (err)
        return err;
    return vm_finish_store(vm, cur, res, a[1]);
}

/* ToString(buffer, length) -> target */
int aml_op_tostring(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    struct aml_obj *b; /* the source as a buffer: Integer and String sources are converted */
    if (a[0]->type == AML_STRING)
        b = aml_buf_new((const uint8_t *)a[0]->u.str.ptr, a[0]->u.str.len);
    else if ((err = aml_to_buf(a[0], &b)))
        return err;
    if (!b)
        return AML_ENOMEM;
    if ((err = aml_int_of(a[1], &x))) {
        aml_obj_unref(b);
        return err;
    }
    uint32_t n = 0;
    while (n < b->u.buf.len && b->u.buf.ptr[n] && n < x)
        n++;
    res = aml_str_new((const char *)b->u.buf.ptr, n);
    aml_obj_unref(b);
    return vm_finish_store(vm, cur, res, a[2]);
}

/* Mid(string or buffer, index, length) -> target */
int aml_op_mid(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0, y = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    if ((err = aml_int_of(a[1], &x)) || (err = aml_int_of(a[2], &y)))
        return err;
    struct aml_obj *src = a[0]; /* an Integer source is taken as its buffer */
    if (src->type == AML_INTEGER && (err = aml_to_buf(a[0], &src)))
        return err;
    if (src->type == AML_STRING || src->type == AML_BUFFER) {
        bool s = src->type == AML_STRING;
        uint32_t len = s ? src->u.str.len : src->u.buf.len;
        const uint8_t *p = s ? (const uint8_t *)src->u.str.ptr : src->u.buf.ptr;
        if (x > len)
            x = len;
        if (y > len - x)
            y = len - x;
        res = s ? aml_str_new((const char *)p + x, (uint32_t)y) : aml_buf_new(p + x, (uint32_t)y);
    } else {
        err = aml_error(AML_ETYPE, "Mid needs a string, buffer or integer");
    }
    if (src != a[0])
        aml_obj_unref(src);
    return err ? err : vm_finish_store(vm, cur, res, a[3]);
}

/* Buffer(size) {init bytes}: a new buffer, the body skipped */
int aml_op_buffer(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    if ((err = aml_int_of(a[0], &x)))
        return err;
    uint64_t init = (uint64_t)(cur->end - vm->pc);
    uint64_t len = x > init ? x : init;
    if (len > aml_limits.max_object)
        return aml_error(AML_ENOMEM, "Buffer of %llu bytes exceeds the object limit",
                         (unsigned long long)len);
    res = aml_buf_new(NULL, (uint32_t)len);
    if (!res)
        return AML_ENOMEM;
    memcpy(res->u.buf.ptr, vm->pc, (size_t)init);
    vm->pc = cur->end;
    return vm_finish(vm, cur, res);
}

/* Package / VarPackage from the parsed elements */
int aml_op_package(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint32_t na = vm->nops - cur->opbase;
    uint64_t x = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    uint32_t first = 0;
    if (cur->op == 0x12) {
        x = cur->imm[0];
    } else {
        if ((err = aml_int_of(a[0], &x)))
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
        uint8_t k = e->type == AML_REFERENCE ? ((struct aml_ref *)e->priv)->kind : REF_NODE;
        if (k != REF_NODE && k != REF_PATH && k != REF_LOCAL) {
            aml_obj_unref(res);
            return aml_error(AML_ETYPE, "bad package element");
        }
        res->u.pkg.elems[i] = aml_obj_ref(e);
    }
    return vm_finish(vm, cur, res);
}
