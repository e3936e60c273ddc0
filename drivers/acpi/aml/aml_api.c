/* aml_api.c - the interpreter's public entry points: table load, evaluation, _HID walk, notifies. */
#include "drivers/acpi/aml/aml_int.h"

#include <stdio.h>

static unsigned load_errs;
static int eval_nesting;

/* Load one DSDT/SSDT. The table must stay mapped (method bodies point into it). */
int aml_load_table(const void *table, size_t len)
{
    const uint8_t *t = table;
    if (!t || len < 36) {
        load_errs++;
        return aml_error(AML_EINVAL, "table too short (%zu bytes)", len);
    }
    uint32_t tlen = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;
    if (tlen < 36 || tlen > len) {
        load_errs++;
        return aml_error(AML_EINVAL, "table length %u does not fit %zu bytes", tlen, len);
    }
    if (memcmp(t, "DSDT", 4) && memcmp(t, "SSDT", 4) && memcmp(t, "PSDT", 4)) {
        load_errs++;
        return aml_error(AML_EINVAL, "not a definition block (%.4s)", (const char *)t);
    }
    uint8_t sum = 0;
    for (uint32_t i = 0; i < tlen; i++)
        sum = (uint8_t)(sum + t[i]);
    if (sum)
        plat_log(LOG_WARN, AML_TAG, "%.4s checksum is wrong (ignored)", (const char *)t);
    if (!memcmp(t, "DSDT", 4))
        aml_int_bits = t[8] < 2 ? 32 : 64;
    aml_ns_init();
    if (!aml_root) {
        load_errs++;
        return aml_error(AML_ENOMEM, "out of memory creating the namespace");
    }
    eval_nesting++;
    unsigned before = load_errs, errs = 0;
    uint16_t id = aml_table_add(t, tlen, false, false);
    int err = id ? aml_table_load(id) : aml_exec_load(t, tlen, &errs);
    eval_nesting--;
    load_errs += errs;
    errs = load_errs - before;
    if (err)
        plat_log(LOG_ERR, AML_TAG, "loading %.4s: %u statement(s) failed and were skipped; the first: %s",
                 (const char *)t, errs, aml_strerror(err));
    if (!eval_nesting)
        aml_deliver_notifies();
    return err;
}

void aml_count_load_errors(unsigned n)
{
    load_errs += n;
}

unsigned aml_load_errors(void)
{
    return load_errs;
}

/* Evaluate scope+path with args (the caller keeps its references). */
int aml_eval(struct aml_node *scope, const char *path, int argc, struct aml_obj **args,
             struct aml_obj **result)
{
    struct aml_obj *res = NULL;
    if (result)
        *result = NULL;
    struct aml_node *n = aml_find(scope, path);
    if (!n)
        return aml_error(AML_ENOENT, "%s not found", path);
    if (argc < 0 || argc > 7)
        return aml_error(AML_EINVAL, "bad argument count %d", argc);
    int err;
    eval_nesting++;
    if (n->obj->type == AML_METHOD) {
        struct aml_obj *a[7];
        for (int i = 0; i < argc; i++)
            a[i] = aml_obj_ref(args[i]);
        err = aml_exec_method(n, argc, a, &res);
    } else {
        err = aml_node_value(n, &res);
    }
    eval_nesting--;
    if (err) {
        char p[128];
        aml_node_path(n, p, sizeof p);
        plat_log(LOG_ERR, AML_TAG, "evaluating %s: %s", p, aml_last_error());
        aml_obj_unref(res);
        res = NULL;
    }
    if (result)
        *result = res;
    else
        aml_obj_unref(res);
    if (!eval_nesting)
        aml_deliver_notifies();
    return err;
}

int aml_eval_args(struct aml_node *scope, const char *path, int argc, const uint64_t *args,
                  struct aml_obj **result)
{
    struct aml_obj *a[7];
    if (argc < 0 || argc > 7)
        return aml_error(AML_EINVAL, "bad argument count %d", argc);
    for (int i = 0; i < argc; i++) {
        a[i] = aml_obj_integer(args[i]);
        if (!a[i]) {
            while (i-- > 0)
                aml_obj_unref(a[i]);
            return aml_error(AML_ENOMEM, "out of memory");
        }
    }
    int err = aml_eval(scope, path, argc, a, result);
    for (int i = 0; i < argc; i++)
        aml_obj_unref(a[i]);
    return err;
}

int aml_eval_int(struct aml_node *scope, const char *path, uint64_t *out)
{
    struct aml_obj *r;
    int err = aml_eval(scope, path, 0, NULL, &r);
    if (err)
        return err;
    if (!r)
        return aml_error(AML_ETYPE, "%s returned nothing", path);
    err = aml_to_int(r, out, false);
    aml_obj_unref(r);
    return err;
}

/* ---- _HID walk ------------------------------------------------------------------------------- */

/* EisaId("PNP0C80") -> its 32-bit compressed form; 0 if hid is not of that shape. */
static uint32_t eisa_id(const char *s)
{
    if (strlen(s) != 7)
        return 0;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    uint32_t hex = 0;
    for (int i = 3; i < 7; i++) {
        char c = s[i];
        uint32_t d = c >= '0' && c <= '9'   ? (uint32_t)(c - '0')
                     : c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10)
                                            : 99;
        if (d > 15)
            return 0;
        hex = hex << 4 | d;
    }
    uint32_t l1 = (uint32_t)(s[0] - 0x40), l2 = (uint32_t)(s[1] - 0x40), l3 = (uint32_t)(s[2] - 0x40);
    uint32_t b0 = (l1 << 2) | (l2 >> 3), b1 = ((l2 & 7) << 5) | l3;
    uint32_t b2 = (hex >> 8) & 0xff, b3 = hex & 0xff;
    return b0 | b1 << 8 | b2 << 16 | b3 << 24;
}

static bool id_matches(struct aml_obj *o, const char *hid, uint32_t eisa)
{
    if (o->type == AML_INTEGER)
        return eisa && (uint32_t)o->u.ival == eisa;
    if (o->type == AML_STRING)
        return strlen(hid) == o->u.str.len && !memcmp(hid, o->u.str.ptr, o->u.str.len);
    return false;
}

static bool dev_matches(struct aml_node *dev, const char *hid, uint32_t eisa)
{
    struct aml_obj *o;
    bool hit = false;
    if (aml_child(dev, 0x4449485f /* _HID */) && !aml_eval(dev, "_HID", 0, NULL, &o) && o) {
        hit = id_matches(o, hid, eisa);
        aml_obj_unref(o);
    }
    if (!hit && aml_child(dev, 0x4449435f /* _CID */) && !aml_eval(dev, "_CID", 0, NULL, &o) && o) {
        if (o->type == AML_PACKAGE) {
            for (uint32_t i = 0; i < o->u.pkg.count && !hit; i++)
                hit = o->u.pkg.elems[i] && id_matches(o->u.pkg.elems[i], hid, eisa);
        } else {
            hit = id_matches(o, hid, eisa);
        }
        aml_obj_unref(o);
    }
    return hit;
}

/* Walk the namespace in order; call fn for matching devices (collected first, so fn may evaluate). */
int aml_walk_hid(const char *hid, aml_walk_fn fn, void *ctx)
{
    if (!aml_root)
        return 0;
    uint32_t eisa = eisa_id(hid);
    unsigned cap = 64, n = 0;
    struct aml_node **list = aml_alloc(cap * sizeof *list);
    if (!list)
        return aml_error(AML_ENOMEM, "out of memory");
    struct aml_node *cur = aml_root->child;
    while (cur) {
        uint8_t t = cur->obj->type;
        if ((t == AML_DEVICE || t == AML_PROCESSOR) && dev_matches(cur, hid, eisa)) {
            if (n == cap) {
                struct aml_node **nl = aml_alloc(2 * cap * sizeof *nl);
                if (!nl)
                    break;
                memcpy(nl, list, n * sizeof *nl);
                aml_free(list);
                list = nl;
                cap *= 2;
            }
            aml_node_get(cur);
            list[n++] = cur;
        }
        if (cur->child) {
            cur = cur->child;
            continue;
        }
        while (cur && cur != aml_root && !cur->next)
            cur = cur->parent;
        cur = (cur && cur != aml_root) ? cur->next : NULL;
    }
    int ret = 0;
    for (unsigned i = 0; i < n; i++) {
        if (!ret && !list[i]->dead)
            ret = fn(list[i], ctx);
        aml_node_put(list[i]);
    }
    aml_free(list);
    return ret;
}

/* ---- notifies -------------------------------------------------------------------------------- */

#define NOTIFY_QUEUE 64
#define NOTIFY_HANDLERS 32

static struct {
    struct aml_node *node;
    uint32_t value;
} queue[NOTIFY_QUEUE];
static unsigned q_head, q_count, q_dropped;

static struct {
    struct aml_node *node;
    aml_notify_fn fn;
    void *ctx;
} handlers[NOTIFY_HANDLERS];
static bool delivering;

/* Queue Notify(node, value) for delivery after the outermost evaluation. */
void aml_notify_queue(struct aml_node *node, uint32_t value)
{
    char p[128];
    aml_node_path(node, p, sizeof p);
    if (q_count == NOTIFY_QUEUE) {
        q_dropped++;
        plat_log(LOG_ERR, AML_TAG, "notify queue full: Notify(%s, 0x%x) dropped", p, value);
        return;
    }
    plat_log(LOG_DEBUG, AML_TAG, "Notify(%s, 0x%x) queued", p, value);
    unsigned i = (q_head + q_count) % NOTIFY_QUEUE;
    aml_node_get(node);
    queue[i].node = node;
    queue[i].value = value;
    q_count++;
}

unsigned aml_notify_dropped(void)
{
    return q_dropped;
}

int aml_register_notify(struct aml_node *node, aml_notify_fn fn, void *ctx)
{
    for (int i = 0; i < NOTIFY_HANDLERS; i++) {
        if (!handlers[i].fn) {
            handlers[i].node = node;
            handlers[i].fn = fn;
            handlers[i].ctx = ctx;
            return 0;
        }
    }
    return aml_error(AML_ENOMEM, "too many notify handlers");
}

int aml_unregister_notify(struct aml_node *node, aml_notify_fn fn)
{
    for (int i = 0; i < NOTIFY_HANDLERS; i++) {
        if (handlers[i].fn == fn && handlers[i].node == node) {
            handlers[i].fn = NULL;
            return 0;
        }
    }
    return AML_ENOENT;
}

/* Deliver every queued notify to the matching handlers (those for the node, then global ones). */
int aml_deliver_notifies(void)
{
    if (delivering)
        return 0;
    delivering = true;
    int n = 0;
    while (q_count) {
        struct aml_node *node = queue[q_head].node;
        uint32_t value = queue[q_head].value;
        q_head = (q_head + 1) % NOTIFY_QUEUE;
        q_count--;
        int handled = 0;
        for (int pass = 0; pass < 2 && !node->dead; pass++) {
            for (int i = 0; i < NOTIFY_HANDLERS; i++) {
                if (!handlers[i].fn)
                    continue;
                if (pass == 0 ? handlers[i].node == node : handlers[i].node == NULL) {
                    handlers[i].fn(node, value, handlers[i].ctx);
                    handled++;
                }
            }
        }
        if (!handled) {
            char p[128];
            aml_node_path(node, p, sizeof p);
            plat_log(LOG_INFO, AML_TAG, "Notify(%s, 0x%x) has no handler", p, value);
        }
        aml_node_put(node);
        n++;
    }
    delivering = false;
    return n;
}

/* Free everything: namespace, queued notifies, handlers. */
void aml_reset(void)
{
    while (q_count) {
        aml_node_put(queue[q_head].node);
        q_head = (q_head + 1) % NOTIFY_QUEUE;
        q_count--;
    }
    q_head = 0;
    q_dropped = 0;
    memset(handlers, 0, sizeof handlers);
    aml_ns_free();
    aml_table_reset();
    load_errs = 0;
    aml_int_bits = 64;
}
