/* aml_obj.c - AML objects: accounted allocation, reference counts, copies and conversions. */
#include "drivers/acpi/aml/aml_int.h"

#include <stdio.h>

struct aml_limits aml_limits = {
    /* firmware nests methods a few dozen deep (recursive walks of device trees); frames live on the
     * interpreter's heap, not the C stack, so a deep limit costs only heap (max_heap bounds it) */
    .max_call_depth = 256,
    .max_nesting = 4096,
    .loop_timeout_ns = 2000000000ull,
    .eval_timeout_ns = 10000000000ull,
    .max_heap = 32u << 20,
    .max_object = 1u << 20,
};

static size_t heap_used;
static char last_err[160];

/* Allocate n zeroed bytes, counted against aml_limits.max_heap; NULL when over the limit. */
void *aml_alloc(size_t n)
{
    if (n > aml_limits.max_heap || heap_used + n + 16 > aml_limits.max_heap)
        return NULL;
    size_t *p = plat_alloc(n + 16);
    if (!p)
        return NULL;
    p[0] = n;
    heap_used += n + 16;
    return (char *)p + 16;
}

/* Free memory from aml_alloc (NULL is fine). */
void aml_free(void *v)
{
    if (!v)
        return;
    size_t *p = (size_t *)((char *)v - 16);
    heap_used -= p[0] + 16;
    plat_free(p);
}

size_t aml_heap_used(void)
{
    return heap_used;
}

/* Record (and log) an error; returns code so callers can `return aml_error(...)`. */
int aml_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_err, sizeof last_err, fmt, ap);
    va_end(ap);
    plat_log(LOG_ERR, AML_TAG, "%s", last_err);
    return code;
}

const char *aml_last_error(void)
{
    return last_err;
}

const char *aml_strerror(int err)
{
    switch (err) {
    case AML_OK:
        return "ok";
    case AML_ENOENT:
        return "not found";
    case AML_EINVAL:
        return "malformed AML";
    case AML_ENOTSUP:
        return "unsupported";
    case AML_ETYPE:
        return "wrong type";
    case AML_ENOMEM:
        return "out of memory";
    case AML_ELIMIT:
        return "limit exceeded";
    case AML_EEXIST:
        return "already exists";
    case AML_ERANGE:
        return "out of range";
    case AML_EDIVZERO:
        return "divide by zero";
    case AML_EMUTEX:
        return "mutex error";
    case AML_EFATAL:
        return "fatal";
    }
    return "error";
}

/* New object of type with one reference (NULL if out of memory). */
struct aml_obj *aml_obj_new(uint8_t type)
{
    struct aml_obj *o = aml_alloc(sizeof *o);
    if (!o)
        return NULL;
    o->refs = 1;
    o->type = type;
    return o;
}

struct aml_obj *aml_obj_ref(struct aml_obj *o)
{
    if (o)
        o->refs++;
    return o;
}

/* o has reached zero references: free it. Packages are deferred onto *work (their elements are
 * released by the caller's loop); a held target (reference, buffer field) is returned so the
 * caller releases it: no recursion however objects nest. */
static struct aml_obj *free_dead(struct aml_obj *o, struct aml_obj **work)
{
    struct aml_obj *next = NULL;
    switch (o->type) {
    case AML_STRING:
        aml_free(o->u.str.ptr);
        break;
    case AML_BUFFER:
        aml_free(o->u.buf.ptr);
        break;
    case AML_PACKAGE:
        o->priv = *work;
        *work = o;
        return NULL;
    case AML_REFERENCE: {
        struct aml_ref *r = o->priv;
        if (r && (r->kind == REF_INDEX || r->kind == REF_OBJ))
            next = r->target;
        if (r && (r->kind == REF_NODE || r->kind == REF_PATH) && o->u.node)
            aml_node_put(o->u.node);
        if (r && r->kind == REF_LOCAL)
            aml_frame_put(r->frame);
        break; /* r is part of o's allocation (aml_reference) */
    }
    case AML_BUFFER_FIELD: {
        struct aml_bfield *b = o->priv;
        if (b)
            next = b->buf;
        aml_free(b);
        break;
    }
    default:
        aml_free(o->priv);
        break;
    }
    aml_free(o);
    return next;
}

static void release_chain(struct aml_obj *o, struct aml_obj **work)
{
    while (o && --o->refs == 0)
        o = free_dead(o, work);
}

/* Drop one reference; frees the object (and what it holds) at zero. Iterative. */
void aml_obj_unref(struct aml_obj *o)
{
    struct aml_obj *work = NULL;
    release_chain(o, &work);
    while (work) {
        struct aml_obj *p = work;
        work = p->priv;
        for (uint32_t i = 0; i < p->u.pkg.count; i++)
            release_chain(p->u.pkg.elems[i], &work);
        aml_free(p->u.pkg.elems);
        aml_free(p);
    }
}

void aml_obj_free(struct aml_obj *o)
{
    aml_obj_unref(o);
}

/* New string of len chars copied from s (s may be NULL: zero-filled). */
struct aml_obj *aml_str_new(const char *s, uint32_t len)
{
    if (len > aml_limits.max_object) {
        aml_error(AML_ENOMEM, "string of %u bytes exceeds the object limit", len);
        return NULL;
    }
    struct aml_obj *o = aml_obj_new(AML_STRING);
    if (!o)
        return NULL;
    o->u.str.ptr = aml_alloc(len + 1);
    if (!o->u.str.ptr) {
        aml_free(o);
        return NULL;
    }
    if (s)
        memcpy(o->u.str.ptr, s, len);
    o->u.str.len = len;
    return o;
}

/* New buffer of len bytes copied from data (NULL: zeroed). */
struct aml_obj *aml_buf_new(const uint8_t *data, uint32_t len)
{
    if (len > aml_limits.max_object) {
        aml_error(AML_ENOMEM, "buffer of %u bytes exceeds the object limit", len);
        return NULL;
    }
    struct aml_obj *o = aml_obj_new(AML_BUFFER);
    if (!o)
        return NULL;
    o->u.buf.ptr = aml_alloc(len ? len : 1);
    if (!o->u.buf.ptr) {
        aml_free(o);
        return NULL;
    }
    if (data)
        memcpy(o->u.buf.ptr, data, len);
    o->u.buf.len = len;
    return o;
}

/* New package of count uninitialized (NULL) elements. */
struct aml_obj *aml_pkg_new(uint32_t count)
{
    if (count > aml_limits.max_object / sizeof(void *)) {
        aml_error(AML_ENOMEM, "package of %u elements exceeds the object limit", count);
        return NULL;
    }
    struct aml_obj *o = aml_obj_new(AML_PACKAGE);
    if (!o)
        return NULL;
    o->u.pkg.elems = aml_alloc((count ? count : 1) * sizeof(void *));
    if (!o->u.pkg.elems) {
        aml_free(o);
        return NULL;
    }
    o->u.pkg.count = count;
    return o;
}

/* New reference object of the given kind (fields zero). */
struct aml_obj *aml_reference(uint8_t kind)
{
    /* one allocation: the object and its aml_ref (freed with the object) */
    struct refobj {
        struct aml_obj o;
        struct aml_ref r;
    } *b = aml_alloc(sizeof *b);
    if (!b)
        return NULL;
    b->o.refs = 1;
    b->o.type = AML_REFERENCE;
    b->r.kind = kind;
    b->o.priv = &b->r;
    return &b->o;
}

struct aml_obj *aml_obj_integer(uint64_t v)
{
    struct aml_obj *o = aml_obj_new(AML_INTEGER);
    if (o)
        o->u.ival = v;
    return o;
}

struct aml_obj *aml_obj_string(const char *s)
{
    return aml_str_new(s, (uint32_t)strlen(s));
}

struct aml_obj *aml_obj_buffer(const void *data, uint32_t len)
{
    return aml_buf_new(data, len);
}

/* Deep copy of data objects; packages are copied level by level with an explicit worklist. */
int aml_obj_copy(struct aml_obj *src, struct aml_obj **out)
{
    *out = NULL;
    switch (src->type) {
    case AML_INTEGER:
        *out = aml_obj_integer(src->u.ival);
        break;
    case AML_STRING:
        *out = aml_str_new(src->u.str.ptr, src->u.str.len);
        break;
    case AML_BUFFER:
        *out = aml_buf_new(src->u.buf.ptr, src->u.buf.len);
        break;
    case AML_PACKAGE: {
        /* Copy the top level; nested packages are shared (copy-on-store semantics are
         * applied only at the top level, which is what Store needs). */
        struct aml_obj *p = aml_pkg_new(src->u.pkg.count);
        if (!p)
            break;
        for (uint32_t i = 0; i < src->u.pkg.count; i++)
            p->u.pkg.elems[i] = aml_obj_ref(src->u.pkg.elems[i]);
        *out = p;
        break;
    }
    default:
        *out = aml_obj_ref(src);
        break;
    }
    return *out ? 0 : aml_error(AML_ENOMEM, "out of memory copying an object");
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Integer value of o. implicit: strings are hex (ACPI implicit conversion); explicit ToInteger:
 * "0x.." hex else decimal. Buffers: little-endian first 4/8 bytes. */
int aml_to_int(struct aml_obj *o, uint64_t *out, bool implicit)
{
    uint64_t v = 0;
    switch (o->type) {
    case AML_INTEGER:
        v = o->u.ival;
        break;
    case AML_STRING: {
        const char *s = o->u.str.ptr;
        uint32_t n = o->u.str.len, i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        int base = implicit ? 16 : 10;
        if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            base = 16;
            i += 2;
        }
        for (; i < n; i++) {
            int d = hexval(s[i]);
            if (d < 0 || d >= base)
                break;
            v = v * (uint64_t)base + (uint64_t)d;
        }
        break;
    }
    case AML_BUFFER: {
        uint32_t n = o->u.buf.len, max = aml_int_bits / 8;
        if (n > max)
            n = max;
        for (uint32_t i = 0; i < n; i++)
            v |= (uint64_t)o->u.buf.ptr[i] << (8 * i);
        break;
    }
    default:
        return aml_error(AML_ETYPE, "cannot convert object type %d to an integer", o->type);
    }
    *out = aml_trunc(v);
    return 0;
}

/* Buffer value of o (ToBuffer rules): integers 4/8 bytes LE, strings with their NUL. */
int aml_to_buf(struct aml_obj *o, struct aml_obj **out)
{
    switch (o->type) {
    case AML_BUFFER:
        *out = aml_obj_ref(o);
        return 0;
    case AML_INTEGER: {
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(o->u.ival >> (8 * i));
        *out = aml_buf_new(b, aml_int_bits / 8);
        break;
    }
    case AML_STRING:
        *out = aml_buf_new((const uint8_t *)o->u.str.ptr, o->u.str.len + 1); /* with its NUL */
        break;
    default:
        return aml_error(AML_ETYPE, "cannot convert object type %d to a buffer", o->type);
    }
    return *out ? 0 : AML_ENOMEM;
}

/* String value of o. how 0: implicit (integer -> hex digits, buffer -> "0x01 0x02" as ACPICA);
 * 'x': ToHexString; 'd': ToDecimalString. */
int aml_to_str(struct aml_obj *o, struct aml_obj **out, int how)
{
    char tmp[32];
    switch (o->type) {
    case AML_STRING:
        *out = aml_obj_ref(o);
        return 0;
    case AML_INTEGER:
        if (how == 'd')
            snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)o->u.ival);
        else if (aml_int_bits == 32)
            snprintf(tmp, sizeof tmp, "%08llX", (unsigned long long)o->u.ival);
        else
            snprintf(tmp, sizeof tmp, "%016llX", (unsigned long long)o->u.ival);
        *out = aml_str_new(tmp, (uint32_t)strlen(tmp));
        break;
    case AML_BUFFER: {
        uint32_t n = o->u.buf.len;
        if ((uint64_t)n * 5 > aml_limits.max_object)
            return aml_error(AML_ENOMEM, "buffer too large to convert to a string");
        struct aml_obj *s = aml_str_new(NULL, n * 5);
        if (!s)
            return AML_ENOMEM;
        uint32_t len = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (how == 'd')
                snprintf(tmp, sizeof tmp, "%s%u", i ? "," : "", o->u.buf.ptr[i]);
            else
                snprintf(tmp, sizeof tmp, "%s0x%02X", !i ? "" : how ? "," : " ", o->u.buf.ptr[i]);
            size_t l = strlen(tmp);
            memcpy(s->u.str.ptr + len, tmp, l);
            len += (uint32_t)l;
        }
        s->u.str.ptr[len] = 0;
        s->u.str.len = len;
        *out = s;
        break;
    }
    default:
        return aml_error(AML_ETYPE, "cannot convert object type %d to a string", o->type);
    }
    return *out ? 0 : AML_ENOMEM;
}

static const char *type_names[] = {
    "Uninitialized", "Integer", "String",      "Buffer",    "Package",  "FieldUnit",
    "Device",        "Event",   "Method",      "Mutex",     "OpRegion", "Power",
    "Processor",     "Thermal", "BufferField", "DDBHandle", "Debug",
};

/* Canonical print of an object (the format tests compare with acpiexec's, normalized):
 *   [Integer] = 000000000000002A / [String] Length 03 = "abc" / [Buffer] Length 02 = 01 02
 *   [Package] Contains N Elements: (then each element indented by 2 more). Iterative. */
void aml_obj_print_to(const struct aml_obj *o, int indent, void (*out)(const char *))
{
    struct {
        const struct aml_obj *pkg;
        uint32_t i;
    } stack[64];
    int sp = 0;
    char line[160];
    for (;;) {
        int ind = indent + 2 * sp;
        if (!o) {
            snprintf(line, sizeof line, "%*s[Null]\n", ind, "");
            out(line);
        } else if (o->type == AML_INTEGER) {
            snprintf(line, sizeof line, "%*s[Integer] = %016llX\n", ind, "", (unsigned long long)o->u.ival);
            out(line);
        } else if (o->type == AML_STRING) {
            snprintf(line, sizeof line, "%*s[String] Length %02X = \"", ind, "", o->u.str.len);
            out(line);
            for (uint32_t i = 0; i < o->u.str.len; i += 100) {
                snprintf(line, sizeof line, "%.*s", (int)(o->u.str.len - i < 100 ? o->u.str.len - i : 100),
                         o->u.str.ptr + i);
                out(line);
            }
            out("\"\n");
        } else if (o->type == AML_BUFFER) {
            snprintf(line, sizeof line, "%*s[Buffer] Length %02X =", ind, "", o->u.buf.len);
            out(line);
            for (uint32_t i = 0; i < o->u.buf.len; i++) {
                snprintf(line, sizeof line, " %02X", o->u.buf.ptr[i]);
                out(line);
            }
            out("\n");
        } else if (o->type == AML_PACKAGE) {
            snprintf(line, sizeof line, "%*s[Package] Contains %u Elements:\n", ind, "", o->u.pkg.count);
            out(line);
            if (sp < 64 && o->u.pkg.count) {
                stack[sp].pkg = o;
                stack[sp].i = 0;
                sp++;
                o = stack[sp - 1].pkg->u.pkg.elems[0];
                continue;
            }
        } else if (o->type == AML_REFERENCE) {
            const struct aml_ref *r = o->priv;
            char path[128] = "?";
            if (r && r->kind == REF_NODE && o->u.node)
                aml_node_path(o->u.node, path, sizeof path);
            snprintf(line, sizeof line, "%*s[Reference] %s\n", ind, "", path);
            out(line);
        } else {
            snprintf(line, sizeof line, "%*s[%s]\n", ind, "", o->type <= 16 ? type_names[o->type] : "Object");
            out(line);
        }
        /* next element */
        for (;;) {
            if (!sp)
                return;
            stack[sp - 1].i++;
            if (stack[sp - 1].i < stack[sp - 1].pkg->u.pkg.count) {
                o = stack[sp - 1].pkg->u.pkg.elems[stack[sp - 1].i];
                break;
            }
            sp--;
        }
    }
}

static void print_out(const char *s)
{
    plat_printf("%s", s);
}

void aml_obj_print(const struct aml_obj *obj, int indent)
{
    aml_obj_print_to(obj, indent, print_out);
}
