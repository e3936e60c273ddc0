"""Issue 12: memory that is not ours. An offline never unmaps firmware memory: with -m 3G on q35
(2 GiB below 4 GiB, 1 GiB above, so the frame database lives above 4 GiB) the ACPI tables sit at
the top of low RAM, inside a 2 MiB subsection that is only partly RAM. Offlining that subsection
is refused with a log line naming it; the AML interpreter, whose method bodies point into those
tables, keeps working (a hot-add runs _CRS, _STA, _OST from them)."""

import re

import pytest

from harness import MiB

SUB = 2 * MiB


def parse_memmap(text):
    return [(int(m[1], 16), int(m[2], 16) + 1, m[3])
            for m in re.finditer(r"^\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (\S+)", text, re.M)]


# -m sizes whose low RAM ends inside a subsection, right below the ACPI tables: q35 splits -m 3G at
# 2 GiB (the frame database lives above 4 GiB, so the subsection below the tables is free); pc and
# q35 with less than that end low RAM at -m (the frame database is carved from the top of it).
@pytest.mark.parametrize("machine,mem,below_free", [("q35", "3G", True), ("pc", "1G", False),
                                                    ("q35", "1500M", False)])
def test_offline_of_partly_ram_subsection_is_refused(make_qemu, machine, mem, below_free):
    q = make_qemu(machine=machine, mem=mem, numa_nodes=1, cold_dimms=[]).boot()
    mm = parse_memmap(q.cmd("memmap"))
    low_ram_end = max(e for b, e, t in mm if t == "ram" and e <= 1 << 32)
    assert low_ram_end % SUB, f"low RAM ends on a subsection boundary: {mm}"
    dsdt = re.search(r"acpi: DSDT at (0x[0-9a-f]+)", q.serial.text)
    assert dsdt, "no DSDT address in the boot log"
    sub = low_ram_end & ~(SUB - 1)
    assert sub <= int(dsdt[1], 16) < sub + SUB, "the ACPI tables are not in the partly-RAM subsection"

    out = q.cmd(f"offline {sub:#x}-{sub + SUB:#x}", timeout=60)
    assert "error: offline:" in out, out
    assert f"subsection {sub:#x}-{sub + SUB:#x} is only partly RAM" in q.serial.text, out
    if below_free:  # the RAM-only subsection just below it offlines and onlines as usual
        assert "offline ok" in q.cmd(f"offline {sub - SUB:#x}-{sub:#x}", timeout=60)
        assert "online ok" in q.cmd(f"online {sub - SUB:#x}-{sub:#x}")

    # AML still runs from the tables: a hot-add is onlined and reported
    q.hot_add_dimm("d1", "128M", node=0)
    q.qmp.wait_event("ACPI_DEVICE_OST", 60, lambda e: e["data"]["info"].get("device") == "d1"
                     and e["data"]["info"]["source"] == 1 and e["data"]["info"]["status"] == 0)
    assert "mmverify ok" in q.cmd("mmverify", timeout=60)
    assert q.alive()
