/* aml_ns.c - the ACPI namespace: nodes, NameString parsing, name resolution, dump. */
#include "drivers/acpi/aml/aml_int.h"

#include <stdio.h>

struct aml_node *aml_root;

static uint32_t seg(const char *s)
{
    return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 | (uint32_t)(uint8_t)s[2] << 16 |
           (uint32_t)(uint8_t)s[3] << 24;
}

/* Create a node named name under parent holding obj (the node takes obj's reference).
 * NULL (obj released) if out of memory. */
struct aml_node *aml_node_new(struct aml_node *parent, uint32_t name, struct aml_obj *obj)
{
    struct aml_node *n = aml_alloc(sizeof *n);
    if (!n) {
        aml_obj_unref(obj);
        return NULL;
    }
    n->name = name;
    n->owner = aml_owner;
    memcpy(n->sname, &name, 4);
    n->obj = obj;
    n->parent = parent;
    if (parent) {
        if (parent->last_child)
            parent->last_child->next = n;
        else
            parent->child = n;
        parent->last_child = n;
    }
    return n;
}

/* Whether anc is n or one of its ancestors. */
bool aml_node_is_under(const struct aml_node *n, const struct aml_node *anc)
{
    for (; n; n = n->parent)
        if (n == anc)
            return true;
    return false;
}

/* The child of scope named name, or NULL. */
struct aml_node *aml_child(const struct aml_node *scope, uint32_t name)
{
    for (struct aml_node *c = scope->child; c; c = c->next)
        if (c->name == name)
            return c;
    return NULL;
}

/* What a deleted node still referenced holds: reads fail with "uninitialized". */
static struct aml_obj dead_obj = {.refs = 1u << 30, .type = AML_UNINIT};

void aml_node_get(struct aml_node *n)
{
    n->refs++;
}

/* Drop a reference; a deleted node is freed with its last reference. */
void aml_node_put(struct aml_node *n)
{
    if (--n->refs == 0 && n->dead)
        aml_free(n);
}

/* Free n and its whole subtree (iteratively) after unlinking it from its parent. */
void aml_node_unlink_free(struct aml_node *n)
{
    struct aml_node *p = n->parent;
    if (p) {
        struct aml_node *prev = NULL;
        for (struct aml_node *c = p->child; c; prev = c, c = c->next) {
            if (c != n)
                continue;
            if (prev)
                prev->next = c->next;
            else
                p->child = c->next;
            if (p->last_child == c)
                p->last_child = prev;
            break;
        }
    }
    n->parent = NULL;
    n->next = NULL;
    /* Post-order without recursion: descend to a leaf, free it, continue with the parent. */
    struct aml_node *cur = n;
    while (cur) {
        if (cur->child) {
            struct aml_node *c = cur->child;
            cur->child = c->next;
            c->parent = cur; /* already */
            cur = c;
            continue;
        }
        struct aml_node *up = (cur == n) ? NULL : cur->parent;
        aml_obj_unref(cur->obj);
        if (cur->refs) {
            /* still referenced (a reference object, a queued notify): keep the memory */
            cur->dead = true;
            cur->obj = &dead_obj;
            cur->parent = cur->child = cur->next = cur->last_child = NULL;
        } else {
            aml_free(cur);
        }
        cur = up;
    }
}

static void add_predef(const char *name, struct aml_obj *obj)
{
    aml_node_new(aml_root, seg(name), obj);
}

/* Create the root and the predefined names ACPICA creates (\_GPE \_PR_ \_SB_ \_SI_ \_TZ_ \_REV
 * \_OS_ \_GL_ \_OSI). */
void aml_ns_init(void)
{
    if (aml_root)
        return;
    aml_root = aml_node_new(NULL, seg("\\___"), aml_obj_new(AML_SCOPE));
    add_predef("_GPE", aml_obj_new(AML_SCOPE));
    add_predef("_PR_", aml_obj_new(AML_SCOPE));
    add_predef("_SB_", aml_obj_new(AML_DEVICE));
    add_predef("_SI_", aml_obj_new(AML_SCOPE));
    add_predef("_TZ_", aml_obj_new(AML_DEVICE));
    add_predef("_REV", aml_obj_integer(2));
    add_predef("_OS_", aml_obj_string("Microsoft Windows NT"));
    struct aml_obj *gl = aml_obj_new(AML_MUTEX);
    if (gl)
        gl->priv = aml_alloc(sizeof(struct aml_mutex));
    add_predef("_GL_", gl);
    struct aml_obj *osi = aml_obj_new(AML_METHOD);
    if (osi) {
        struct aml_method *m = aml_alloc(sizeof *m);
        if (m)
            m->flags = 1; /* one argument, native (code NULL) */
        osi->priv = m;
    }
    add_predef("_OSI", osi);
}

/* Free the whole namespace. */
void aml_ns_free(void)
{
    if (aml_root)
        aml_node_unlink_free(aml_root);
    aml_root = NULL;
}

static bool lead_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || c == '_';
}
static bool name_char(uint8_t c)
{
    return lead_char(c) || (c >= '0' && c <= '9');
}

/* Parse a NameString at *pc (< end), advancing *pc. 0 or AML_EINVAL. */
int aml_parse_name(const uint8_t **pc, const uint8_t *end, struct aml_name *out)
{
    const uint8_t *p = *pc;
    memset(out, 0, sizeof *out);
    if (p < end && *p == '\\') {
        out->root = true;
        p++;
    } else {
        while (p < end && *p == '^') {
            if (out->up == 255)
                return aml_error(AML_EINVAL, "too many ^ prefixes");
            out->up++;
            p++;
        }
    }
    if (p >= end)
        return aml_error(AML_EINVAL, "truncated name");
    uint32_t n;
    if (*p == 0x00) {
        n = 0;
        p++;
    } else if (*p == 0x2E) {
        n = 2;
        p++;
    } else if (*p == 0x2F) {
        if (p + 1 >= end)
            return aml_error(AML_EINVAL, "truncated name");
        n = p[1];
        p += 2;
    } else {
        n = 1;
    }
    if ((size_t)(end - p) < 4 * (size_t)n)
        return aml_error(AML_EINVAL, "truncated name");
    for (uint32_t i = 0; i < n; i++) {
        if (!lead_char(p[4 * i]) || !name_char(p[4 * i + 1]) || !name_char(p[4 * i + 2]) ||
            !name_char(p[4 * i + 3]))
            return aml_error(AML_EINVAL, "bad name segment at %p", (const void *)(p + 4 * i));
    }
    out->nseg = (uint8_t)n;
    out->segs = p;
    *pc = p + 4 * n;
    return 0;
}

static uint32_t seg_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The node named by nm from scope: single relative segments search upward to the root. */
struct aml_node *aml_resolve(struct aml_node *scope, const struct aml_name *nm)
{
    struct aml_node *s = nm->root ? aml_root : scope;
    for (int i = 0; i < nm->up; i++) {
        if (!s->parent)
            return NULL;
        s = s->parent;
    }
    if (nm->nseg == 0)
        return s;
    if (nm->nseg == 1 && !nm->root && !nm->up) {
        uint32_t name = seg_at(nm->segs);
        for (; s; s = s->parent) {
            struct aml_node *c = aml_child(s, name);
            if (c)
                return c;
        }
        return NULL;
    }
    for (int i = 0; i < nm->nseg && s; i++)
        s = aml_child(s, seg_at(nm->segs + 4 * i));
    return s;
}

/* Create nm (relative to scope) holding obj (reference taken). *out gets the node.
 * AML_EEXIST if the name exists (obj released), AML_ENOENT if the parent scope does not. */
int aml_create(struct aml_node *scope, const struct aml_name *nm, struct aml_obj *obj, struct aml_node **out)
{
    char buf[96];
    struct aml_node *s = nm->root ? aml_root : scope;
    *out = NULL;
    if (!obj)
        return aml_error(AML_ENOMEM, "out of memory creating a name");
    for (int i = 0; i < nm->up && s; i++)
        s = s->parent;
    for (int i = 0; s && i + 1 < nm->nseg; i++)
        s = aml_child(s, seg_at(nm->segs + 4 * i));
    if (!s || nm->nseg == 0) {
        aml_obj_unref(obj);
        aml_name_str(nm, buf, sizeof buf);
        return aml_error(AML_ENOENT, "scope of %s not found", buf);
    }
    uint32_t name = seg_at(nm->segs + 4 * (nm->nseg - 1));
    struct aml_node *ex = aml_child(s, name);
    if (ex) {
        aml_obj_unref(obj);
        *out = ex;
        aml_name_str(nm, buf, sizeof buf);
        return aml_error(AML_EEXIST, "duplicate name %s", buf);
    }
    *out = aml_node_new(s, name, obj);
    return *out ? 0 : aml_error(AML_ENOMEM, "out of memory creating a name");
}

/* Text form of a parsed name (for messages). */
void aml_name_str(const struct aml_name *nm, char *buf, size_t size)
{
    size_t n = 0;
    if (!size)
        return;
    buf[0] = 0;
    if (nm->root && n + 1 < size)
        buf[n++] = '\\';
    for (int i = 0; i < nm->up && n + 1 < size; i++)
        buf[n++] = '^';
    for (int i = 0; i < nm->nseg && n + 5 < size; i++) {
        if (i)
            buf[n++] = '.';
        memcpy(buf + n, nm->segs + 4 * i, 4);
        n += 4;
    }
    buf[n] = 0;
}

void aml_node_path(const struct aml_node *node, char *buf, size_t size)
{
    const struct aml_node *chain[64];
    int depth = 0;
    for (const struct aml_node *n = node; n && n->parent && depth < 64; n = n->parent)
        chain[depth++] = n;
    size_t len = 0;
    if (size < 2) {
        if (size)
            buf[0] = 0;
        return;
    }
    buf[len++] = '\\';
    for (int i = depth - 1; i >= 0 && len + 6 < size; i--) {
        memcpy(buf + len, chain[i]->sname, 4);
        len += 4;
        if (i)
            buf[len++] = '.';
    }
    buf[len] = 0;
}

const char *aml_node_name(const struct aml_node *node)
{
    return node->sname;
}

int aml_node_type(const struct aml_node *node)
{
    return node->obj ? node->obj->type : AML_UNINIT;
}

struct aml_node *aml_node_parent(const struct aml_node *node)
{
    return node->parent;
}

/* Find a node by text path: "\\A.B", "A.B" relative to scope, "^A" allowed. No upward search. */
struct aml_node *aml_find(struct aml_node *scope, const char *path)
{
    if (!aml_root)
        return NULL;
    struct aml_node *s = scope ? scope : aml_root;
    const char *p = path;
    if (*p == '\\') {
        s = aml_root;
        p++;
    }
    while (*p == '^') {
        if (!s->parent)
            return NULL;
        s = s->parent;
        p++;
    }
    while (*p) {
        char sg[4] = {'_', '_', '_', '_'};
        int i = 0;
        while (*p && *p != '.') {
            if (i >= 4)
                return NULL;
            sg[i++] = *p++;
        }
        if (i == 0)
            return NULL;
        s = aml_child(s, seg(sg));
        if (!s)
            return NULL;
        if (*p == '.')
            p++;
    }
    return s;
}

static const char *ns_type_names[] = {
    "Untyped", "Integer", "String", "Buffer",    "Package", "FieldUnit",   "Device",    "Event", "Method",
    "Mutex",   "Region",  "Power",  "Processor", "Thermal", "BufferField", "DDBHandle", "Debug",
};

static const char *type_name(const struct aml_node *n)
{
    int t = aml_node_type(n);
    if (t <= 16)
        return ns_type_names[t];
    return t == AML_SCOPE ? "Scope" : "Object";
}

/* Print the subtree at node (NULL: root) depth-first, one line per node:
 * "<depth> <indent>NAME Type [value]". Iterative. */
void aml_dump_ns(struct aml_node *node)
{
    if (!aml_root)
        return;
    struct aml_node *top = node ? node : aml_root;
    struct aml_node *cur = node ? node : aml_root->child;
    int depth = 0;
    while (cur) {
        char val[64] = "";
        struct aml_obj *o = cur->obj;
        if (o && o->type == AML_INTEGER)
            snprintf(val, sizeof val, " = %016llX", (unsigned long long)o->u.ival);
        else if (o && o->type == AML_STRING)
            snprintf(val, sizeof val, " Len %02X \"%.32s\"", o->u.str.len, o->u.str.ptr);
        else if (o && o->type == AML_BUFFER)
            snprintf(val, sizeof val, " Len %02X", o->u.buf.len);
        else if (o && o->type == AML_PACKAGE)
            snprintf(val, sizeof val, " Elements %02X", o->u.pkg.count);
        else if (o && o->type == AML_METHOD && o->priv)
            snprintf(val, sizeof val, " Args %u", ((struct aml_method *)o->priv)->flags & 7);
        plat_printf("%2d %*s%s %s%s\n", depth, 2 * depth, "", cur->sname, type_name(cur), val);
        if (cur->child) {
            cur = cur->child;
            depth++;
            continue;
        }
        while (cur && cur != top && !cur->next) {
            cur = cur->parent;
            depth--;
        }
        if (!cur || cur == top || (node && depth <= 0 && cur == node))
            break;
        cur = cur->next;
    }
}

void aml_print_paths(struct aml_node *node)
{
    if (!aml_root)
        return;
    struct aml_node *top = node ? node : aml_root;
    struct aml_node *cur = top->child;
    char buf[256];
    while (cur) {
        aml_node_path(cur, buf, sizeof buf);
        plat_printf("%s\n", buf);
        if (cur->child) {
            cur = cur->child;
            continue;
        }
        while (cur && cur != top && !cur->next)
            cur = cur->parent;
        cur = (cur && cur != top) ? cur->next : NULL;
    }
}

struct aml_node *aml_ns_next(struct aml_node *n)
{
    if (!aml_root)
        return NULL;
    if (!n)
        return aml_root->child;
    if (n->child)
        return n->child;
    while (n && n != aml_root && !n->next)
        n = n->parent;
    return (n && n != aml_root) ? n->next : NULL;
}
