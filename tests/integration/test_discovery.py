"""Issue 3: memory discovery in a real boot. For each machine the test computes from the QEMU
command line what the SRAT must contain (QEMU 7.2's build_srat: each node's RAM in order, the
640 KiB hole and the PCI hole cut out, zero fillers, then the device-memory region on the last
node, enabled|hotpluggable) and checks the kernel's `srat`, then checks `numa` against that SRAT
intersected with the kernel's own `memmap` (RAM present now; the rest of the hotplug region
absent), and `acpi` (RSDT on SeaBIOS, XSDT on OVMF, every checksum ok, FADT rev 1 on pc and 3 on
q35). Malformed extra tables (-acpitable) must be reported and skipped, and the boot must reach
the prompt."""

import re
import struct

import pytest

from harness import GiB, MiB, Dimm, device_memory_region, dimm_addresses, parse_size

HOLE_640K = (0xA0000, 0x100000)


def below_4g(machine, ram):
    """QEMU 7.2's RAM below 4 GiB (pc: up to 3.5 GiB, q35: up to 2.75 GiB)."""
    if machine == "pc":
        lowmem = 0xC0000000 if ram >= 0xE0000000 else 0xE0000000
    else:
        lowmem = 0x80000000 if ram >= 0xB0000000 else 0xB0000000
    return min(ram, lowmem)


def expected_srat(machine, node_sizes, region):
    """Enabled SRAT memory entries [(node, base, len, flags)] as QEMU 7.2 builds them."""
    ram = sum(node_sizes)
    low = below_4g(machine, ram)
    out, next_base = [], 0
    for node, size in enumerate(node_sizes):
        base, length = next_base, size
        next_base = base + length
        if base <= HOLE_640K[0] < next_base:
            length -= next_base - HOLE_640K[0]
            if length > 0:
                out.append((node, base, length, "enabled"))
            if next_base <= HOLE_640K[1]:
                next_base = HOLE_640K[1]
                continue
            base, length = HOLE_640K[1], next_base - HOLE_640K[1]
        if base <= low < next_base:
            length -= next_base - low
            if length > 0:
                out.append((node, base, length, "enabled"))
            base, length = 4 * GiB, next_base - low
            next_base = base + length
        if length > 0:
            out.append((node, base, length, "enabled"))
    if region is not None:
        out.append((len(node_sizes) - 1, region.base, region.size, "enabled,hotpluggable"))
    return out


def parse_srat(text):
    mem = [(int(m[1]), int(m[2], 16), int(m[3], 16), m[4])
           for m in re.finditer(r"^mem node (\d+) base (0x[0-9a-f]+) len (0x[0-9a-f]+) flags (\S+)$", text, re.M)]
    cpus = re.findall(r"^cpu node (\d+) (?:x2)?apic (0x[0-9a-f]+) flags (\S+)$", text, re.M)
    return mem, cpus


def parse_memmap(text):
    return [(int(m[1], 16), int(m[2], 16) + 1, m[3], m[4])
            for m in re.finditer(r"^\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (\S+)\s+(\S+)$", text, re.M)]


def parse_numa(text):
    nodes = {int(m[1]): dict(cpus=int(m[2]), present=int(m[3], 16), hp_present=int(m[4], 16), hp_absent=int(m[5], 16))
             for m in re.finditer(r"^node (\d+): cpus (\d+) present (0x[0-9a-f]+) hotplug-present (0x[0-9a-f]+) "
                                  r"hotplug-absent (0x[0-9a-f]+)$", text, re.M)}
    ranges = [(int(m[1], 16), int(m[2], 16), m[3])
              for m in re.finditer(r"^  \[mem \S+\] base (0x[0-9a-f]+) len (0x[0-9a-f]+) (\S+)$", text, re.M)]
    return nodes, ranges


def overlap(a0, a1, ranges):
    return sum(max(0, min(a1, e) - max(a0, b)) for b, e in ranges)


def check_discovery(q, machine, firmware, node_sizes, region, dimms=()):
    """Run acpi/srat/memmap/numa on a booted q and check them against the command line."""
    acpi = q.cmd("acpi")
    root = "XSDT" if firmware == "ovmf" else "RSDT"
    assert re.search(rf"^RSDP rev \d+ oem \S+\s+root {root} at 0x[0-9a-f]+$", acpi, re.M), acpi
    tables = re.findall(r"^(\S{4}) at (0x[0-9a-f]+) len (\d+)\s+rev (\d+)\s+oem (.{6}) checksum (ok|bad)", acpi, re.M)
    sigs = [t[0] for t in tables]
    for sig in (root, "FACP", "APIC", "DSDT", "SRAT"):
        assert sig in sigs, f"{sig} missing from acpi:\n{acpi}"
    assert all(t[5] == "ok" for t in tables), acpi
    assert "IGNORED" not in acpi, acpi
    facp = tables[sigs.index("FACP")]
    assert (int(facp[2]), int(facp[3])) == ((116, 1) if machine == "pc" else (244, 3)), acpi

    srat = q.cmd("srat")
    mem, cpus = parse_srat(srat)
    enabled = [e for e in mem if e[3] != "disabled"]
    assert enabled == expected_srat(machine, node_sizes, region), srat
    assert all(e[1] == 0 and e[2] == 0 for e in mem if e[3] == "disabled"), srat
    assert len(cpus) == q.cfg.cpus and all(c[2] == "enabled" for c in cpus), srat  # one entry per CPU

    mm = parse_memmap(q.cmd("memmap"))
    ram = [(b, e) for b, e, t, _ in mm if t == "ram"]
    firmware_ram = sum(e - b for b, e, t, src in mm if t == "ram" and src != "acpi")
    total = sum(node_sizes)
    assert total - 64 * MiB <= firmware_ram <= total, mm
    if firmware == "ovmf":
        assert any("efi" in src for _, _, _, src in mm), mm
    for addr, size in dimms:
        assert (addr, addr + size, "ram", "acpi") in mm, f"cold DIMM at {addr:#x} not in memmap:\n{mm}"

    nodes, ranges = parse_numa(q.cmd("numa"))
    assert sorted(nodes) == list(range(len(node_sizes))), nodes
    for n in nodes:
        entries = [e for e in enabled if e[0] == n]
        hp = [e for e in entries if "hotpluggable" in e[3]]
        present = sum(overlap(b, b + l, ram) for _, b, l, _ in entries)
        hp_present = sum(overlap(b, b + l, ram) for _, b, l, _ in hp)
        hp_absent = sum(l - overlap(b, b + l, [(x, y) for x, y, _, _ in mm]) for _, b, l, _ in hp)
        assert nodes[n]["present"] == present, (n, nodes, enabled, ram)
        assert nodes[n]["hp_present"] == hp_present, (n, nodes, enabled, ram)
        assert nodes[n]["hp_absent"] == hp_absent, (n, nodes, enabled, ram)
    if region is not None:
        absent = [(b, l) for b, l, f in ranges if f.startswith("absent")]
        assert sum(l for _, l in absent) == region.size - sum(s for _, s in dimms)
        assert all(region.base <= b and b + l <= region.end for b, l in absent), ranges
    assert "no-srat" not in str(ranges)


COMBOS = [("pc", "bios"), ("pc", "ovmf"), ("q35", "bios"), ("q35", "ovmf")]


@pytest.mark.parametrize("machine,firmware", COMBOS, ids=[f"{m}-{f}" for m, f in COMBOS])
def test_one_node(make_qemu, machine, firmware):
    q = make_qemu(machine=machine, firmware=firmware, mem="1G", slots=4, maxmem="8G", numa_nodes=0,
                  cold_dimms=[]).boot(timeout=120)
    region = device_memory_region(q.cfg)
    assert (region.base, region.size) == (4 * GiB, 0x2C0000000)
    check_discovery(q, machine, firmware, [GiB], region)


@pytest.mark.parametrize("machine,firmware", [("q35", "bios"), ("pc", "ovmf")], ids=["q35-bios", "pc-ovmf"])
def test_three_nodes_of_different_sizes(make_qemu, machine, firmware):
    sizes = [512 * MiB, GiB, 1536 * MiB]
    extra = []
    for i, s in enumerate(sizes):
        extra += ["-object", f"memory-backend-ram,id=node{i},size={s // MiB}M", "-numa", f"node,nodeid={i},memdev=node{i}"]
    dimm = Dimm("dimm0", "256M", node=2)
    q = make_qemu(machine=machine, firmware=firmware, mem="3G", slots=4, maxmem="8G", numa_nodes=0,
                  cold_dimms=[dimm], extra_args=extra).boot(timeout=120)
    region = device_memory_region(q.cfg)
    addr = dimm_addresses(q.cfg)[0]
    check_discovery(q, machine, firmware, sizes, region, dimms=[(addr, 256 * MiB)])


@pytest.mark.parametrize("machine,firmware", [("pc", "bios"), ("q35", "ovmf")], ids=["pc-bios", "q35-ovmf"])
def test_5g_hotplug_region_above_ram(make_qemu, machine, firmware):
    q = make_qemu(machine=machine, firmware=firmware, mem="5G", slots=2, maxmem="12G", numa_nodes=0,
                  cold_dimms=[]).boot(timeout=120)
    region = device_memory_region(q.cfg)
    low = below_4g(machine, 5 * GiB)
    assert region.base == (4 * GiB + (5 * GiB - low) + GiB - 1) // GiB * GiB
    check_discovery(q, machine, firmware, [5 * GiB], region)


def _srat_body(entries):
    """An SRAT body for -acpitable data= (QEMU adds the header): 12 reserved bytes, then entries."""
    return struct.pack("<IQ", 1, 0) + b"".join(entries)


def _srat_mem(node, base, length, flags, elen=40):
    e = struct.pack("<BBIHQQIIQ", 1, 40, node, 0, base, length, 0, flags, 0)
    return e[:1] + bytes([elen]) + e[2:]


@pytest.mark.parametrize("case", ["zero-length", "past-end"])
def test_malformed_srat(make_qemu, log_dir, case):
    bad = _srat_mem(0, 0x100000, 0x1000, 1, elen=0 if case == "zero-length" else 200)
    body = _srat_body([_srat_mem(0, 0x100000, 0x100000, 1), bad, _srat_mem(0, 0x200000, 0x100000, 1)])
    f = log_dir / "bad-srat.bin"
    f.write_bytes(body)
    q = make_qemu(machine="q35", firmware="bios", mem="1G", slots=4, maxmem="8G", numa_nodes=0, cold_dimms=[],
                  extra_args=["-acpitable", f"sig=SRAT,oem_id=BADTAB,data={f}"]).boot(timeout=120)
    what = "too small" if case == "zero-length" else "runs past the table"
    assert re.search(rf"srat: entry type 1 at offset 88: length \d+ {what}: rest of the table ignored", q.serial.text), \
        q.serial.text[-4000:]
    acpi = q.cmd("acpi")
    assert len(re.findall(r"^SRAT at .* checksum ok$", acpi, re.M)) == 2, acpi
    # QEMU's own SRAT is the one used; the bad one's entries are nowhere.
    check_discovery(q, "q35", "bios", [GiB], device_memory_region(q.cfg))
    assert q.cmd("version").startswith("hotmem ")


def test_malformed_madt(make_qemu, log_dir):
    lapic = struct.pack("<BBBBI", 0, 8, 0, 0, 1)
    bad_ioapic = struct.pack("<BBBBII", 1, 200, 0, 0, 0xFEC00000, 0)
    f = log_dir / "bad-madt.bin"
    f.write_bytes(struct.pack("<II", 0xFEE00000, 1) + lapic + bad_ioapic)
    q = make_qemu(machine="pc", firmware="bios", mem="1G", slots=4, maxmem="8G", numa_nodes=0, cold_dimms=[],
                  extra_args=["-acpitable", f"sig=APIC,oem_id=BADTAB,data={f}"]).boot(timeout=120)
    assert re.search(r"madt: entry type 1 at offset 52: length 200 runs past the table", q.serial.text), \
        q.serial.text[-4000:]
    acpi = q.cmd("acpi")
    assert len(re.findall(r"^APIC at .* checksum ok$", acpi, re.M)) == 2, acpi
    check_discovery(q, "pc", "bios", [GiB], device_memory_region(q.cfg))
    assert q.cmd("version").startswith("hotmem ")
