/* aml_store.c - values and stores: the value of a named object, dereferencing, implicit conversion to
 * integer, and Store/CopyObject into names, locals, arguments, index references and fields. */
#include "drivers/acpi/aml/aml_vm.h"

#include <stdio.h>

/* A reference object to node n (holds a node reference). */
struct aml_obj *aml_node_ref(struct aml_node *n)
{
    struct aml_obj *r = aml_reference(REF_NODE);
    if (r) {
        r->u.node = n;
        aml_node_get(n);
    }
    return r;
}

/* The value of a named object: data objects shared, fields read, others as a reference. */
int aml_node_value(struct aml_node *n, struct aml_obj **out)
{
    struct aml_obj *o = n->obj;
    switch (o->type) {
    case AML_INTEGER:
    case AML_STRING:
    case AML_BUFFER:
    case AML_PACKAGE:
        *out = aml_obj_ref(o);
        return 0;
    case AML_FIELD_UNIT:
        return aml_field_read(o, out);
    case AML_BUFFER_FIELD:
        return aml_bfield_read(o, out);
    case AML_UNINIT:
        return aml_error(AML_ETYPE, "%s is uninitialized or was deleted", n->sname);
    default:
        *out = aml_node_ref(n);
        return *out ? 0 : AML_ENOMEM;
    }
}

/* Dereference a reference object: the referenced value (new reference in *out). */
int aml_deref(struct aml_obj *ref, struct aml_obj **out)
{
    if (ref->type != AML_REFERENCE) {
        *out = aml_obj_ref(ref);
        return 0;
    }
    struct aml_ref *r = ref->priv;
    switch (r->kind) {
    case REF_NODE:
        return aml_node_value(ref->u.node, out);
    case REF_LOCAL:
        if (((struct frame *)r->frame)->dead)
            return aml_error(AML_ETYPE, "reference to a local or argument of a method that returned");
        /* fall through */
    case REF_SLOT:
        if (!*r->slot)
            return aml_error(AML_ETYPE, "uninitialized local or argument");
        *out = aml_obj_ref(*r->slot);
        return 0;
    case REF_OBJ:
        if (r->target->type == AML_FIELD_UNIT)
            return aml_field_read(r->target, out);
        if (r->target->type == AML_BUFFER_FIELD)
            return aml_bfield_read(r->target, out);
        *out = aml_obj_ref(r->target);
        return 0;
    case REF_INDEX: {
        struct aml_obj *t = r->target;
        if (t->type == AML_PACKAGE) {
            if (r->index >= t->u.pkg.count)
                return aml_error(AML_ERANGE, "index %u past the package end", r->index);
            struct aml_obj *e = t->u.pkg.elems[r->index];
            if (!e)
                return aml_error(AML_ETYPE, "package element %u is uninitialized", r->index);
            /* a name written in the package is read now; a stored reference comes out as is (once) */
            struct aml_node *n = aml_elem_node(e);
            if (n)
                return aml_node_value(n, out);
            struct aml_name nm;
            if (!aml_ref_path(e, &nm)) {
                char buf[96];
                aml_name_str(&nm, buf, sizeof buf);
                return aml_error(AML_ENOENT, "package element %u: %s not found", r->index, buf);
            }
            *out = aml_obj_ref(e);
            return 0;
        }
        if (t->type == AML_BUFFER) {
            if (r->index >= t->u.buf.len)
                return aml_error(AML_ERANGE, "index %u past the buffer end", r->index);
            *out = aml_obj_integer(t->u.buf.ptr[r->index]);
        } else if (t->type == AML_STRING) {
            if (r->index >= t->u.str.len)
                return aml_error(AML_ERANGE, "index %u past the string end", r->index);
            *out = aml_obj_integer((uint8_t)t->u.str.ptr[r->index]);
        } else {
            return aml_error(AML_ETYPE, "bad index reference");
        }
        return *out ? 0 : AML_ENOMEM;
    }
    default:
        return aml_error(AML_ETYPE, "cannot dereference this reference");
    }
}

/* Operand as an integer (implicit conversion). */
int aml_int_of(struct aml_obj *o, uint64_t *v)
{
    if (o->type == AML_INTEGER) {
        *v = o->u.ival;
        return 0;
    }
    if (o->type == AML_REFERENCE)
        return aml_error(AML_ETYPE, "a reference used as an integer");
    return aml_to_int(o, v, true);
}

/* Store val into the named data object o in place, converted to o's type (ACPI 19.3.5.8, as
 * ACPICA does): the object keeps its identity, so buffer fields, Index references and aliases over
 * it see the new value. A Buffer keeps its length (the source truncated or zero-padded) unless it is
 * empty, when it takes the source's length; a String takes the new text. */
static int store_in_place(struct aml_obj *o, struct aml_obj *val)
{
    uint64_t v;
    int err;
    struct aml_obj *n = NULL;
    if (o->type == AML_INTEGER) {
        if ((err = aml_int_of(val, &v)))
            return err;
        o->u.ival = v;
        return 0;
    }
    if (o->type == AML_STRING) {
        if ((err = aml_to_str(val, &n, 0)))
            return err;
        if (n == val) {
            aml_obj_unref(n);
            n = aml_str_new(val->u.str.ptr, val->u.str.len);
            if (!n)
                return AML_ENOMEM;
        }
        struct aml_obj t = *o; /* swap the text: n goes away with the old one */
        o->u.str = n->u.str;
        n->u.str = t.u.str;
        aml_obj_unref(n);
        return 0;
    }
    struct aml_obj *b;
    if (val->type == AML_STRING)
        b = aml_buf_new((const uint8_t *)val->u.str.ptr, val->u.str.len);
    else if ((err = aml_to_buf(val, &b)))
        return err;
    if (!b)
        return AML_ENOMEM;
    uint32_t len = o->u.buf.len ? o->u.buf.len : b->u.buf.len;
    n = aml_buf_new(NULL, len);
    if (n) {
        memcpy(n->u.buf.ptr, b->u.buf.ptr, b->u.buf.len < len ? b->u.buf.len : len);
        struct aml_obj t = *o;
        o->u.buf = n->u.buf;
        n->u.buf = t.u.buf;
    }
    aml_obj_unref(n);
    aml_obj_unref(b);
    return n ? 0 : AML_ENOMEM;
}

static void debug_line(const char *s)
{
    plat_log(LOG_INFO, "aml-debug", "%.*s",
             (int)(strlen(s) && s[strlen(s) - 1] == '\n' ? strlen(s) - 1 : strlen(s)), s);
}

/* Store val into the location ref names (ACPI Store semantics; copy, implicit conversion for
 * named Integer/String/Buffer objects, field writes). copy_object: CopyObject (no conversion). */
int aml_store(struct vm *vm, struct aml_obj *val, struct aml_obj *ref, bool copy_object)
{
    (void)vm;
    if (ref->type != AML_REFERENCE)
        return aml_error(AML_ETYPE, "store target is not a name, local, argument or index");
    struct aml_ref *r = ref->priv;
    struct aml_obj *nv = NULL;
    int err;
    if (val->type == AML_REFERENCE && ((struct aml_ref *)val->priv)->kind == REF_SLOT)
        return aml_error(AML_ETYPE, "store of a transient reference");
    switch (r->kind) {
    case REF_NULL:
        return 0;
    case REF_DEBUG:
        aml_obj_print_to(val, 0, debug_line);
        return 0;
    case REF_LOCAL:
        if (((struct frame *)r->frame)->dead)
            return aml_error(AML_ETYPE, "store through a reference to a method that returned");
        /* fall through */
    case REF_SLOT: {
        struct aml_obj *cur = *r->slot;
        if (cur && cur->type == AML_REFERENCE && r->index == 1 && r->kind == REF_SLOT) {
            /* ArgX holding a reference (RefOf passed in): Store and CopyObject write the referent
             * (ACPICA's rule; a LocalX is overwritten instead) */
            struct aml_ref *cr = cur->priv;
            if (cr->kind == REF_NODE || cr->kind == REF_LOCAL || cr->kind == REF_INDEX)
                return aml_store(vm, val, cur, copy_object); /* one level: cur is never REF_SLOT */
        }
        if ((err = aml_obj_copy(val, &nv)))
            return err;
        aml_obj_unref(*r->slot);
        *r->slot = nv;
        return 0;
    }
    case REF_NODE: {
        struct aml_node *n = ref->u.node;
        struct aml_obj *o = n->obj;
        if (!copy_object && val->type != AML_DDB_HANDLE) { /* a handle replaces the object */
            if (o->type == AML_FIELD_UNIT)
                return aml_field_write(o, val);
            if (o->type == AML_BUFFER_FIELD)
                return aml_bfield_write(o, val);
            if (o->type == AML_INTEGER || o->type == AML_STRING || o->type == AML_BUFFER)
                return store_in_place(o, val);
            if (o->type == AML_PACKAGE || o->type == AML_UNINIT)
                err = aml_obj_copy(val, &nv);
            else
                return aml_error(AML_ETYPE, "cannot store to %s (type %d)", n->sname, o->type);
        } else {
            if (o->type == AML_METHOD || o->type == AML_DEVICE || o->type == AML_REGION ||
                o->type == AML_MUTEX)
                return aml_error(AML_ETYPE, "cannot CopyObject over %s", n->sname);
            err = aml_obj_copy(val, &nv);
        }
        if (err)
            return err;
        n->obj = nv;
        aml_obj_unref(o);
        return 0;
    }
    case REF_OBJ: {
        struct aml_obj *t = r->target;
        if (t->type == AML_FIELD_UNIT)
            return aml_field_write(t, val);
        if (t->type == AML_BUFFER_FIELD)
            return aml_bfield_write(t, val);
        if (t->type == AML_INTEGER) {
            uint64_t v;
            if ((err = aml_int_of(val, &v)))
                return err;
            t->u.ival = v;
            return 0;
        }
        return aml_error(AML_ETYPE, "cannot store through a reference to type %d", t->type);
    }
    case REF_INDEX: {
        struct aml_obj *t = r->target;
        if (t->type == AML_PACKAGE) {
            if (r->index >= t->u.pkg.count)
                return aml_error(AML_ERANGE, "index %u past the package end", r->index);
            /* a package holding an Index/RefOf reference could hold itself: a cycle that reference
             * counting never frees. Only references to names may go into packages. */
            if (val->type == AML_REFERENCE && ((struct aml_ref *)val->priv)->kind != REF_NODE &&
                ((struct aml_ref *)val->priv)->kind != REF_LOCAL)
                return aml_error(AML_ETYPE, "cannot store an Index reference into a package");
            if ((err = aml_obj_copy(val, &nv)))
                return err;
            aml_obj_unref(t->u.pkg.elems[r->index]);
            t->u.pkg.elems[r->index] = nv;
            return 0;
        }
        uint64_t v;
        if (val->type == AML_STRING) /* a byte element takes a String's first character (ACPICA) */
            v = (uint8_t)val->u.str.ptr[0];
        else if (val->type == AML_BUFFER) /* ... and a Buffer's first byte */
            v = val->u.buf.len ? val->u.buf.ptr[0] : 0;
        else if ((err = aml_int_of(val, &v)))
            return err;
        if (t->type == AML_BUFFER) {
            if (r->index >= t->u.buf.len)
                return aml_error(AML_ERANGE, "index %u past the buffer end", r->index);
            t->u.buf.ptr[r->index] = (uint8_t)v;
            return 0;
        }
        if (t->type == AML_STRING) {
            if (r->index >= t->u.str.len)
                return aml_error(AML_ERANGE, "index %u past the string end", r->index);
            t->u.str.ptr[r->index] = (char)v;
            return 0;
        }
        return aml_error(AML_ETYPE, "bad index reference");
    }
    }
    return aml_error(AML_ETYPE, "bad store target");
}

/* A transient reference to a local/arg slot of frame fr (is_arg: an ArgX). */
struct aml_obj *aml_slot_ref(struct aml_obj **slot, bool is_arg, struct frame *fr)
{
    struct aml_obj *r = aml_reference(REF_SLOT);
    if (r) {
        ((struct aml_ref *)r->priv)->slot = slot;
        ((struct aml_ref *)r->priv)->index = is_arg;
        ((struct aml_ref *)r->priv)->frame = fr;
    }
    return r;
}

/* RefOf(LocalX/ArgX): a lasting reference to the slot (holds the frame). */
struct aml_obj *aml_local_ref(struct aml_obj *slot_ref)
{
    struct aml_ref *s = slot_ref->priv;
    struct aml_obj *r = aml_reference(REF_LOCAL);
    if (r) {
        struct aml_ref *l = r->priv;
        l->slot = s->slot;
        l->index = s->index;
        l->frame = s->frame;
        ((struct frame *)s->frame)->refs++;
    }
    return r;
}

/* The node a name operand names: a REF_NODE, or a local/arg holding one (a Device, Mutex or Event
 * passed as an argument). NULL otherwise. */
struct aml_node *aml_target_node(struct aml_obj *ref)
{
    struct aml_ref *r = ref->type == AML_REFERENCE ? ref->priv : NULL;
    if (r && r->kind == REF_SLOT && *r->slot && (*r->slot)->type == AML_REFERENCE) {
        ref = *r->slot;
        r = ref->priv;
    }
    return r && r->kind == REF_NODE ? ref->u.node : NULL;
}

/* The object a reference operand names (a plain value operand is its own target). */
struct aml_obj *aml_ref_target(struct aml_obj *ref)
{
    struct aml_ref *r = ref->priv;
    if (ref->type != AML_REFERENCE || !r)
        return ref;
    if (r->kind == REF_NODE)
        return ref->u.node->obj;
    if (r->kind == REF_SLOT || (r->kind == REF_LOCAL && !((struct frame *)r->frame)->dead))
        return *r->slot;
    if (r->kind == REF_OBJ)
        return r->target;
    return NULL;
}

int aml_store_result(struct vm *vm, struct aml_obj *res, struct aml_obj *target)
{
    if (!res)
        return aml_error(AML_ENOMEM, "out of memory");
    return aml_store(vm, res, target, false);
}

int aml_ref_path(const struct aml_obj *e, struct aml_name *nm)
{
    const struct aml_ref *r = e->type == AML_REFERENCE ? e->priv : NULL;
    if (!r || r->kind != REF_PATH)
        return AML_EINVAL;
    const uint8_t *p = r->path;
    return aml_parse_name(&p, r->path + r->index, nm);
}

/* The node a package element written as a name stands for: a data object named in the package
 * literal, or a name defined after the package (REF_PATH, looked up now with the search rules).
 * NULL for other elements (values, devices, references stored by RefOf). */
struct aml_node *aml_elem_node(struct aml_obj *e)
{
    if (!e || e->type != AML_REFERENCE)
        return NULL;
    struct aml_ref *r = e->priv;
    struct aml_node *n = NULL;
    if (r->kind == REF_NODE && r->index == 1) {
        n = e->u.node;
    } else if (r->kind == REF_PATH) {
        struct aml_name nm;
        n = aml_ref_path(e, &nm) ? NULL : aml_resolve(e->u.node, &nm); /* with the search rules */
    }
    if (!n)
        return NULL;
    uint8_t t = n->obj->type;
    return t == AML_INTEGER || t == AML_STRING || t == AML_BUFFER || t == AML_PACKAGE ? n : NULL;
}

/* The value an element stands for: a named data object's value, else the element itself. */
struct aml_obj *aml_elem_value(struct aml_obj *e)
{
    struct aml_node *n = aml_elem_node(e);
    return n ? n->obj : e;
}

/* Replace *res by a copy whose package elements that name data objects hold their values (nested
 * packages too, depth bounded). Used when a result leaves the interpreter. 0 or AML_ENOMEM. */
int aml_resolve_result(struct aml_obj **res, int depth)
{
    struct aml_obj *p = *res;
    if (!p || p->type != AML_PACKAGE || depth > 8)
        return 0;
    struct aml_obj *n = NULL;
    for (uint32_t i = 0; i < p->u.pkg.count; i++) {
        struct aml_obj *e = aml_obj_ref(aml_elem_value(p->u.pkg.elems[i]));
        struct aml_name nm;
        if (e && !aml_ref_path(e, &nm)) { /* never defined: its path, as text */
            char buf[96];
            aml_name_str(&nm, buf, sizeof buf);
            aml_obj_unref(e);
            e = aml_str_new(buf, (uint32_t)strlen(buf));
            if (!e)
                return AML_ENOMEM;
        }
        int err = aml_resolve_result(&e, depth + 1);
        if (!err && e != p->u.pkg.elems[i] && !n) /* the first change: work on a copy */
            err = aml_obj_copy(p, &n);
        if (err) {
            aml_obj_unref(e);
            aml_obj_unref(n);
            return err;
        }
        if (n) {
            aml_obj_unref(n->u.pkg.elems[i]);
            n->u.pkg.elems[i] = e;
        } else {
            aml_obj_unref(e);
        }
    }
    if (n) {
        aml_obj_unref(p);
        *res = n;
    }
    return 0;
}
