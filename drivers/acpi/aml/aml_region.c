/* aml_region.c - operation regions (SystemMemory, SystemIO, PCI_Config), field units with every
 * access width and update rule, index/bank fields, and buffer fields. */
#include "drivers/acpi/aml/aml_int.h"

enum { SPACE_MEM = 0, SPACE_IO = 1, SPACE_PCI = 2 };
enum { RULE_PRESERVE = 0, RULE_ONES = 1, RULE_ZEROS = 2 };

static uint64_t get_bits(const uint8_t *buf, uint64_t pos, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)((buf[(pos + i) >> 3] >> ((pos + i) & 7)) & 1) << i;
    return v;
}

static void set_bits(uint8_t *buf, uint64_t pos, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t m = (uint8_t)(1u << ((pos + i) & 7));
        if (v >> i & 1)
            buf[(pos + i) >> 3] |= m;
        else
            buf[(pos + i) >> 3] &= (uint8_t)~m;
    }
}

/* PCI_Config address of a region: the device's _ADR and the bus from an ancestor's _BBN. */
static int pci_address(struct aml_region *rg, uint32_t *cfg)
{
    uint64_t adr = 0, bbn = 0;
    struct aml_node *dev = rg->node;
    if (dev && aml_find(dev, "_ADR") && aml_eval_int(dev, "_ADR", &adr))
        return AML_EINVAL;
    for (struct aml_node *n = dev; n; n = n->parent) {
        if (aml_find(n, "_BBN")) {
            if (aml_eval_int(n, "_BBN", &bbn))
                return AML_EINVAL;
            break;
        }
    }
    *cfg = 0x80000000u | (uint32_t)(bbn & 0xff) << 16 | (uint32_t)((adr >> 16) & 0x1f) << 11 |
           (uint32_t)(adr & 7) << 8;
    return 0;
}

/* Read or write w bytes (1, 2, 4, 8) at offset off of region rg. */
static int region_rw(struct aml_obj *region, uint64_t off, unsigned w, uint64_t *val, bool write)
{
    struct aml_region *rg = region->priv;
    if (off + w > rg->len || off + w < off)
        return aml_error(AML_ERANGE, "access at 0x%llx+%u past the end of a region of 0x%llx bytes",
                         (unsigned long long)off, w, (unsigned long long)rg->len);
    uint64_t addr = rg->base + off;
    if (rg->mem) { /* DataTableRegion: the table's bytes, read-only */
        if (write)
            return aml_error(AML_EINVAL, "write to a DataTableRegion");
        uint64_t v = 0;
        for (unsigned i = 0; i < w; i++)
            v |= (uint64_t)rg->mem[off + i] << (8 * i);
        *val = v;
        return 0;
    }
    switch (rg->space) {
    case SPACE_MEM: {
        uint8_t *p = plat_phys_to_virt(addr);
        if (!p || (uint8_t *)plat_phys_to_virt(addr + w - 1) != p + w - 1)
            return aml_error(AML_ERANGE, "SystemMemory 0x%llx is not mapped", (unsigned long long)addr);
        if (write) {
            for (unsigned i = 0; i < w; i++)
                p[i] = (uint8_t)(*val >> (8 * i));
        } else {
            uint64_t v = 0;
            for (unsigned i = 0; i < w; i++)
                v |= (uint64_t)p[i] << (8 * i);
            *val = v;
        }
        return 0;
    }
    case SPACE_IO: {
        if (addr + w > 0x10000)
            return aml_error(AML_ERANGE, "SystemIO port 0x%llx out of range", (unsigned long long)addr);
        uint16_t port = (uint16_t)addr;
        if (w == 8) {
            if (write) {
                plat_io_write(port, 32, (uint32_t)*val);
                plat_io_write((uint16_t)(port + 4), 32, (uint32_t)(*val >> 32));
            } else {
                *val = plat_io_read(port, 32) | (uint64_t)plat_io_read((uint16_t)(port + 4), 32) << 32;
            }
        } else if (write) {
            plat_io_write(port, (int)(8 * w), (uint32_t)*val);
        } else {
            *val = plat_io_read(port, (int)(8 * w));
        }
        return 0;
    }
    case SPACE_PCI: {
        uint32_t cfg;
        if (addr + w > 256)
            return aml_error(AML_ERANGE, "PCI_Config offset 0x%llx out of range", (unsigned long long)addr);
        if (pci_address(rg, &cfg))
            return aml_error(AML_EINVAL, "PCI_Config region: cannot evaluate _ADR/_BBN");
        uint64_t v = 0;
        /* byte by byte keeps every access inside one dword whatever the alignment */
        for (unsigned i = 0; i < w; i++) {
            uint32_t a = (uint32_t)(addr + i);
            plat_io_write(0xCF8, 32, cfg | (a & 0xFC));
            if (write)
                plat_io_write((uint16_t)(0xCFC + (a & 3)), 8, (uint8_t)(*val >> (8 * i)));
            else
                v |= (uint64_t)(plat_io_read((uint16_t)(0xCFC + (a & 3)), 8) & 0xff) << (8 * i);
        }
        if (!write)
            *val = v;
        return 0;
    }
    }
    return aml_error(AML_ENOTSUP, "operation region space %u is not supported", rg->space);
}

/* Access width in bytes for a field. AnyAcc: the smallest aligned unit holding the whole field. */
static unsigned access_bytes(const struct aml_field *f)
{
    switch (f->flags & 15) {
    case 1:
        return 1;
    case 2:
        return 2;
    case 3:
        return 4;
    case 4:
        return 8;
    case 0:
        for (unsigned w = 1; w <= aml_int_bits / 8; w *= 2)
            if (f->bit_off / (8 * w) == (f->bit_off + f->bit_len - 1) / (8 * w))
                return w;
        return 1;
    default:
        return 1;
    }
}

static int field_depth;

/* Write the integer v to a field unit (the bank select and index registers of other fields). */
static int write_int_field(struct aml_obj *field, uint64_t v)
{
    struct aml_obj *tmp = aml_obj_integer(v);
    if (!tmp)
        return AML_ENOMEM;
    int err = aml_field_write(field, tmp);
    aml_obj_unref(tmp);
    return err;
}

/* Read or write one access unit (byte offset off, w bytes) of field f. */
static int unit_rw(struct aml_field *f, uint64_t off, unsigned w, uint64_t *val, bool write)
{
    int err;
    struct aml_obj *tmp;
    switch (f->kind) {
    case FIELD_BANK:
        if ((err = write_int_field(f->bank->obj, f->bank_value)))
            return err;
        /* fall through */
    case FIELD_NORMAL:
        return region_rw(f->region->obj, off, w, val, write);
    case FIELD_INDEX:
        if (f->index->obj->type != AML_FIELD_UNIT || f->data->obj->type != AML_FIELD_UNIT)
            return aml_error(AML_ETYPE, "IndexField: index or data field was replaced");
        if ((err = write_int_field(f->index->obj, off)))
            return err;
        if (write)
            return write_int_field(f->data->obj, *val);
        if ((err = aml_field_read(f->data->obj, &tmp)))
            return err;
        err = aml_to_int(tmp, val, true);
        aml_obj_unref(tmp);
        return err;
    }
    return AML_EINVAL;
}

/* Can field f be accessed now (nesting limit, region still there, size)? Its size in bytes. */
static int field_usable(const struct aml_field *f, uint64_t *nbytes)
{
    if (field_depth >= 8)
        return aml_error(AML_ELIMIT, "index/bank fields nested too deeply");
    if (f->kind != FIELD_INDEX && (!f->region->obj || f->region->obj->type != AML_REGION))
        return aml_error(AML_ETYPE, "field's operation region was deleted");
    *nbytes = ((uint64_t)f->bit_len + 7) / 8;
    if (*nbytes > aml_limits.max_object)
        return aml_error(AML_ENOMEM, "field too large");
    return 0;
}

/* Read a field unit: an Integer if it fits the integer width, else a Buffer. */
int aml_field_read(struct aml_obj *field, struct aml_obj **out)
{
    struct aml_field *f = field->priv;
    uint64_t nbytes;
    int err = field_usable(f, &nbytes);
    if (err)
        return err;
    unsigned w = access_bytes(f);
    bool as_int = f->bit_len <= aml_int_bits;
    uint8_t small[8] = {0};
    struct aml_obj *buf = NULL;
    uint8_t *dst = small;
    if (!as_int) {
        buf = aml_buf_new(NULL, (uint32_t)nbytes);
        if (!buf)
            return AML_ENOMEM;
        dst = buf->u.buf.ptr;
    }
    uint64_t ubits = 8ull * w, end = (uint64_t)f->bit_off + f->bit_len;
    field_depth++;
    for (uint64_t u = f->bit_off / ubits; u * ubits < end; u++) {
        uint64_t lo = u * ubits > f->bit_off ? u * ubits : f->bit_off;
        uint64_t hi = (u + 1) * ubits < end ? (u + 1) * ubits : end;
        uint64_t v;
        if ((err = unit_rw(f, u * w, w, &v, false)))
            break;
        unsigned n = (unsigned)(hi - lo);
        uint64_t bits = (v >> (lo - u * ubits)) & (n == 64 ? ~0ull : ((1ull << n) - 1));
        set_bits(dst, lo - f->bit_off, n, bits);
    }
    field_depth--;
    if (err) {
        aml_obj_unref(buf);
        return err;
    }
    if (as_int) {
        *out = aml_obj_integer(get_bits(small, 0, f->bit_len));
        return *out ? 0 : AML_ENOMEM;
    }
    *out = buf;
    return 0;
}

/* The bytes of val for a field of nbits: integers little endian, buffers/strings copied. */
static int value_bits(struct aml_obj *val, uint8_t *dst, uint64_t nbytes)
{
    uint64_t v;
    int err;
    memset(dst, 0, (size_t)nbytes);
    if (val->type == AML_BUFFER) {
        memcpy(dst, val->u.buf.ptr, (size_t)(val->u.buf.len < nbytes ? val->u.buf.len : nbytes));
        return 0;
    }
    if (val->type == AML_STRING) {
        memcpy(dst, val->u.str.ptr, (size_t)(val->u.str.len < nbytes ? val->u.str.len : nbytes));
        return 0;
    }
    if ((err = aml_to_int(val, &v, true)))
        return err;
    for (uint64_t i = 0; i < nbytes && i < 8; i++)
        dst[i] = (uint8_t)(v >> (8 * i));
    return 0;
}

/* Write val to a field unit honouring the access width and update rule. */
int aml_field_write(struct aml_obj *field, struct aml_obj *val)
{
    struct aml_field *f = field->priv;
    uint64_t nbytes;
    int err = field_usable(f, &nbytes);
    if (err)
        return err;
    unsigned w = access_bytes(f);
    uint8_t small[8];
    uint8_t *src = nbytes <= 8 ? small : aml_alloc((size_t)nbytes);
    if (!src)
        return aml_error(AML_ENOMEM, "out of memory");
    err = value_bits(val, src, nbytes);
    uint64_t ubits = 8ull * w, end = (uint64_t)f->bit_off + f->bit_len;
    int rule = (f->flags >> 5) & 3;
    field_depth++;
    for (uint64_t u = f->bit_off / ubits; !err && u * ubits < end; u++) {
        uint64_t lo = u * ubits > f->bit_off ? u * ubits : f->bit_off;
        uint64_t hi = (u + 1) * ubits < end ? (u + 1) * ubits : end;
        unsigned n = (unsigned)(hi - lo), shift = (unsigned)(lo - u * ubits);
        uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << shift;
        uint64_t v = 0;
        if (n < ubits) {
            if (rule == RULE_PRESERVE)
                err = unit_rw(f, u * w, w, &v, false);
            else if (rule == RULE_ONES)
                v = ~0ull;
        }
        if (err)
            break;
        v = (v & ~mask) | ((get_bits(src, lo - f->bit_off, n) << shift) & mask);
        if (w < 8)
            v &= (1ull << (8 * w)) - 1;
        err = unit_rw(f, u * w, w, &v, true);
    }
    field_depth--;
    if (src != small)
        aml_free(src);
    return err;
}

/* Read a buffer field (Create*Field): Integer if it fits, else Buffer. */
int aml_bfield_read(struct aml_obj *bf, struct aml_obj **out)
{
    struct aml_bfield *b = bf->priv;
    if ((uint64_t)b->bit_off + b->bit_len > (uint64_t)b->buf->u.buf.len * 8)
        return aml_error(AML_ERANGE, "buffer field past the buffer end");
    if (b->bit_len <= aml_int_bits && !b->always_buffer) {
        *out = aml_obj_integer(get_bits(b->buf->u.buf.ptr, b->bit_off, b->bit_len));
        return *out ? 0 : AML_ENOMEM;
    }
    struct aml_obj *o = aml_buf_new(NULL, (b->bit_len + 7) / 8);
    if (!o)
        return AML_ENOMEM;
    for (uint32_t i = 0; i < b->bit_len; i += 64) {
        unsigned n = b->bit_len - i < 64 ? b->bit_len - i : 64;
        set_bits(o->u.buf.ptr, i, n, get_bits(b->buf->u.buf.ptr, (uint64_t)b->bit_off + i, n));
    }
    *out = o;
    return 0;
}

/* Write val into a buffer field (the source buffer is modified in place). */
int aml_bfield_write(struct aml_obj *bf, struct aml_obj *val)
{
    struct aml_bfield *b = bf->priv;
    if ((uint64_t)b->bit_off + b->bit_len > (uint64_t)b->buf->u.buf.len * 8)
        return aml_error(AML_ERANGE, "buffer field past the buffer end");
    uint32_t nbytes = (b->bit_len + 7) / 8;
    uint8_t small[8];
    uint8_t *src = nbytes <= 8 ? small : aml_alloc(nbytes);
    if (!src)
        return aml_error(AML_ENOMEM, "out of memory");
    int err = value_bits(val, src, nbytes);
    if (!err) {
        for (uint32_t i = 0; i < b->bit_len; i += 64) {
            unsigned n = b->bit_len - i < 64 ? b->bit_len - i : 64;
            set_bits(b->buf->u.buf.ptr, (uint64_t)b->bit_off + i, n, get_bits(src, i, n));
        }
    }
    if (src != small)
        aml_free(src);
    return err;
}
