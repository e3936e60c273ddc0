"""hotmem-gdb.py - gdb helper commands for hotmem, sourced by scripts/hotmem.gdb (make debug).

The commands read the kernel's own data structures through QEMU's gdb stub, with the symbols and
DWARF types of build/hotmem.elf; they never call kernel code, so they work wherever the kernel is
stopped: at a breakpoint in the middle of an offline (a section CAGED), in an interrupt handler,
in the idle loop. Memory is read through the kernel's virtual addresses (the section table's
pointers are direct-map addresses, DIRECT_MAP_BASE in include/hotmem/params.h); the current page
tables translate them, as they do for the kernel.

    hm                       list these commands
    hm-sections              = the shell's `sections`   (mm_dump_sections, mm/dump.c)
    hm-buddyinfo             = the shell's `buddyinfo`  (mm_dump_buddyinfo)
    hm-mem                   = the shell's `mem`        (mm_dump_mem)
    hm-frame <pfn|pa>        one frame descriptor decoded, and the block it belongs to
    hm-dimms                 = the shell's `dimms`      (memhp_dump, drivers/acpi/memhp.c)
    hm-vmem                  virtio-mem devices: region, sizes, state, blocker, plugged masks
                             (the shell's `vmem` from the driver's memory: no device reads)
    hm-aml <path>            one AML namespace node: type, value, children (\\_SB.MHPC, _SB.MP00)
    hm-trace [count]         = the shell's `trace`      (kernel/trace.c), oldest first
    hm-ps [pid]              user processes and their mappings; with a pid, every page

hm-sections, hm-buddyinfo, hm-mem, hm-dimms and hm-trace print exactly what the shell command
prints at the same moment (same data, same format strings), so their output can be compared
character for character (tests/integration/test_gdb_helpers.py does).

Constants that are only macros (SECTION_SHIFT, ...) are read from the headers
(include/hotmem/params.h, mm/mm_internal.h) when the script loads; array sizes and the names of
the frame states (enum frame_state) come from DWARF.
"""

import os
import re
import struct

import gdb  # only available inside gdb

try:
    _HERE = os.path.dirname(os.path.abspath(__file__))
except NameError:  # sourced in a way that does not set __file__: gdb runs from the repo root
    _HERE = os.path.join(os.getcwd(), "scripts")
ROOT = os.path.dirname(_HERE)

U64 = (1 << 64) - 1


# ---- constants from the headers ------------------------------------------------------------------

def _parse_defines(path, names=None):
    """#define NAME <integer expression> from a header, evaluated (earlier defines usable)."""
    out = {}
    try:
        text = open(path).read()
    except OSError:
        return out
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for m in re.finditer(r"^\s*#define\s+(\w+)\s+(.+?)\s*$", text, re.M):
        name, expr = m.group(1), m.group(2).split("//")[0].strip()
        if "(" in name or not expr:
            continue
        expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU]?)\b", r"\1", expr)
        expr = re.sub(r"\((?:unsigned|uint\d+_t|int)\)", "", expr)
        if not re.fullmatch(r"[\w\s()<>+\-*/|&~^]+", expr):
            continue
        try:
            v = eval(expr.replace("/", "//"), {"__builtins__": {}}, dict(out))
        except Exception:
            continue
        if isinstance(v, int):
            out[name] = v
    return out


P = _parse_defines(os.path.join(ROOT, "include", "hotmem", "params.h"))
P.update(_parse_defines(os.path.join(ROOT, "mm", "mm.h")))
P.update(_parse_defines(os.path.join(ROOT, "mm", "mm_internal.h")))
PAGE_SHIFT = P.get("PAGE_SHIFT", 12)
SECTION_SHIFT = P.get("SECTION_SHIFT", 27)
SUBSECTION_SHIFT = P.get("SUBSECTION_SHIFT", 21)
PFN_SECTION_SHIFT = SECTION_SHIFT - PAGE_SHIFT
PFN_SUB_SHIFT = SUBSECTION_SHIFT - PAGE_SHIFT
DIRECT_MAP_BASE = P.get("DIRECT_MAP_BASE", 0xFFFF800000000000)
PFN_NIL = P.get("PFN_NIL", 0xFFFFFFFFFFFF)
# enum frame_state (mm/mm_internal.h) when DWARF does not have it
FS_DEFAULT = ["uninit", "tail", "free", "held", "offline", "used", "movable", "fixed", "hole", "cached"]


# ---- reading kernel memory -----------------------------------------------------------------------

class HmError(Exception):
    pass


def _inf():
    return gdb.selected_inferior()


def read_bytes(addr, size):
    try:
        return bytes(_inf().read_memory(int(addr), int(size)))
    except gdb.MemoryError as e:
        raise HmError(f"cannot read {size} bytes at {int(addr):#x}: {e}")


def read_u64s(addr, n):
    return struct.unpack(f"<{n}Q", read_bytes(addr, 8 * n))


def sym(name, file=None):
    """Value of a global (or a file's static: file='trace.c') variable."""
    tries = ([f"'{file}'::{name}"] if file else []) + [name]
    for expr in tries:
        try:
            return gdb.parse_and_eval(expr)
        except gdb.error:
            pass
    if hasattr(gdb, "lookup_static_symbol"):
        s = gdb.lookup_static_symbol(name)
        if s is not None:
            return s.value()
    raise HmError(f"no symbol {name!r} in the kernel (is build/hotmem.elf loaded and up to date?)")


def has_sym(name):
    try:
        gdb.parse_and_eval(f"&{name}")
        return True
    except gdb.error:
        return False


def fetch(v):
    """Read a whole object once: later field/element accesses come from gdb's copy."""
    try:
        v.fetch_lazy()
    except gdb.MemoryError as e:
        raise HmError(f"cannot read memory at {int(v.address):#x}: {e}")
    return v


def deref(ptr):
    return fetch(ptr.dereference())


def array_len(v):
    lo, hi = v.type.strip_typedefs().range()
    return hi - lo + 1


def ints(arr):
    """An array Value as a list of Python ints (one memory read)."""
    t = arr.type.strip_typedefs()
    n = array_len(arr)
    esz = t.target().strip_typedefs().sizeof
    fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[esz]
    if arr.address is not None and arr.is_lazy:
        raw = read_bytes(arr.address, n * esz)
    else:
        raw = b"".join(int(arr[i]).to_bytes(esz, "little", signed=False) for i in range(n))
    return list(struct.unpack(f"<{n}{fmt}", raw))


def cstring(ptr, maxlen=256):
    if int(ptr) == 0:
        return "(null)"
    try:
        return ptr.string("ascii", "replace")
    except gdb.error:
        raw = read_bytes(int(ptr), maxlen)
        return raw.split(b"\0")[0].decode("ascii", "replace")


def char_array(v):
    raw = bytes(int(v[i]) & 0xFF for i in range(array_len(v)))
    return raw.split(b"\0")[0].decode("ascii", "replace")


def string_table(name, file, n):
    """A static const char *table[n] of the kernel as a list of Python strings (None for NULL)."""
    try:
        tab = fetch(sym(name, file))
    except HmError:
        return None
    out = []
    for i in range(min(n, array_len(tab))):
        p = tab[i]
        out.append(None if int(p) == 0 else cstring(p))
    return out


def enum_names(type_name, prefix):
    """{value: lowercase name without prefix} of an enum in DWARF."""
    try:
        t = gdb.lookup_type(type_name)
    except gdb.error:
        return {}
    return {f.enumval: f.name[len(prefix):].lower() if f.name.startswith(prefix) else f.name.lower()
            for f in t.fields()}


def popcount(x):
    return bin(x).count("1")


# ---- mm -------------------------------------------------------------------------------------------

def zone_names():
    t = string_table("zone_names", "dump.c", 8)
    if t:
        return t
    return ["normal", "movable"]


def sect_state_name(s):
    """mm_section_state + mm_sect_state_name of a fetched struct mm_section."""
    if int(s["caged"]):
        return "caged"
    if int(s["online"]):
        return "online"
    return "offline"


def section_ptrs():
    """[(idx, struct mm_section * Value)] of every section of the two-level table (mm_sect_root ->
    leaves of section pointers, mm/section.c)."""
    root = sym("mm_sect_root")
    leaf_ptype = root.type.strip_typedefs().target()  # struct mm_section **
    ptype = leaf_ptype.target()
    leaf_size = P.get("SECT_LEAF_SIZE", 1 << P.get("SECT_LEAF_SHIFT", 10))
    out = []
    for r, lp in enumerate(read_u64s(root.address, array_len(root))):
        if lp:
            out += [((r * leaf_size) + i, gdb.Value(p).cast(ptype))
                    for i, p in enumerate(read_u64s(lp, leaf_size)) if p]
    return out


def section_ptr(idx):
    """struct mm_section * Value of section idx, or None."""
    root = sym("mm_sect_root")
    leaf_size = P.get("SECT_LEAF_SIZE", 1 << P.get("SECT_LEAF_SHIFT", 10))
    r = idx // leaf_size
    if r >= array_len(root):
        return None
    lp = read_u64s(root.address + 8 * r, 1)[0]
    if not lp:
        return None
    p = read_u64s(lp + 8 * (idx % leaf_size), 1)[0]
    return gdb.Value(p).cast(root.type.strip_typedefs().target().target()) if p else None


def user_owner():
    try:
        return int(gdb.parse_and_eval("MM_OWN_USER"))
    except gdb.error:
        return -1


def user_in_section(s):
    """User pages (allocated blocks owned MM_OWN_USER) of a section, as dump.c counts them: a walk
    of block heads (the first frame's descriptor is head[sub], the others in mem[sub])."""
    present, own, n = int(s["present"]), user_owner(), 0
    names = enum_names("enum frame_state", "FS_") or dict(enumerate(FS_DEFAULT))
    used = {v for v, name in names.items() if name in ("used", "movable")}
    per_sub = 1 << PFN_SUB_SHIFT
    for sub in range(64):
        if not present >> sub & 1:
            continue
        raw = read_bytes(int(s["mem"][sub]), per_sub * 16)
        h, i = s["head"][sub], 0
        while i < per_sub:
            if i == 0:
                owner, order, st = int(h["owner"]), int(h["order"]), int(h["state"])
            else:
                owner, order, st = raw[16 * i + 12], raw[16 * i + 13], raw[16 * i + 14]
            if order > PFN_SUB_SHIFT:
                break  # inconsistent descriptors: mmverify says more
            if st in used and owner == own:
                n += 1 << order
            i += 1 << order
    return n


def mm_sections_text():
    out = []
    for idx, p in section_ptrs():
        s = deref(p)
        present = int(s["present"])
        if not present:
            continue
        online_mask = int(s["online"])
        movable = int(s["movable"])
        sub_pages = ints(s["sub_pages"])
        online = sum(sub_pages[sub] for sub in range(len(sub_pages)) if online_mask >> sub & 1)
        zone = "normal" if not movable else ("movable" if movable == present else "mixed")
        nr_free, nr_held = int(s["nr_free"]), int(s["nr_held"])
        out.append(
            "section idx=%u base=0x%x node=%u zone=%s state=%s present=%u/64 mask=0x%016x "
            "online=0x%016x free=%u used=%u user=%u\n"
            % (idx, idx << SECTION_SHIFT, int(s["node"]), zone, sect_state_name(s), popcount(present),
               present, online_mask, nr_free, (online - nr_free - nr_held) & U64, user_in_section(s)))
    return "".join(out)


def zone_lists():
    """[(node, zone index, fetched struct mm_zone_lists)] in dump order."""
    zs = fetch(sym("mm_zones"))
    out = []
    for n in range(array_len(zs)):
        row = zs[n]
        for zi in range(array_len(row)):
            out.append((n, zi, row[zi]))
    return out


def mm_buddyinfo_text():
    names = zone_names()
    out = []
    for n, zi, z in zone_lists():
        if not int(z["present"]):
            continue
        line = "buddyinfo node=%u zone=%s" % (n, names[zi])
        line += "".join(" %u" % c for c in ints(z["nr"]))
        out.append(line + "\n")
    return "".join(out)


def pcp_pages():
    """{(node, zone index): pages in every CPU's page cache (mm/pcp.c)}, as pcp_zone_pages()."""
    cpus = sym("pcp_cpus", "pcp.c")  # 64 CPUs: more than gdb's max-value-size at once
    out = {}
    for c in range(array_len(cpus)):
        lists = fetch(cpus[c])["list"]
        for n in range(array_len(lists)):
            for zi in range(array_len(lists[n])):
                for o in range(array_len(lists[n][zi])):
                    k = int(lists[n][zi][o]["count"])
                    if k:
                        out[(n, zi)] = out.get((n, zi), 0) + (k << o)
    return out


def _zone_stats(z, cached=0):
    """A zone's `mem` figures; free counts its free lists and the CPUs' caches (cached)."""
    st = {k: int(z[k]) for k in ("present", "online", "free", "movable")}
    st["free"] += cached
    st["caged"] = int(z["held"])
    st["kernel"] = (st["online"] - st["free"] - st["caged"] - st["movable"]) & U64
    return st


def mm_mem_text():
    names = zone_names()
    out = []
    tot = dict.fromkeys(("present", "online", "free", "kernel", "movable", "caged"), 0)
    cached = pcp_pages()
    for n, zi, z in zone_lists():
        st = _zone_stats(z, cached.get((n, zi), 0))
        for k in tot:
            tot[k] = (tot[k] + st[k]) & U64
        if not st["present"]:
            continue
        out.append("mem node=%u zone=%s present=%u online=%u free=%u kernel=%u movable=%u caged=%u user=%u\n"
                   % (n, names[zi], st["present"], st["online"], st["free"], st["kernel"], st["movable"],
                      st["caged"], int(fetch(sym("zone_pages", "rmap.c"))[n][zi])))
    out.append("mem total present=%u online=%u free=%u kernel=%u movable=%u caged=%u free_mib=%u user=%u\n"
               % (tot["present"], tot["online"], tot["free"], tot["kernel"], tot["movable"], tot["caged"],
                  tot["free"] >> (20 - PAGE_SHIFT), int(sym("ust", "rmap.c")["pages"])))
    return "".join(out)


def owner_name(o):
    t = string_table("owner_names", "buddy.c", 64)
    if t and o < len(t) and t[o]:
        return t[o]
    return enum_names("enum mm_owner", "MM_OWN_").get(o, "?")


def state_name(st):
    """frame_state_name: the name of a frame state (enum frame_state)."""
    names = enum_names("enum frame_state", "FS_") or dict(enumerate(FS_DEFAULT))
    return names.get(st, f"?{st}")


def frame_ptr(pfn):
    """(struct frame * Value, fetched section, sub) of pfn, or (None, section or None, sub). The
    first frame of a subsection is described in its section struct (head[sub]), the others in
    the subsection's memmap (mem[sub])."""
    idx, sub = pfn >> PFN_SECTION_SHIFT, (pfn >> PFN_SUB_SHIFT) & 63
    p = section_ptr(idx)
    if p is None:
        return None, None, sub
    s = deref(p)
    if not (int(s["present"]) >> sub & 1):
        return None, s, sub
    i = pfn & ((1 << PFN_SUB_SHIFT) - 1)
    if i == 0:
        return p.dereference()["head"][sub].address, s, sub
    return s["mem"][sub] + i, s, sub


def read_frame(pfn):
    fp, _, _ = frame_ptr(pfn)
    return None if fp is None else deref(fp)


def block_of(pfn):
    """(head pfn, fetched head frame) of the block containing pfn, found as the kernel does
    (frame_block_of): walking heads from the subsection start, never reading a tail as state."""
    sp = pfn & ~((1 << PFN_SUB_SHIFT) - 1)
    p = sp
    while p < sp + (1 << PFN_SUB_SHIFT):
        f = read_frame(p)
        st = state_name(int(f["state"]))
        if st in ("uninit", "tail") or int(f["order"]) > PFN_SUB_SHIFT:
            return None, None
        if pfn < p + (1 << int(f["order"])):
            return p, f
        p += 1 << int(f["order"])
    return None, None


def sub_state(s, sub):
    bit = 1 << sub
    if not int(s["present"]) & bit:
        return "absent"
    if int(s["caged"]) & bit:
        return "caged"
    if int(s["online"]) & bit:
        return "online"
    return "offline"


def mm_frame_text(pfn):
    fp, s, sub = frame_ptr(pfn)
    pa = pfn << PAGE_SHIFT
    idx = pfn >> PFN_SECTION_SHIFT
    head = f"frame pfn=0x{pfn:x} pa=0x{pa:x} va=0x{(DIRECT_MAP_BASE + pa) & U64:x} section={idx} sub={sub}"
    if fp is None:
        return head + " absent (no section)\n" if s is None else head + " absent (subsection not present)\n"
    f = deref(fp)
    st = state_name(int(f["state"]))
    zone = zone_names()[int(s["movable"]) >> sub & 1]
    lines = [head + f" node={int(s['node'])} zone={zone} sub_state={sub_state(s, sub)}",
             f"  descriptor at 0x{int(fp):x} ({fp.type.target().strip_typedefs().sizeof} bytes): "
             f"state={st} order={int(f['order'])} owner={int(f['owner'])} ({owner_name(int(f['owner']))})"
             + (f" cookie=0x{int(f['use']['cookie']):x}" if st in ("used", "movable", "fixed", "hole") else "")
             + f" vflag={int(f['vflag'])}"]
    hpfn, hf = block_of(pfn)
    if hf is None:
        lines.append("  no block found walking the subsection's heads (inconsistent descriptors?)")
        return "\n".join(lines) + "\n"
    if hpfn != pfn:
        lines[-1] += " (a tail: not read as state, see struct frame)"
    hst, order = state_name(int(hf["state"])), int(hf["order"])
    if hpfn != pfn:
        lines.append(f"  tail of block head=0x{hpfn:x} order={order} state={hst}")
    kind = {"free": "free, on the free list of order %u" % order,
            "held": "free, held by a cage (on no list)",
            "offline": "free, in an offline subsection (on no list)",
            "cached": "free, in a CPU's page cache (on no buddy list)",
            "used": "allocated", "movable": "allocated movable",
            "fixed": "fixed (never allocated or freed)", "hole": "hole (not RAM)"}.get(hst, hst)
    lines.append(f"  block pfn=0x{hpfn:x}-0x{hpfn + (1 << order) - 1:x} pa=0x{hpfn << PAGE_SHIFT:x} "
                 f"size={(1 << order) * 4}KiB state={hst}: {kind}")
    if hst in ("used", "movable", "fixed", "hole"):
        use = hf["use"]
        lines.append(f"  owner={owner_name(int(hf['owner']))} cookie=0x{int(hf['use']['cookie']):x} "
                     f"aux=0x{int(use['aux']):x}")
    elif hst == "free":
        lru = hf["lru"]
        nx = int(lru["next"]) | int(lru["next_hi"]) << 32
        pv = int(lru["prev"]) | int(lru["prev_hi"]) << 32
        fmt = lambda v: "nil" if v == PFN_NIL else f"0x{v:x}"
        lines.append(f"  free list links: next={fmt(nx)} prev={fmt(pv)}")
    return "\n".join(lines) + "\n"


# ---- drivers/acpi ---------------------------------------------------------------------------------

MEMDEV_STATES = {0: "absent", 1: "online", 2: "failed", 3: "ejecting"}


def memhp_state_name(v):
    names = enum_names("enum memhp_state", "MEMDEV_") or MEMDEV_STATES
    return names.get(v, "?")


def dimms_text():
    devs = sym("devs", "memhp.c")
    n = int(sym("ndevs", "memhp.c"))
    ptrs = read_u64s(devs.address, min(n, array_len(devs)))
    ptype = devs.type.strip_typedefs().target()
    out = []
    for p in ptrs:
        d = deref(gdb.Value(p).cast(ptype))
        nr = int(d["nranges"])
        base = int(d["r"][0]["base"]) if nr else 0
        size = sum(int(d["r"][k]["size"]) for k in range(nr)) & U64
        rep = d["last_rep"]
        blocker = " blocker=" + cstring(rep["owner_name"]) if int(rep["err"]) else ""
        out.append("slot=%u sta=0x%x base=0x%x size=0x%x node=%u state=%s ejects=%u eject_fails=%u path=%s%s\n"
                   % (int(d["slot"]), int(d["sta"]), base, size, int(d["pxm"]), memhp_state_name(int(d["state"])),
                      int(d["ejects"]), int(d["eject_fails"]), char_array(d["path"]), blocker))
    return "".join(out)


VMEM_STATES = {0: "idle", 1: "stuck", 2: "broken"}


def vmem_text():
    """The virtio-mem driver's view (drivers/virtio/virtio_mem.h): one summary line per device and
    the shell's `vmem` section-mask lines, computed from the unit states."""
    if not has_sym("vmem_devs"):
        raise HmError("no virtio-mem driver in this kernel")
    devs = sym("vmem_devs")
    n = int(sym("vmem_ndevs"))
    ptype = devs.type.strip_typedefs().target()
    out = []
    if not n:
        out.append("no virtio-mem devices\n")
    for d, p in enumerate(read_u64s(devs.address, min(n, array_len(devs)))):
        m = deref(gdb.Value(p).cast(ptype))
        unit, base, nunits = int(m["unit"]), int(m["base"]), int(m["nunits"])
        why = cstring(m["last_why"]) if int(m["last_why"]) else ""
        pfn = int(m["block_pfn"])
        out.append("vmem dev=%u addr=0x%x region=0x%x block=0x%x unit=0x%x node=%u plugged=0x%x requested=0x%x "
                   "usable=0x%x state=%s why=\"%s\" blocker_pfn=0x%x owner=%s\n"
                   % (d, int(m["addr"]), int(m["region_size"]), int(m["block_size"]), unit, int(m["node"]),
                      int(m["plugged"]), int(m["requested"]), int(m["usable"]),
                      VMEM_STATES.get(int(m["state"]), "?"), why, pfn,
                      owner_name(int(m["block_owner"])) if pfn else "-"))
        states = read_bytes(int(m["ustate"]), nunits) if nunits else b""
        masks = {}
        spu = unit >> SUBSECTION_SHIFT
        for i, st in enumerate(states):
            if st:
                a = base + i * unit
                sec = a >> SECTION_SHIFT
                for k in range(min(spu, 64)):
                    masks[sec] = masks.get(sec, 0) | 1 << (((a - (sec << SECTION_SHIFT)) >> SUBSECTION_SHIFT) + k)
        for sec in sorted(masks):
            out.append("vmem dev=%u section=%u plugged=0x%016x\n" % (d, sec, masks[sec]))
    return "".join(out)


def _seg(name):
    name = name.upper()
    if not re.fullmatch(r"[A-Z_][A-Z0-9_]{0,3}", name):
        raise HmError(f"bad name segment {name!r}")
    return name.ljust(4, "_")


def aml_node_name(n):
    v = int(n["name"])
    return v.to_bytes(4, "little").decode("ascii", "replace")


def aml_children(n):
    out = []
    c = n["child"]
    guard = 0
    while int(c) and guard < 100000:
        cn = deref(c)
        out.append((c, cn))
        c = cn["next"]
        guard += 1
    return out


def aml_find(path):
    root_p = sym("aml_root")
    if int(root_p) == 0:
        raise HmError("aml_root is NULL: no AML namespace loaded yet")
    p = path.strip()
    if p.startswith("\\"):
        p = p[1:]
    node_p = root_p
    for seg in [s for s in p.split(".") if s]:
        want = _seg(seg)
        for cp, cn in aml_children(deref(node_p)):
            if aml_node_name(cn) == want:
                node_p = cp
                break
        else:
            raise HmError(f"{path}: no node {want} under {aml_path(deref(node_p))}")
    return node_p


def aml_path(n):
    segs = []
    guard = 0
    while int(n["parent"]) and guard < 256:
        segs.append(aml_node_name(n))
        n = deref(n["parent"])
        guard += 1
    return "\\" + ".".join(reversed(segs))


def aml_type_name(t):
    names = enum_names("enum aml_type", "AML_")
    return names.get(t, f"type{t}")


def aml_obj_text(op, indent=2, depth=0):
    pad = " " * indent
    if int(op) == 0:
        return [pad + "object: NULL"]
    o = deref(op)
    t = int(o["type"])
    u = o["u"]
    head = f"{pad}{aml_type_name(t)} (refs={int(o['refs'])})"
    if t == 1:
        return [f"{head} value=0x{int(u['ival']):x} ({int(u['ival'])})"]
    if t == 2:
        n = int(u["str"]["len"])
        s = read_bytes(int(u["str"]["ptr"]), min(n, 200)).decode("ascii", "replace") if n else ""
        return [f"{head} len={n} \"{s}\"" + ("..." if n > 200 else "")]
    if t == 3:
        n = int(u["buf"]["len"])
        raw = read_bytes(int(u["buf"]["ptr"]), min(n, 64)) if n else b""
        return [f"{head} len={n} bytes: {raw.hex(' ')}" + (" ..." if n > 64 else "")]
    if t == 4:
        n = int(u["pkg"]["count"])
        lines = [f"{head} count={n}"]
        if depth < 3:
            elems = u["pkg"]["elems"]
            for i in range(min(n, 16)):
                lines.append(f"{pad}  [{i}]")
                lines += aml_obj_text(elems[i], indent + 4, depth + 1)
            if n > 16:
                lines.append(f"{pad}  ...")
        return lines
    priv = o["priv"]
    extra = ""
    try:
        if t == 8 and int(priv):
            m = deref(priv.cast(gdb.lookup_type("struct aml_method").pointer()))
            fl = int(m["flags"])
            extra = (f" args={fl & 7} serialized={fl >> 3 & 1} sync={fl >> 4} code_len={int(m['len'])}"
                     f" code=0x{int(m['code']):x}")
        elif t == 10 and int(priv):
            r = deref(priv.cast(gdb.lookup_type("struct aml_region").pointer()))
            extra = f" space={int(r['space'])} base=0x{int(r['base']):x} len=0x{int(r['len']):x}"
        elif t == 5 and int(priv):
            f = deref(priv.cast(gdb.lookup_type("struct aml_field").pointer()))
            extra = (f" kind={int(f['kind'])} bit_off={int(f['bit_off'])} bit_len={int(f['bit_len'])}"
                     f" flags=0x{int(f['flags']):x}")
        elif t == 20:
            extra = f" node=0x{int(u['node']):x}"
    except gdb.error:
        pass
    return [head + extra]


def aml_text(path):
    np_ = aml_find(path)
    n = deref(np_)
    obj = n["obj"]
    t = int(deref(obj)["type"]) if int(obj) else 0
    lines = [f"{aml_path(n)} node=0x{int(np_):x} type={aml_type_name(t)} refs={int(n['refs'])}"
             + (" dead" if bool(n["dead"]) else "")]
    lines += aml_obj_text(obj)
    kids = aml_children(n)
    if kids:
        lines.append(f"  children ({len(kids)}): " + " ".join(
            f"{aml_node_name(cn)}:{aml_type_name(int(deref(cn['obj'])['type'])) if int(cn['obj']) else '?'}"
            for _, cn in kids))
    return "\n".join(lines) + "\n"


# ---- trace ----------------------------------------------------------------------------------------

def trace_text(count=None):
    ring = sym("trace_ring")
    size = array_len(ring)
    nxt = int(sym("trace_next"))
    n = size if count is None else count
    first = nxt - n if nxt > n else 1
    if nxt > size and first < nxt - size:
        first = nxt - size
    names = string_table("trace_names", "trace.c", 64) or []
    esz = ring.type.strip_typedefs().target().sizeof
    raw = read_bytes(ring.address, esz * size) if nxt > first else b""
    out = []
    for s in range(first, nxt):
        off = (s % size) * esz
        seq, ns, typ, a, b, c = struct.unpack_from("<6Q", raw, off)
        name = names[typ] if typ < len(names) and names[typ] else "?"
        out.append("%6u %5u.%06u %-14s a=0x%x b=0x%x c=0x%x\n"
                   % (seq, ns // 1000000000, ns // 1000 % 1000000, name, a, b, c))
    return "".join(out)


# ---- the commands ---------------------------------------------------------------------------------

# ---- user processes (kernel/proc.h, kernel/uvm.c) -------------------------------------------------

PTE_P, PTE_W, PTE_U, PTE_MIG, PTE_NX = 1, 2, 4, 1 << 9, 1 << 63
PTE_ADDR = 0x000FFFFFFFFFF000
PROC_STATES = {0: "free", 1: "running", 2: "exited"}


def _table(pa):
    return read_u64s((DIRECT_MAP_BASE + pa) & U64, 512)


def user_ptes(pml4, start, end):
    """[(va, pte)] of the non-empty leaf entries of [start, end) in the tables at pml4."""
    out, va = [], start
    while va < end:
        t, ok = pml4, True
        for level in (3, 2, 1):
            e = _table(t)[(va >> (12 + 9 * level)) & 511]
            if not e & PTE_P:
                ok = False
                break
            t = e & PTE_ADDR
        if not ok:  # nothing mapped in this 2 MiB
            va = (va | ((1 << 21) - 1)) + 1
            continue
        pt = _table(t)
        while True:
            e = pt[(va >> 12) & 511]
            if e:
                out.append((va, e))
            va += 4096
            if va >= end or not va & ((1 << 21) - 1):
                break
    return out


def ps_text(arg):
    """Processes, their vmas with resident pages, and with a pid: every mapped page."""
    procs = fetch(sym("procs", "proc.c"))
    want = int(arg) if arg else None
    out = []
    for i in range(array_len(procs)):
        p = procs[i]
        state = int(p["state"])
        if not state or (want is not None and int(p["pid"]) != want):
            continue
        pml4 = int(p["pml4"])
        out.append("pid=%u name=%s state=%s cpu=%u node=%u pml4=0x%x cpus=0x%x\n"
                   % (int(p["pid"]), char_array(p["name"]), PROC_STATES.get(state, "?"), int(p["cpu"]),
                      int(p["node"]), pml4, int(p["cpus"])))
        v = p["vmas"]
        while int(v) and pml4:
            vm = deref(v)
            start, end, prot = int(vm["start"]), int(vm["end"]), int(vm["prot"])
            ptes = user_ptes(pml4, start, end)
            shm = "key=%u" % int(deref(vm["shm"])["key"]) if int(vm["shm"]) else "none"
            out.append("  vma 0x%x-0x%x prot=%s%s%s shm=%s resident=%u migrating=%u\n"
                       % (start, end, "r" if prot & 1 else "-", "w" if prot & 2 else "-", "x" if prot & 4 else "-",
                          shm, sum(1 for _, e in ptes if e & PTE_P), sum(1 for _, e in ptes if e & PTE_MIG)))
            if want is not None:
                for va, e in ptes:
                    out.append("    va=0x%x pa=0x%x %s%s\n" % (va, e & PTE_ADDR, "present" if e & PTE_P else "migrating",
                                                             " w" if e & PTE_W else ""))
            v = vm["next"]
    return "".join(out) or "no processes\n"


def _num(arg):
    try:
        return int(gdb.parse_and_eval(arg))
    except gdb.error as e:
        raise HmError(f"bad number {arg!r}: {e}")


class HmCommand(gdb.Command):
    """Base: runs self.text(arg) and writes it; HmError becomes a one-line message."""

    name = ""

    def __init__(self):
        super().__init__(self.name, gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        try:
            gdb.write(self.text(arg.strip()))
        except HmError as e:
            raise gdb.GdbError(f"{self.name}: {e}")


class HmSections(HmCommand):
    """hm-sections: one line per present section, exactly as the shell's `sections`."""

    name = "hm-sections"

    def text(self, arg):
        return mm_sections_text()


class HmBuddyinfo(HmCommand):
    """hm-buddyinfo: free block counts per order of each (node, zone), as the shell's `buddyinfo`."""

    name = "hm-buddyinfo"

    def text(self, arg):
        return mm_buddyinfo_text()


class HmMem(HmCommand):
    """hm-mem: page counters per (node, zone) and the total, as the shell's `mem`."""

    name = "hm-mem"

    def text(self, arg):
        return mm_mem_text()


class HmFrame(HmCommand):
    """hm-frame <pfn> | hm-frame -pa <address>: a frame descriptor decoded, and its block.

    Shows the descriptor's state, order, owner and cookie, the block the frame belongs to (its
    head, when the frame is a tail) and the block's state: free on a list (with the list links),
    held by a cage, offline, used / movable (owner, cookie, aux), fixed or hole. Arguments are gdb
    expressions ($rdi, 0x100000 >> 12, ...)."""

    name = "hm-frame"

    def text(self, arg):
        words = arg.split(None, 1)
        if not words or (words[0] == "-pa" and len(words) == 1):
            raise HmError("usage: hm-frame <pfn>  |  hm-frame -pa <address>")
        if words[0] == "-pa":
            return mm_frame_text(_num(words[1]) >> PAGE_SHIFT)
        return mm_frame_text(_num(arg))


class HmDimms(HmCommand):
    """hm-dimms: the ACPI memory devices (PNP0C80), as the shell's `dimms`."""

    name = "hm-dimms"

    def text(self, arg):
        return dimms_text()


class HmVmem(HmCommand):
    """hm-vmem: virtio-mem devices (region, sizes, state, blocker) and their plugged masks."""

    name = "hm-vmem"

    def text(self, arg):
        return vmem_text()


class HmAml(HmCommand):
    """hm-aml <path>: an AML namespace node (\\_SB.MHPC.MP00, _GPE._E03): type, value, children."""

    name = "hm-aml"

    def text(self, arg):
        return aml_text(arg or "\\")


class HmTrace(HmCommand):
    """hm-trace [count]: the event trace ring, oldest first, as the shell's `trace`."""

    name = "hm-trace"

    def text(self, arg):
        return trace_text(_num(arg) if arg else None)


class HmPs(HmCommand):
    """hm-ps [pid]: user processes and their mappings (vmas, resident pages); with a pid, every page.

    Reads the process table and walks each process's page tables: a page is present (va -> pa)
    or a migration entry (being moved; the process waits if it touches it)."""

    name = "hm-ps"

    def text(self, arg):
        return ps_text(arg)


class Hm(HmCommand):
    """hm: list hotmem's gdb helper commands."""

    name = "hm"

    def text(self, arg):
        cmds = [HmSections, HmBuddyinfo, HmMem, HmFrame, HmDimms, HmVmem, HmAml, HmTrace, HmPs]
        return "".join(f"  {c.__doc__.splitlines()[0]}\n" for c in cmds) + \
            "  hm-run-to FUNC / hm-reconnect: see scripts/hotmem.gdb\n"


for _c in (Hm, HmSections, HmBuddyinfo, HmMem, HmFrame, HmDimms, HmVmem, HmAml, HmTrace, HmPs):
    _c()
