/* aml_op_sync.c - time and synchronisation: Stall, Sleep, Acquire, Release, Signal, Wait, Reset. */
#include "drivers/acpi/aml/aml_vm.h"

static void vm_busy_wait(struct vm *vm, uint64_t ns)
{
    uint64_t t = plat_now_ns(), end = t + ns;
    if (end > vm->deadline)
        end = vm->deadline;
    while (plat_now_ns() < end)
        ;
}

void (*aml_sleep_fn)(uint64_t ns);

/* Stall(us) / Sleep(ms), bounded by the evaluation deadline */
int aml_op_stall_sleep(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    if ((err = aml_int_of(a[0], &x)))
        return err;
    if (cur->op == 0x5B21)
        vm_busy_wait(vm, (x > 100 ? 100 : x) * 1000);
    else if (!aml_sleep_fn)
        vm_busy_wait(vm, (x > 10 ? 10 : x) * 1000000ull);
    else if (plat_now_ns() < vm->deadline) { /* the whole time, up to the evaluation's limit */
        uint64_t left = vm->deadline - plat_now_ns();
        aml_sleep_fn(x > left / 1000000 ? left : x * 1000000ull);
    }
    return vm_finish(vm, cur, NULL);
}

/* Acquire(mutex, timeout) / Release(mutex) */
int aml_op_mutex(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct aml_node *n = aml_target_node(a[0]);
    struct aml_obj *mo = n ? n->obj : NULL;
    if (!mo || mo->type != AML_MUTEX || !mo->priv)
        return aml_error(AML_ETYPE, "%s needs a mutex", cur->op == 0x5B23 ? "Acquire" : "Release");
    struct aml_mutex *mx = mo->priv;
    if (cur->op == 0x5B23) {
        if (mx->depth && mx->owner != vm->id) {
            /* held by another (outer) evaluation: a single CPU cannot wait for it */
            vm_busy_wait(vm, cur->imm[0] >= 0xffff ? 0 : cur->imm[0] * 1000000ull);
            return vm_finish(vm, cur, aml_obj_integer(aml_ones()));
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
        return vm_finish(vm, cur, aml_obj_integer(0));
    }
    if (!mx->depth || mx->owner != vm->id)
        return aml_error(AML_EMUTEX, "Release of %s, which is not held", n->sname);
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
    return vm_finish(vm, cur, NULL);
}

/* Signal / Wait(event, timeout) / Reset */
int aml_op_event(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    uint64_t x = 0;
    int err = 0;
    struct aml_node *n = aml_target_node(a[0]);
    struct aml_obj *eo = n ? n->obj : NULL;
    if (!eo || eo->type != AML_EVENT || !eo->priv)
        return aml_error(AML_ETYPE, "Signal/Wait/Reset needs an event");
    struct aml_mutex *ev = eo->priv;
    if (cur->op == 0x5B24) {
        ev->depth++;
    } else if (cur->op == 0x5B26) {
        ev->depth = 0;
    } else {
        if ((err = aml_int_of(a[1], &x)))
            return err;
        if (ev->depth) {
            ev->depth--;
            return vm_finish(vm, cur, aml_obj_integer(0));
        }
        vm_busy_wait(vm, x >= 0xffff ? 0 : (x > 10 ? 10 : x) * 1000000ull);
        return vm_finish(vm, cur, aml_obj_integer(aml_ones()));
    }
    return vm_finish(vm, cur, NULL);
}
