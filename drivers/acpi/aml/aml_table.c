/* aml_table.c - definition blocks at run time: the table registry (every table loaded, and the ones
 * the OS offers for LoadTable/DataTableRegion), Load, LoadTable, Unload and DataTableRegion.
 *
 * Each loaded table has an owner id; every namespace node created while its top-level code runs
 * carries that id, so Unload removes exactly the table's objects (a Scope() it opened in another
 * table's device loses only what it added). Tables loaded by Load are copied into interpreter memory
 * that stays until aml_reset(): method bodies point into it and may still run after an Unload.
 * Invariant: tables[i].owner == i + 1 for registered slots; owner 0 is "no table" (run time).
 */
#include "drivers/acpi/aml/aml_vm.h"

#define MAX_TABLES 64
#define MAX_LOAD_NESTING 4

struct table {
    const uint8_t *t; /* the header; for Load'ed tables, the copy */
    uint32_t len;
    bool copy;   /* t is interpreter memory (freed by aml_table_reset) */
    bool loaded; /* its objects are in the namespace */
};

static struct table tables[MAX_TABLES];
static unsigned ntables;
static unsigned load_nesting;
uint16_t aml_owner; /* the table whose top-level code is running (0: none) */

/* Regions created by the top-level code of the tables being loaded, in creation (namespace) order,
 * each holding a node reference; more than fit are found by a namespace walk instead. */
#define MAX_NEW_REGIONS 64
static struct aml_node *new_regions[MAX_NEW_REGIONS];
static unsigned nnew_regions;
static bool new_regions_lost;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Add a table to the registry; its owner id, or 0 if the registry is full. */
uint16_t aml_table_add(const uint8_t *t, uint32_t len, bool copy, bool loaded)
{
    if (ntables >= MAX_TABLES) {
        aml_error(AML_ENOMEM, "more than %u tables", MAX_TABLES);
        return 0;
    }
    tables[ntables] = (struct table){t, len, copy, loaded};
    return (uint16_t)++ntables;
}

int aml_register_table(const void *table, size_t len)
{
    const uint8_t *t = table;
    if (!t || len < 36 || le32(t + 4) < 36 || le32(t + 4) > len)
        return aml_error(AML_EINVAL, "bad table for the registry");
    return aml_table_add(t, le32(t + 4), false, false) ? 0 : AML_ENOMEM;
}

/* Forget every table (aml_reset). */
void aml_table_reset(void)
{
    for (unsigned i = 0; i < ntables; i++)
        if (tables[i].copy)
            aml_free((void *)tables[i].t);
    ntables = 0;
    aml_owner = 0;
    while (nnew_regions)
        aml_node_put(new_regions[--nnew_regions]);
    new_regions_lost = false;
}

/* Whether a field of the header (size n at off) matches s, padded with NULs ("" matches any). */
static bool hdr_match(const uint8_t *t, unsigned off, unsigned n, const struct aml_obj *s)
{
    if (s->type != AML_STRING || !s->u.str.len)
        return s->type == AML_STRING || !n;
    for (unsigned i = 0; i < n; i++)
        if (t[off + i] != (i < s->u.str.len ? (uint8_t)s->u.str.ptr[i] : 0))
            return false;
    return s->u.str.len <= n;
}

/* The registered table matching signature / OEM id / OEM table id, or NULL. */
static struct table *table_find(struct aml_obj *sig, struct aml_obj *oem, struct aml_obj *oemtab)
{
    for (unsigned i = 0; i < ntables; i++)
        if (hdr_match(tables[i].t, 0, 4, sig) && hdr_match(tables[i].t, 10, 6, oem) &&
            hdr_match(tables[i].t, 16, 8, oemtab))
            return &tables[i];
    return NULL;
}

void aml_table_note_region(struct aml_node *n)
{
    if (nnew_regions == MAX_NEW_REGIONS) {
        new_regions_lost = true;
        return;
    }
    aml_node_get(n);
    new_regions[nnew_regions++] = n;
}

/* Run _REG(space, connect) for region node nd if its state differs. */
static void reg_one(struct aml_node *nd, uint8_t space, bool connect)
{
    struct aml_region *rg = nd->obj->type == AML_REGION ? nd->obj->priv : NULL;
    if (nd->dead || !rg || rg->mem || rg->space != space || rg->reg == connect)
        return;
    rg->reg = connect;
    struct aml_node *m = nd->parent ? aml_find(nd->parent, "_REG") : NULL;
    if (m && m->obj->type == AML_METHOD) {
        uint64_t args[2] = {space, connect};
        aml_eval_args(nd->parent, "_REG", 2, args, NULL);
    }
}

/* Run _REG(space, connect) in the scope of every SystemMemory, SystemIO and PCI_Config region of
 * table id whose state differs, by space then namespace order as ACPICA does: the OS's handlers for
 * these spaces are always there, so regions connect when their table loads and disconnect when it
 * is unloaded. from: the first new_regions[] entry of this load (connect), or -1 to walk the
 * namespace. A failing _REG is logged by aml_eval and does not stop the rest. */
void aml_table_reg(uint16_t id, bool connect, int from)
{
    for (uint8_t space = 0; space <= 2; space++) {
        if (from >= 0) {
            for (unsigned i = (unsigned)from; i < nnew_regions; i++)
                reg_one(new_regions[i], space, connect);
            continue;
        }
        for (struct aml_node *nd = aml_ns_next(NULL); nd; nd = aml_ns_next(nd))
            if (nd->owner == id)
                reg_one(nd, space, connect);
    }
}

/* Run table slot (owner id) into the namespace. 0, or the first failing statement's error. */
int aml_table_load(uint16_t id)
{
    struct table *tb = &tables[id - 1];
    if (load_nesting >= MAX_LOAD_NESTING)
        return aml_error(AML_ELIMIT, "tables loading tables nested deeper than %u", MAX_LOAD_NESTING);
    uint16_t prev = aml_owner;
    unsigned errs = 0, first_region = nnew_regions;
    bool lost = new_regions_lost;
    new_regions_lost = false;
    aml_owner = id;
    load_nesting++;
    int err = aml_exec_load(tb->t, tb->len, &errs);
    load_nesting--;
    aml_owner = prev;
    tb->loaded = true;
    aml_count_load_errors(errs);
    aml_table_reg(id, true, new_regions_lost ? -1 : (int)first_region);
    while (nnew_regions > first_region)
        aml_node_put(new_regions[--nnew_regions]);
    new_regions_lost = lost;
    return err;
}

/* A DDBHandle object for owner id. */
static struct aml_obj *ddb_handle(uint16_t id)
{
    struct aml_obj *h = aml_obj_new(AML_DDB_HANDLE);
    if (h)
        h->u.ival = id;
    return h;
}

/* The bytes Load reads a table from: a Buffer, a field unit (read), or a SystemMemory/table region.
 * *out: a new Buffer. */
static int load_source(struct aml_node *n, struct aml_obj **out)
{
    struct aml_obj *o = n->obj;
    if (o->type == AML_BUFFER || o->type == AML_FIELD_UNIT || o->type == AML_BUFFER_FIELD)
        return aml_node_value(n, out);
    if (o->type != AML_REGION)
        return aml_error(AML_ETYPE, "Load from %s, which is not a region, field or buffer", n->sname);
    struct aml_region *rg = o->priv;
    const uint8_t *p = rg->mem ? rg->mem : rg->space == 0 ? plat_phys_to_virt(rg->base) : NULL;
    if (!p || rg->len < 36 || (!rg->mem && plat_phys_to_virt(rg->base + rg->len - 1) != p + rg->len - 1))
        return aml_error(AML_ERANGE, "Load: region %s is not readable memory", n->sname);
    uint32_t len = le32(p + 4);
    if (len < 36 || len > rg->len)
        return aml_error(AML_EINVAL, "Load: table length %u does not fit region %s", len, n->sname);
    *out = aml_buf_new(p, len);
    return *out ? 0 : AML_ENOMEM;
}

/* Load(source, DDBHandle target): copy the table, run it, store its handle. */
int aml_op_load(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct aml_node *n = aml_resolve(cur->scope, &cur->names[0]);
    struct aml_obj *b = NULL;
    if (!n)
        return aml_error(AML_ENOENT, "Load: source not found");
    int err = load_source(n, &b);
    if (err)
        return err;
    const uint8_t *t = b->u.buf.ptr;
    uint32_t len = b->u.buf.len >= 36 ? le32(t + 4) : 0;
    if (len < 36 || len > b->u.buf.len || (memcmp(t, "SSDT", 4) && memcmp(t, "OEM", 3))) {
        aml_obj_unref(b);
        return aml_error(AML_EINVAL, "Load: not an SSDT/OEMx table (or a bad length)");
    }
    for (unsigned i = 0; i < ntables; i++) {
        if (tables[i].loaded && tables[i].len == len && !memcmp(tables[i].t, t, len)) {
            aml_obj_unref(b);
            return aml_error(AML_EEXIST, "Load: this table is already loaded");
        }
    }
    uint8_t *copy = aml_alloc(len);
    if (copy)
        memcpy(copy, t, len);
    aml_obj_unref(b);
    uint16_t id = copy ? aml_table_add(copy, len, true, false) : 0;
    if (!id) {
        aml_free(copy);
        return aml_error(AML_ENOMEM, "Load: out of memory");
    }
    aml_table_load(id); /* failing statements are logged and counted; the table stays loaded */
    struct aml_obj *h = ddb_handle(id);
    if ((err = aml_store_result(vm, h, a[0]))) {
        aml_obj_unref(h);
        return err;
    }
    return vm_finish(vm, cur, h);
}

/* LoadTable(signature, OEM id, OEM table id, root path, parameter path, parameter data): load a
 * registered table that is not loaded yet; its DDBHandle, or 0 if there is none. */
int aml_op_loadtable(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct table *tb = table_find(a[0], a[1], a[2]);
    if (!tb || tb->loaded)
        return vm_finish(vm, cur, aml_obj_integer(0));
    uint16_t id = (uint16_t)(tb - tables + 1);
    aml_table_load(id);
    if (a[4]->type == AML_STRING && a[4]->u.str.len) { /* the parameter path gets the data */
        struct aml_node *p = aml_find(cur->scope, a[4]->u.str.ptr);
        struct aml_obj *r = p ? aml_node_ref(p) : NULL;
        int err =
            r ? aml_store(vm, a[5], r, false) : aml_error(AML_ENOENT, "LoadTable: parameter path not found");
        aml_obj_unref(r);
        if (err)
            return err;
    }
    return vm_finish(vm, cur, ddb_handle(id));
}

/* Unload(DDBHandle): remove every namespace object the table created. */
int aml_op_unload(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct aml_obj *h = aml_ref_target(a[0]);
    if (h && h->type == AML_REFERENCE) /* a local holding the handle through a name */
        h = aml_ref_target(h);
    if (!h || h->type != AML_DDB_HANDLE || !h->u.ival || h->u.ival > ntables)
        return aml_error(AML_ETYPE, "Unload needs a DDBHandle");
    uint16_t id = (uint16_t)h->u.ival;
    if (!tables[id - 1].loaded)
        return aml_error(AML_EINVAL, "Unload: the table is not loaded");
    aml_table_reg(id, false, -1);
    for (struct aml_node *nd = aml_ns_next(NULL); nd;) {
        struct aml_node *next = aml_ns_next(nd);
        if (nd->owner == id && (!nd->parent || nd->parent->owner != id)) {
            while (next && aml_node_is_under(next, nd)) /* the subtree goes with it */
                next = aml_ns_next(next);
            aml_node_unlink_free(nd);
        }
        nd = next;
    }
    tables[id - 1].loaded = false;
    return vm_finish(vm, cur, NULL);
}

/* DataTableRegion(name, signature, OEM id, OEM table id): a region over a registered table. */
int aml_op_data_region(struct vm *vm, struct item *cur, struct aml_obj **a)
{
    struct table *tb = table_find(a[0], a[1], a[2]);
    if (!tb)
        return aml_error(AML_ENOENT, "DataTableRegion: no such table");
    struct aml_obj *o = aml_obj_new(AML_REGION);
    struct aml_region *rg = o ? aml_alloc(sizeof *rg) : NULL;
    if (!rg) {
        aml_obj_unref(o);
        return aml_error(AML_ENOMEM, "out of memory");
    }
    rg->mem = tb->t;
    rg->base = 0;
    rg->len = tb->len;
    rg->node = cur->scope;
    o->priv = rg;
    struct aml_node *nd;
    int err = vm_create_named(vm, cur->scope, &cur->names[0], o, &nd);
    return err < 0 ? err : vm_finish(vm, cur, NULL);
}
