/* aml_op_field.c - Field, IndexField and BankField declarations (the field list parser). */
#include "drivers/acpi/aml/aml_vm.h"

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
                if ((err = vm_need(vm, 4)))
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
            if ((err = vm_need(vm, 1)))
                return err;
            uint8_t lead = *vm->pc;
            unsigned n = lead >> 6;
            if ((err = vm_need(vm, 1 + n)))
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
                if ((err = vm_create_named(vm, cur->scope, &nm, o, &nd)) < 0)
                    return err;
            }
            if ((uint64_t)bit + len > 0xffffffffull)
                return aml_error(AML_EINVAL, "field offset overflow");
            bit += len;
        } else if (b == 0x01) {
            if ((err = vm_need(vm, 3)))
                return err;
            flags = (uint8_t)((flags & 0xf0) | (vm->pc[1] & 0x0f));
            proto->attrib = vm->pc[2];
            vm->pc += 3;
        } else if (b == 0x03) {
            if ((err = vm_need(vm, 4)))
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

/* Field / IndexField / BankField: create the field units of the list */
int aml_op_field(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    int err = 0;
    struct aml_field proto;
    memset(&proto, 0, sizeof proto);
    struct aml_node *n0 = aml_resolve(cur->scope, &cur->names[0]);
    struct aml_node *n1 = cur->op != 0x5B81 ? aml_resolve(cur->scope, &cur->names[1]) : NULL;
    if (!n0 || (cur->op != 0x5B81 && !n1)) {
        char buf[96];
        aml_name_str(&cur->names[n0 ? 1 : 0], buf, sizeof buf);
        return aml_error(AML_ENOENT, "field declaration: %s not found", buf);
    }
    if (cur->op == 0x5B81) {
        proto.kind = FIELD_NORMAL;
        proto.region = n0;
        proto.flags = (uint8_t)cur->imm[0];
        if (n0->obj->type != AML_REGION)
            return aml_error(AML_ETYPE, "Field: %s is not an operation region", n0->sname);
    } else if (cur->op == 0x5B86) {
        proto.kind = FIELD_INDEX;
        proto.index = n0;
        proto.data = n1;
        proto.flags = (uint8_t)cur->imm[0];
        if (n0->obj->type != AML_FIELD_UNIT || n1->obj->type != AML_FIELD_UNIT)
            return aml_error(AML_ETYPE, "IndexField: index and data must be fields");
    } else {
        proto.kind = FIELD_BANK;
        proto.region = n0;
        proto.bank = n1;
        if ((err = aml_int_of(a[0], &proto.bank_value)))
            return err;
        proto.flags = (uint8_t)cur->imm[0];
        if (n0->obj->type != AML_REGION || n1->obj->type != AML_FIELD_UNIT)
            return aml_error(AML_ETYPE, "BankField: bad region or bank field");
    }
    if ((err = parse_field_list(vm, cur, &proto)))
        return err;
    vm->pc = cur->end;
    return vm_finish(vm, cur, NULL);
}
