/* aml_load.c - running a definition block's top-level terms, robustly: one failing statement (a
 * division by zero, an undefined name, a Scope or Alias to a missing path, an unsupported opcode)
 * is logged with its table offset, counted, and skipped; the statements after it still load.
 */
#include "drivers/acpi/aml/aml_vm.h"

/* Statements nested deeper than this cannot be skipped precisely: the rest of their block is. */
#define SKIP_MAX_DEPTH 64

static const uint8_t *skip_term(struct vm *vm, const uint8_t *p, const uint8_t *end, struct aml_node *scope,
                                int depth, bool target);

/* The end of the PkgLength at p (p + its value), or NULL if it is malformed or passes end. */
static const uint8_t *skip_pkg(const uint8_t *p, const uint8_t *end)
{
    if (p >= end)
        return NULL;
    unsigned n = *p >> 6;
    if ((size_t)(end - p) < 1 + n)
        return NULL;
    uint32_t len = n ? (*p & 0x0fu) : (*p & 0x3fu);
    for (unsigned i = 0; i < n; i++)
        len |= (uint32_t)p[1 + i] << (4 + 8 * i);
    return len < 1 + n || len > (size_t)(end - p) ? NULL : p + len;
}

/* Skip the operands of an operator whose signature is sig, starting at p. NULL if malformed. */
static const uint8_t *skip_operands(struct vm *vm, const char *sig, const uint8_t *p, const uint8_t *end,
                                    struct aml_node *scope, int depth)
{
    struct aml_name nm;
    for (; *sig && p; sig++) {
        switch (*sig) {
        case 'p':
            return skip_pkg(p, end); /* the package holds every other operand */
        case 'T':
            p = skip_term(vm, p, end, scope, depth + 1, false);
            break;
        case 'S':
        case 'C':
        case 'R':
            p = skip_term(vm, p, end, scope, depth + 1, true);
            break;
        case 'N':
            p = aml_parse_name(&p, end, &nm) ? NULL : p;
            break;
        default: { /* b w d */
            size_t n = *sig == 'b' ? 1 : *sig == 'w' ? 2 : 4;
            p = (size_t)(end - p) < n ? NULL : p + n;
        }
        }
    }
    return p;
}

/* The end of the term at p without running it (a name resolving to a method takes its arguments;
 * target: a name is never a call). NULL if it cannot be parsed. */
static const uint8_t *skip_term(struct vm *vm, const uint8_t *p, const uint8_t *end, struct aml_node *scope,
                                int depth, bool target)
{
    static const uint8_t imm_len[16] = {[0x0A] = 2, [0x0B] = 3, [0x0C] = 5, [0x0E] = 9};
    if (p >= end || depth > SKIP_MAX_DEPTH)
        return NULL;
    uint8_t b = *p;
    if (b == 0x00 || b == 0x01 || b == 0xFF || (b >= 0x60 && b <= 0x6E))
        return p + 1;
    if (b < 16 && imm_len[b])
        return (size_t)(end - p) < imm_len[b] ? NULL : p + imm_len[b];
    if (b == 0x0D) {
        while (p < end && *p)
            p++;
        return p < end ? p + 1 : NULL;
    }
    if (b == '\\' || b == '^' || b == 0x2E || b == 0x2F || (b >= 'A' && b <= 'Z') || b == '_') {
        struct aml_name nm;
        if (aml_parse_name(&p, end, &nm))
            return NULL;
        struct aml_node *n = target ? NULL : aml_resolve(scope, &nm);
        if (!n || n->obj->type != AML_METHOD)
            return p;
        static const char *const args = "TTTTTTT";
        return skip_operands(vm, args + 7 - (((struct aml_method *)n->obj->priv)->flags & 7), p, end, scope,
                             depth);
    }
    if (b == 0x5B) {
        if (end - p < 2)
            return NULL;
        if (p[1] == 0x30 || p[1] == 0x31 || p[1] == 0x33)
            return p + 2;
        const struct opinfo *oi = vm_op_info(0x5B00 | p[1]);
        return oi->name ? skip_operands(vm, oi->sig, p + 2, end, scope, depth) : NULL;
    }
    const struct opinfo *oi = vm_op_info(b);
    return oi->name ? skip_operands(vm, oi->sig, p + 1, end, scope, depth) : NULL;
}

int vm_recover(struct vm *vm, int err)
{
    /* the innermost block of the table's own code (below any method frame a statement called) */
    uint32_t b = 0;
    for (uint32_t i = 1; i < vm->nitems && vm->items[i].kind != IT_FRAME; i++)
        if (vm->items[i].kind == IT_BLOCK)
            b = i;
    if (!b || !vm->items[b].stmt)
        return err;
    vm_unwind_to(vm, b + 1);
    struct item *blk = &vm->items[b];
    vm_pop_to(vm, blk->opbase);
    vm->stmt_errors++;
    if (!vm->first_error)
        vm->first_error = err;
    if (err == AML_ENOENT && (blk->sub == BL_IF || blk->sub == BL_WHILE)) {
        /* like ACPICA: a name that does not resolve inside a module-level If or While skips the
         * rest of that block (a While is left) */
        plat_log(LOG_ERR, AML_TAG, "table offset 0x%lx: %s: the rest of the If/While block skipped",
                 (unsigned long)(blk->stmt - vm->code_base), aml_last_error());
        vm->pc = blk->end;
        if (blk->sub == BL_WHILE)
            vm->nitems--;
        else
            blk->stmt = NULL;
        return 0;
    }
    const uint8_t *next = skip_term(vm, blk->stmt, blk->end, blk->scope, 0, false);
    plat_log(LOG_ERR, AML_TAG, "table offset 0x%lx: %s: statement skipped%s",
             (unsigned long)(blk->stmt - vm->code_base), aml_last_error(),
             next ? "" : " with the rest of its block");
    vm->pc = next && next > blk->stmt ? next : blk->end;
    blk->stmt = NULL;
    return 0;
}

int aml_exec_load(const uint8_t *table, uint32_t len, unsigned *errors)
{
    struct vm vm;
    vm_init(&vm, table);
    vm.loading = true;
    struct frame *fr = aml_alloc(sizeof *fr);
    if (!fr)
        return aml_error(AML_ENOMEM, "out of memory");
    fr->refs = 1;
    struct item *it = vm_push_item(&vm, IT_FRAME);
    int err = AML_ELIMIT;
    if (it) {
        it->fr = fr;
        it->scope = aml_root;
        it->end = table + len;
        vm.fr = fr;
        struct item *b = vm_push_item(&vm, IT_BLOCK);
        if (b) {
            b->sub = BL_METHOD;
            b->scope = aml_root;
            b->end = table + len;
            vm.pc = table + 36;
            err = vm_run(&vm);
        }
    } else {
        aml_free(fr);
    }
    aml_obj_unref(vm.result);
    vm_fini(&vm);
    *errors = vm.stmt_errors + (err != 0);
    return err ? err : vm.first_error;
}
