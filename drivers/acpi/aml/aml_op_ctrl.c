/* aml_op_ctrl.c - control flow: method calls, If/Else, While, Break/Continue, Return, Notify, Fatal,
 * Noop. */
#include "drivers/acpi/aml/aml_vm.h"

/* a method call with its parsed arguments (native _OSI runs here) */
int aml_op_call(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint32_t na = vm->nops - cur->opbase;
    struct aml_obj *res = NULL;
    int err = 0;
    struct aml_obj *args[7];
    for (uint32_t i = 0; i < na && i < 7; i++)
        args[i] = a[i];
    vm->nops = cur->opbase;
    vm->nitems--;
    struct aml_method *m = cur->callee->obj->priv;
    if (!m->code) {
        err = aml_native_osi(na ? args[0] : NULL, &res);
        for (uint32_t i = 0; i < na; i++)
            aml_obj_unref(args[i]);
        if (err)
            return err;
        if (cur->want)
            return vm_push(vm, res);
        aml_obj_unref(res);
        return 0;
    }
    return vm_call(vm, cur->callee, (int)na, args, cur->want);
}

/* The integer value of a predicate operator (If, While) that is then popped with its operand. */
static int take_predicate(struct vm *vm, struct item *cur, struct aml_obj **a, uint64_t *x)
{
    int err = aml_int_of(a[0], x);
    if (err)
        return err;
    vm->nitems--;
    vm_pop_to(vm, cur->opbase);
    return 0;
}

/* a While predicate: enter the body or leave the loop */
int aml_op_while_cond(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    if ((err = take_predicate(vm, cur, a, &x)))
        return err;
    if (!x) {
        vm->pc = vm_top(vm)->end;
        vm->nitems--;
    }
    return 0;
}

/* If(predicate): enter the body, or the Else that follows */
int aml_op_if(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    if ((err = take_predicate(vm, cur, a, &x)))
        return err;
    if (x) {
        struct item *b = vm_push_item(vm, IT_BLOCK);
        if (!b)
            return AML_ELIMIT;
        b->sub = BL_IF;
        b->end = cur->end;
        return 0;
    }
    vm->pc = cur->end;
    if (vm->pc < vm_top(vm)->end && *vm->pc == 0xA1) {
        const uint8_t *e;
        vm->pc++;
        if ((err = vm_pkglen(vm, &e)))
            return err;
        struct item *b = vm_push_item(vm, IT_BLOCK);
        if (!b)
            return AML_ELIMIT;
        b->sub = BL_ELSE;
        b->end = e;
    }
    return 0;
}

/* an Else without an If: skipped */
int aml_op_else(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    vm->pc = cur->end;
    return vm_finish(vm, cur, NULL);
}

/* While: a loop block and its first predicate */
int aml_op_while(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    vm->nitems--;
    struct item *b = vm_push_item(vm, IT_BLOCK);
    if (!b)
        return AML_ELIMIT;
    b->sub = BL_WHILE;
    b->start = vm->pc;
    b->end = cur->end;
    b->t0 = plat_now_ns();
    return vm_push_while_cond(vm);
}

/* Return(value) from the current method */
int aml_op_return(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)cur;
    struct aml_obj *res = NULL;
    res = aml_obj_ref(a[0]);
    if (res->type == AML_REFERENCE && ((struct aml_ref *)res->priv)->kind == REF_SLOT) {
        aml_obj_unref(res);
        return aml_error(AML_ETYPE, "Return of a transient reference");
    }
    if (!vm->fr->method) {
        aml_obj_unref(res);
        return aml_error(AML_EINVAL, "Return outside a method");
    }
    return vm_frame_exit(vm, res);
}

/* Break / Continue in the innermost While */
int aml_op_break(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    vm->nitems--;
    while (vm->nitems && vm_top(vm)->kind == IT_BLOCK && vm_top(vm)->sub != BL_WHILE &&
           vm_top(vm)->sub != BL_METHOD)
        vm->nitems--;
    struct item *w = vm_top(vm);
    if (w->kind != IT_BLOCK || w->sub != BL_WHILE)
        return aml_error(AML_EINVAL, "%s outside a While loop", cur->op == 0xA5 ? "Break" : "Continue");
    if (cur->op == 0xA5) {
        vm->pc = w->end;
        vm->nitems--;
        return 0;
    }
    vm->pc = w->end; /* block_end re-evaluates the predicate */
    return 0;
}

/* External / Noop / BreakPoint: nothing */
int aml_op_nop(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    return vm_finish(vm, cur, NULL);
}

/* Notify(device, value): queued, delivered after the evaluation */
int aml_op_notify(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    struct aml_node *n = aml_target_node(a[0]);
    if (!n)
        return aml_error(AML_ETYPE, "Notify needs a device");
    uint8_t t = n->obj->type;
    if (t != AML_DEVICE && t != AML_PROCESSOR && t != AML_THERMAL && t != AML_POWER_RES)
        return aml_error(AML_ETYPE, "Notify on %s, which is not a device", n->sname);
    if ((err = aml_int_of(a[1], &x)))
        return err;
    aml_notify_queue(n, (uint32_t)x);
    return vm_finish(vm, cur, NULL);
}

/* Fatal(type, code, arg): ends the evaluation with an error */
int aml_op_fatal(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    (void)a;
    (void)vm;
    return aml_error(AML_EFATAL, "Fatal(type 0x%llx, code 0x%llx)", (unsigned long long)cur->imm[0],
                     (unsigned long long)cur->imm[1]);
}

int aml_native_osi(struct aml_obj *arg, struct aml_obj **result)
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
