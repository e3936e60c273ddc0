/* aml_op_logic.c - logical operators and comparisons (LAnd LOr LNot LEqual LGreater LLess, Match). */
#include "drivers/acpi/aml/aml_vm.h"

/* Compare a and b as LEqual/LGreater/LLess do: by a's type. *cmp <0, 0, >0. */
int aml_compare(struct aml_obj *a, struct aml_obj *b, int *cmp)
{
    int err;
    if (a->type == AML_INTEGER) {
        uint64_t y;
        if ((err = aml_int_of(b, &y)))
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

/* LAnd / LOr: Ones or Zero */
int aml_op_land_lor(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0, y = 0;
    int err = 0;
    if ((err = aml_int_of(a[0], &x)) || (err = aml_int_of(a[1], &y)))
        return err;
    x = cur->op == 0x90 ? (x && y) : (x || y);
    return vm_finish(vm, cur, aml_obj_integer(x ? aml_ones() : 0));
}

/* LNot: Ones or Zero */
int aml_op_lnot(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    if ((err = aml_int_of(a[0], &x)))
        return err;
    return vm_finish(vm, cur, aml_obj_integer(x ? 0 : aml_ones()));
}

/* LEqual LGreater LLess (by the first operand's type): Ones or Zero */
int aml_op_lcompare(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0, c;
    if ((err = aml_compare(a[0], a[1], &c)))
        return err;
    x = cur->op == 0x93 ? c == 0 : cur->op == 0x94 ? c > 0 : c < 0;
    return vm_finish(vm, cur, aml_obj_integer(x ? aml_ones() : 0));
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
    /* the element is converted to the match value's type (ACPI 19.6.80); one that does not convert
     * does not match. c compares v with e, so the relations are reversed. */
    if ((err = aml_compare(v, e, &c))) {
        *ok = false;
        return 0;
    }
    *ok = (mop == 1 && c == 0) || (mop == 2 && c >= 0) || (mop == 3 && c > 0) || (mop == 4 && c <= 0) ||
          (mop == 5 && c < 0);
    return 0;
}

/* Match(pkg, op1, v1, op2, v2, start): the first matching index or Ones */
int aml_op_match(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    if (a[0]->type != AML_PACKAGE)
        return aml_error(AML_ETYPE, "Match needs a package");
    if ((err = aml_int_of(a[3], &x)))
        return err;
    res = NULL;
    for (uint64_t i = x; i < a[0]->u.pkg.count; i++) {
        struct aml_obj *e = aml_elem_value(a[0]->u.pkg.elems[i]);
        bool ok1, ok2;
        if (!e)
            continue;
        if ((err = match_one((int)cur->imm[0], e, a[1], &ok1)) ||
            (err = match_one((int)cur->imm[1], e, a[2], &ok2)))
            return err;
        if (ok1 && ok2) {
            res = aml_obj_integer(i);
            break;
        }
    }
    return vm_finish(vm, cur, res ? res : aml_obj_integer(aml_ones()));
}
