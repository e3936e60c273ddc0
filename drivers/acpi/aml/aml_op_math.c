/* aml_op_math.c - integer arithmetic and bit operators (Add ... Xor, Divide, Not, FindSet*Bit, BCD,
 * Increment/Decrement). Each handler runs one parsed operator (see aml_vm.h).
 */
#include "drivers/acpi/aml/aml_vm.h"

/* Add Subtract Multiply ShiftLeft ShiftRight And Nand Or Nor Xor Mod: (int, int) -> target */
int aml_op_binary(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0, y = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    if ((err = aml_int_of(a[0], &x)) || (err = aml_int_of(a[1], &y)))
        return err;
    switch (cur->op) {
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
    return vm_finish_store(vm, cur, res, a[2]);
}

/* Divide(dividend, divisor, remainder target, quotient target) */
int aml_op_divide(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0, y = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    if ((err = aml_int_of(a[0], &x)) || (err = aml_int_of(a[1], &y)))
        return err;
    if (!y)
        return aml_error(AML_EDIVZERO, "Divide by zero");
    {
        struct aml_obj *rem = aml_obj_integer(x % y);
        res = aml_obj_integer(x / y);
        err = aml_store_result(vm, rem, a[2]);
        if (!err)
            err = aml_store_result(vm, res, a[3]);
        aml_obj_unref(rem);
        if (err) {
            aml_obj_unref(res);
            return err;
        }
    }
    return vm_finish(vm, cur, res);
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

/* Not FindSetLeftBit FindSetRightBit FromBCD ToBCD: (int) -> target */
int aml_op_unary(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0, y = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    if ((err = aml_int_of(a[0], &x)))
        return err;
    if (cur->op == 0x80) {
        x = ~x;
    } else if (cur->op == 0x81) {
        y = 0;
        for (unsigned i = 0; i < aml_int_bits; i++)
            if (x >> i & 1)
                y = i + 1;
        x = y;
    } else if (cur->op == 0x82) {
        y = 0;
        for (unsigned i = aml_int_bits; i > 0; i--)
            if (x >> (i - 1) & 1)
                y = i;
        x = y;
    } else if (cur->op == 0x5B28) {
        x = bcd_from(x);
    } else {
        x = bcd_to(x);
    }
    res = aml_obj_integer(aml_trunc(x));
    return vm_finish_store(vm, cur, res, a[1]);
}

/* Increment / Decrement a SuperName in place */
int aml_op_incdec(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    struct aml_obj *res = NULL;
    int err = 0;
    struct aml_obj *v;
    if ((err = aml_deref(a[0], &v)))
        return err;
    err = aml_int_of(v, &x);
    aml_obj_unref(v);
    if (err)
        return err;
    res = aml_obj_integer(aml_trunc(cur->op == 0x75 ? x + 1 : x - 1));
    return vm_finish_store(vm, cur, res, a[0]);
}
